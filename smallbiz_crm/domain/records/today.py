"""Frozen records of the Today page and its notifications: a cut list, a birthday, an alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Generic, TypeVar

from smallbiz_crm.domain.records.concerns import ConcernRow
from smallbiz_crm.domain.records.follow_ups import FollowUpRow

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Section(Generic[T]):
    """The first rows of a list and how many there are in all."""

    rows: tuple[T, ...]
    total: int

    @property
    def more(self) -> int:
        """How many are left out of `rows`."""
        return max(0, self.total - len(self.rows))

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, slots=True)
class BirthdayRow:
    customer_id: int
    name: str
    phone: str
    born_on: date
    on: date  # the day it is celebrated this time; 29 February is 28 February in common years
    turns: int  # the age they turn on `on`
    days_away: int  # 0 today, 1 tomorrow…


class AlertKind(StrEnum):
    FOLLOW_UP = "follow_up"
    CONCERN = "concern"


@dataclass(frozen=True, slots=True)
class Alert:
    """A follow-up or concern deadline that came due, for a notification."""

    kind: str  # an AlertKind value
    ref_id: int  # the follow-up's or the concern's id
    customer_id: int
    customer_name: str
    title: str
    message: str
    due_at: datetime  # the moment it came due

    @property
    def key(self) -> tuple[str, int, datetime]:
        # With the moment: a follow-up snoozed to another day is worth a new alert then.
        return (self.kind, self.ref_id, self.due_at)


@dataclass(frozen=True, slots=True)
class LosingTouchRow:
    customer_id: int
    name: str
    stage: str
    days_since_contact: int
    rhythm_days: int
    phone: str

    @property
    def days_past_rhythm(self) -> int:
        return self.days_since_contact - self.rhythm_days


@dataclass(frozen=True, slots=True)
class TodayData:
    """Everything the Today page and the `today` command show, as of `now`."""

    now: datetime
    overdue: Section[FollowUpRow]
    due_today: Section[FollowUpRow]
    concerns: Section[ConcernRow]
    concerns_overdue: int  # of concerns.total, how many are past their deadline
    birthdays: Section[BirthdayRow]
    losing_touch: Section[LosingTouchRow]

    @property
    def today(self) -> date:
        return self.now.date()

    def counts(self) -> dict[str, int]:
        """The total of each section, by section name."""
        return {"overdue": self.overdue.total, "due_today": self.due_today.total,
                "concerns": self.concerns.total, "birthdays": self.birthdays.total,
                "losing_touch": self.losing_touch.total}

    @property
    def all_clear(self) -> bool:
        return not any(self.counts().values())


# --- queries --------------------------------------------------------------------------------
