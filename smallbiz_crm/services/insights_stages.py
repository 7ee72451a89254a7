"""Customers per journey stage, their moves up and down, and who is losing touch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from smallbiz_crm.domain.journey import is_move_up
from smallbiz_crm.domain.kinds import StageChangeReason
from smallbiz_crm.domain.records.customers import StageRecord
from smallbiz_crm.domain.records.insights import (
    JourneyFigures,
    PeriodRange,
    StageFigure,
    TouchFigures,
    TouchStage,
)
from smallbiz_crm.services.insights_sql import bounds
from smallbiz_crm.services.journey import stage_record
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import JourneyStage

# Stage changes that are bookkeeping, not a customer moving: a new or imported record, a
# merge, the owner removing a stage. The same rule GestureService uses for "moved up".
BOOKKEEPING_REASONS = (StageChangeReason.CREATED.value, StageChangeReason.IMPORT.value,
                       StageChangeReason.MERGE.value, StageChangeReason.STAGE_REMOVED.value)

Move = tuple[int | None, int | None, int]  # (from stage id, to stage id, how many)


def load_stages(session: Session) -> list[StageRecord]:
    return [stage_record(stage) for stage in
            session.scalars(select(JourneyStage).order_by(JourneyStage.position))]


def direction(before: StageRecord | None, after: StageRecord | None) -> int:
    """+1 a move up (domain.journey.is_move_up), -1 down (to an earlier stage, or to lapsed
    from a stage that was not), 0 neither or unknown (the target stage was removed since)."""
    if after is None:
        return 0
    if is_move_up(before, after):
        return 1
    if before is None or before.is_lapsed:
        return 0
    if after.is_lapsed or after.position < before.position:
        return -1
    return 0


def stage_counts(db: Database) -> tuple[list[StageRecord], dict[int, int]]:
    """Customers per stage today, archived ones left out (as JourneyService counts)."""
    with db.read() as session:
        stages = load_stages(session)
        # All customers off the (stage_id) index, minus the few archived: a scan of the
        # customer rows themselves reads every wide row.
        counts = {int(sid): int(n) for sid, n in session.execute(text(
            "SELECT stage_id, count(*) FROM customer GROUP BY stage_id"))}
        for sid, n in session.execute(text(
                "SELECT stage_id, count(*) FROM customer WHERE archived = 1 "
                "GROUP BY stage_id")):
            counts[int(sid)] = counts.get(int(sid), 0) - int(n)
    return stages, counts


def stage_moves(db: Database, rng: PeriodRange) -> list[Move]:
    """(from stage id, to stage id, how many) for the period's real moves."""
    reasons = ", ".join(f"'{reason}'" for reason in BOOKKEEPING_REASONS)
    # The unary + scans the table: over months, most of the 300,000 rows of a big shop
    # are in range, and fetching each through the changed_at index costs twice as much.
    sql = ("SELECT from_stage_id, to_stage_id, count(*) FROM stage_change "
           "WHERE +changed_at >= :start AND +changed_at < :end "
           f"AND reason NOT IN ({reasons}) GROUP BY from_stage_id, to_stage_id")
    with db.read() as session:
        return [(f, t, int(n)) for f, t, n in session.execute(text(sql), bounds(rng))]


def journey_figures(stages: Sequence[StageRecord], counts: dict[int, int],
                    moves: Sequence[Move]) -> JourneyFigures:
    by_id = {stage.id: stage for stage in stages}
    up_into: dict[int, int] = {}
    down_into: dict[int, int] = {}
    for from_id, to_id, count in moves:
        after = by_id.get(to_id) if to_id is not None else None
        before = by_id.get(from_id) if from_id is not None else None
        way = direction(before, after)
        if after is None or way == 0:
            continue
        target = up_into if way > 0 else down_into
        target[after.id] = target.get(after.id, 0) + count
    figures = tuple(StageFigure(stage_id=s.id, name=s.name, position=s.position,
                                is_lapsed=s.is_lapsed, customers=counts.get(s.id, 0),
                                moved_up_into=up_into.get(s.id, 0),
                                moved_down_into=down_into.get(s.id, 0)) for s in stages)
    return JourneyFigures(stages=figures, customers=sum(f.customers for f in figures),
                          moved_up=sum(up_into.values()),
                          moved_down=sum(down_into.values()))


def losing_touch(db: Database, today: date) -> dict[int, int]:
    """Customers losing touch today, per stage: by StayingInTouchService's rule — not
    archived, not "not pursuing", at a stage with a contact rhythm, and their last
    contact (or, never contacted, their being added) before today minus the rhythm."""
    with db.read() as session:
        rhythms = session.execute(
            select(JourneyStage.id, JourneyStage.contact_rhythm_days)
            .where(JourneyStage.contact_rhythm_days.is_not(None))).all()
        if not rhythms:
            return {}
        params: dict[str, Any] = {}
        whens = []
        for number, (stage_id, rhythm) in enumerate(rhythms):
            params[f"stage_{number}"] = stage_id
            params[f"cutoff_{number}"] = (today - timedelta(days=rhythm or 0)).isoformat()
            whens.append(f"WHEN :stage_{number} THEN :cutoff_{number}")
        # The cutoff day per stage is worked out here: per row, only a text comparison.
        sql = ("SELECT c.stage_id, count(*) FROM customer c "
               "WHERE +c.archived = 0 AND c.not_pursuing = 0 "
               "AND coalesce(c.last_contact_at, c.created_at) < "
               f"(CASE c.stage_id {' '.join(whens)} END) GROUP BY c.stage_id")
        return {int(sid): int(n) for sid, n in session.execute(text(sql), params)}


def touch_figures(stages: Sequence[StageRecord], counts: dict[int, int],
                  losing: dict[int, int], moves: Sequence[Move]) -> TouchFigures:
    by_id = {stage.id: stage for stage in stages}
    lapsed_from: dict[int | None, int] = {}
    for from_id, to_id, count in moves:
        after = by_id.get(to_id) if to_id is not None else None
        before = by_id.get(from_id) if from_id is not None else None
        if after is not None and after.is_lapsed and direction(before, after) < 0:
            key = before.id if before is not None else None
            lapsed_from[key] = lapsed_from.get(key, 0) + count
    rows = tuple(TouchStage(stage_id=s.id, name=s.name, position=s.position,
                            is_lapsed=s.is_lapsed, rhythm_days=s.contact_rhythm_days,
                            customers=counts.get(s.id, 0), losing_touch=losing.get(s.id, 0),
                            lapsed_from=lapsed_from.get(s.id, 0)) for s in stages)
    return TouchFigures(stages=rows, losing_touch=sum(r.losing_touch for r in rows),
                        lapsed_now=sum(r.customers for r in rows if r.is_lapsed),
                        lapsed_in_period=sum(lapsed_from.values()))
