"""The sample run's seeded draws and clock, and the chunk of rows being drafted."""

from __future__ import annotations

import itertools
import random
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, select

from smallbiz_crm.store.models import (
    Concern,
    Customer,
    CustomerTag,
    Feedback,
    FollowUp,
    Gesture,
    Interaction,
    StageChange,
)

Row = dict[str, Any]

_DAY_OPENS = 9 * 60  # minutes after midnight
_OPEN_MINUTES = 10 * 60


# -- what the database already holds -------------------------------------------------------

class Stage(NamedTuple):
    id: int
    name: str
    is_lapsed: bool


class Step(NamedTuple):
    id: int
    offset_days: int
    kind: str
    reason: str
    needs_consent: bool


@dataclass(frozen=True, slots=True)
class Reference:
    walk: tuple[Stage, ...]  # the non-lapsed stages in order
    lapsed: Stage | None
    persona_ids: tuple[int, ...]
    tag_ids: tuple[int, ...]
    products: tuple[tuple[int, str], ...]  # (id, name) of products still sold
    steps: dict[str, tuple[Step, ...]]  # cadence steps by trigger
    import_batch_id: int
    imported_at: datetime


class Ids:
    """The next free id of each table, read inside the chunk's own transaction."""

    def __init__(self, conn: Connection) -> None:
        def after(model: Any) -> Iterator[int]:
            return itertools.count((conn.scalar(select(func.max(model.id))) or 0) + 1)

        self.customer = after(Customer)
        self.stage_change = after(StageChange)
        self.interaction = after(Interaction)
        self.gesture = after(Gesture)
        self.concern = after(Concern)
        self.feedback = after(Feedback)
        self.follow_up = after(FollowUp)


# -- one chunk ---------------------------------------------------------------------------------

@dataclass(slots=True)
class Rows:
    """One chunk's rows, in the order their foreign keys need."""

    customer: list[Row] = field(default_factory=list)
    customer_tag: list[Row] = field(default_factory=list)
    stage_change: list[Row] = field(default_factory=list)
    interaction: list[Row] = field(default_factory=list)
    gesture: list[Row] = field(default_factory=list)
    concern: list[Row] = field(default_factory=list)
    feedback: list[Row] = field(default_factory=list)
    follow_up: list[Row] = field(default_factory=list)
    imported: int = 0  # customers of the chunk that came in the demo import

    def write(self, conn: Connection) -> None:
        for model, rows in ((Customer, self.customer), (CustomerTag, self.customer_tag),
                            (StageChange, self.stage_change), (Interaction, self.interaction),
                            (Gesture, self.gesture), (Concern, self.concern),
                            (Feedback, self.feedback), (FollowUp, self.follow_up)):
            if rows:
                # The driver's own executemany: neither an ORM object nor SQLAlchemy's bind
                # processing per row (together most of the time at a million rows). Values are
                # already in the form SQLAlchemy stores them in (see stamp).
                names = list(rows[0])
                conn.exec_driver_sql(
                    f'INSERT INTO {model.__tablename__} ({", ".join(names)}) '
                    f'VALUES ({", ".join(":" + name for name in names)})', rows)


@dataclass(slots=True)
class Plan:
    """One customer while its chunk is built: what later rows need to stay consistent."""

    id: int
    row: Row
    created: datetime
    created_day: int  # date ordinals from here on
    end_day: int  # the last day they were active
    lapsed: bool
    consent: bool
    quiet: bool  # archived or not pursuing: no invitations, no open follow-ups
    imported: bool
    last_contact: datetime | None = None
    next_due: int | None = None
    changed: datetime | None = None  # the latest stage change


def stamp(moment: datetime | None) -> str | None:
    """A timestamp as SQLAlchemy's SQLite DateTime stores it: '2026-05-01 14:30:00.000000'."""
    return None if moment is None else moment.isoformat(" ", "microseconds")


class Weighted:
    """Values to draw with the given weights."""

    def __init__(self, pairs: Sequence[tuple[Any, int]]) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]


# -- the run -----------------------------------------------------------------------------------

class Draft:
    """One run's random draws, its "now", what later customers look back on, and the rows of
    the chunk being built. Every draw comes from the one seeded generator, in a fixed order:
    that order is what makes a seed give the same data every time."""

    def __init__(self, rng: random.Random, today: date, total: int, ref: Reference) -> None:
        self.rng = rng
        self.rnd = rng.random
        self.ref = ref
        self.total = max(total, 1)
        self.today = today.toordinal()
        # Demo "now": early morning, so nothing dated today lies in the owner's future.
        self.now = datetime.combine(today, time(8, 30))
        self.customer_ids: list[int] = []
        self.customer_joined: list[datetime] = []
        self.gesture_turn = 0
        self.feedback_turn = 0
        self.told_turn = 0
        self.channel_turn = 0
        self.ids: Ids | None = None
        self.rows = Rows()

    # random.randint/choice/choices are pure Python and ~5x slower than random() itself;
    # at a million rows that is most of the run, so these helpers build on random() alone.

    def ri(self, low: int, high: int) -> int:
        """An integer from low to high, both included."""
        return low + int(self.rnd() * (high - low + 1))

    def below(self, low: int, high: int | None = None) -> int:
        """Like randrange: from 0 (or low) up to but excluding high (or low)."""
        if high is None:
            return int(self.rnd() * low)
        return low + int(self.rnd() * (high - low))

    def ch(self, items: Sequence[Any]) -> Any:
        return items[int(self.rnd() * len(items))]

    def pick(self, table: Weighted) -> Any:
        return table.values[bisect_right(table.cumulative, self.rnd() * table.total)]

    def moment(self, day: int) -> datetime:
        """A time during opening hours on that day."""
        return (datetime.fromordinal(day)
                + timedelta(minutes=_DAY_OPENS + self.below(_OPEN_MINUTES)))

    def later(self, start: datetime, end: datetime) -> datetime:
        """A time after start, by end if there is room, never after now."""
        room = int((end - start).total_seconds() // 60)
        result = start + timedelta(minutes=self.ri(1, max(1, room)))
        return min(result, self.now)

    def touch(self, plan: Plan, when: datetime) -> None:
        if plan.last_contact is None or when > plan.last_contact:
            plan.last_contact = when

    @property
    def id_of(self) -> Ids:
        assert self.ids is not None
        return self.ids
