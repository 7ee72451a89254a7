"""What followed a gesture: the customer's purchases, referrals and moves up within a window."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from smallbiz_crm.domain.journey import is_move_up
from smallbiz_crm.domain.kinds import StageChangeReason
from smallbiz_crm.domain.records.gestures import (
    Followed,
    GestureFilter,
    KindSummary,
    kind_sort_key,
)
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.gesture_search import picked_cte
from smallbiz_crm.services.journey import stage_record
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import JourneyStage

DEFAULT_WINDOW_DAYS = 90
MAX_WINDOW_DAYS = 3660

# Only moves the customer made count as "moved up": creating, importing or merging a record and
# removing a stage also write stage_change rows, but nobody moved because of a gesture there.
_MOVES_THAT_COUNT = (StageChangeReason.MANUAL.value, StageChangeReason.PURCHASE.value)

# The window: after the gesture day, up to and including the day `window` days later.
# Timestamps are stored as 'YYYY-MM-DD HH:MM:SS…', so comparing them with bare dates as text
# is exact and keeps the (customer_id, occurred_at) indexes usable.
_AFTER = "date(g.given_on, '+1 day')"
_UNTIL = "date(g.given_on, :upper)"
# The unary + keeps SQLite off the (kind, occurred_at) index: scanning every shop purchase in
# the window, per gesture, took minutes at a million interactions; the customer's own are few.
_PURCHASES_JOIN = (
    "JOIN interaction i ON i.customer_id = g.customer_id AND +i.kind = 'purchase' "
    f"AND i.occurred_at >= {_AFTER} AND i.occurred_at < {_UNTIL}")
_REFERRALS_JOIN = (
    "JOIN customer r ON r.referred_by_id = g.customer_id "
    f"AND r.created_at >= {_AFTER} AND r.created_at < {_UNTIL}")
_MOVES_JOIN = (
    "JOIN stage_change sc ON sc.customer_id = g.customer_id "
    f"AND sc.changed_at >= {_AFTER} AND sc.changed_at < {_UNTIL} "
    "AND sc.reason IN ('" + "', '".join(_MOVES_THAT_COUNT) + "')")


def _window_params(window_days: int) -> dict[str, Any]:
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise ValidationError.single(
            "window_days", f"Choose a window between 1 and {MAX_WINDOW_DAYS:,} days.")
    # date(given_on, '+91 days') is the first day *outside* a 90-day window.
    return {"upper": f"+{window_days + 1} days"}


def _moved_up_ids(session: Session, rows: Sequence[Any]) -> set[int]:
    """The stage_change ids among (id, from_stage_id, to_stage_id) that are moves up, judged by
    the journey rule on today's stage order (a lapse never counts)."""
    stages = {stage.id: stage_record(stage) for stage in session.scalars(select(JourneyStage))}
    up: set[int] = set()
    for change_id, from_id, to_id in rows:
        after = stages.get(to_id) if to_id is not None else None
        if after is None:
            continue  # the target stage was removed since: no way to tell the direction
        before = stages.get(from_id) if from_id is not None else None
        if is_move_up(before, after):
            up.add(int(change_id))
    return up


def followed_each(db: Database, gestures: Sequence[int] | GestureFilter,
                  window_days: int) -> dict[int, Followed]:
    """Per gesture, what followed it; the rules are on GestureService.what_followed."""
    params = _window_params(window_days)
    picked = picked_cte(gestures)
    if picked is None:
        return {}
    cte, cte_params = picked
    params.update(cte_params)
    with db.read() as session:
        result: dict[int, dict[str, int]] = {
            int(gid): {"purchases": 0, "purchase_cents": 0, "referrals": 0, "moved_up": 0}
            for gid, in session.execute(text(f"{cte} SELECT id FROM picked"), params)}
        for gid, count, cents in session.execute(text(
                f"{cte} SELECT g.id, count(i.id), coalesce(sum(i.amount_cents), 0) "
                f"FROM picked g {_PURCHASES_JOIN} GROUP BY g.id"), params):
            result[int(gid)]["purchases"] = int(count)
            result[int(gid)]["purchase_cents"] = int(cents)
        for gid, count in session.execute(text(
                f"{cte} SELECT g.id, count(r.id) FROM picked g {_REFERRALS_JOIN} "
                "GROUP BY g.id"), params):
            result[int(gid)]["referrals"] = int(count)
        moves = session.execute(text(
            f"{cte} SELECT g.id, sc.id, sc.from_stage_id, sc.to_stage_id "
            f"FROM picked g {_MOVES_JOIN}"), params).all()
        up = _moved_up_ids(session, [(m[1], m[2], m[3]) for m in moves])
        for gid, change_id, _from, _to in moves:
            if change_id in up:
                result[int(gid)]["moved_up"] += 1
    return {gid: Followed(**values) for gid, values in result.items()}


def followed_per_kind(db: Database, flt: GestureFilter, window_days: int) -> list[KindSummary]:
    """Per kind, what was given and what followed; the rules are on
    GestureService.followed_by_kind."""
    params = _window_params(window_days)
    picked = picked_cte(flt)
    if picked is None:
        return []
    cte, cte_params = picked
    params.update(cte_params)
    with db.read() as session:
        given = {str(kind): (int(count), int(cost)) for kind, count, cost in session.execute(
            text(f"{cte} SELECT kind, count(*), coalesce(sum(cost_cents), 0) FROM picked "
                 "GROUP BY kind"), params)}
        # DISTINCT per kind: a purchase after several gestures of one kind counts once for it.
        purchases = {str(kind): (int(count), int(cents)) for kind, count, cents in
                     session.execute(text(
                         f"{cte} SELECT kind, count(*), coalesce(sum(amount_cents), 0) "
                         "FROM (SELECT DISTINCT g.kind AS kind, i.id, i.amount_cents "
                         f"FROM picked g {_PURCHASES_JOIN}) GROUP BY kind"), params)}
        referrals = {str(kind): int(count) for kind, count in session.execute(text(
            f"{cte} SELECT g.kind, count(DISTINCT r.id) FROM picked g {_REFERRALS_JOIN} "
            "GROUP BY g.kind"), params)}
        moves = session.execute(text(
            f"{cte} SELECT DISTINCT g.kind, sc.id, sc.from_stage_id, sc.to_stage_id "
            f"FROM picked g {_MOVES_JOIN}"), params).all()
        up = _moved_up_ids(session, [(m[1], m[2], m[3]) for m in moves])
    moved: dict[str, int] = {}
    for kind, change_id, _from, _to in moves:
        if change_id in up:
            moved[str(kind)] = moved.get(str(kind), 0) + 1
    return [KindSummary(kind=kind, given=given[kind][0], cost_cents=given[kind][1],
                        purchases=purchases.get(kind, (0, 0))[0],
                        purchase_cents=purchases.get(kind, (0, 0))[1],
                        referrals=referrals.get(kind, 0), moved_up=moved.get(kind, 0))
            for kind in sorted(given, key=kind_sort_key)]
