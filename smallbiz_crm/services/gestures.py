"""The gesture ledger: trust-building gestures per customer, their cost, and what followed them."""

from __future__ import annotations

import builtins
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, select, text
from sqlalchemy.orm import Session

from smallbiz_crm.domain.journey import is_move_up
from smallbiz_crm.domain.kinds import GestureKind, StageChangeReason
from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.domain.search import fts_query
from smallbiz_crm.domain.validation import (
    Collector,
    ValidationError,
    check_cents,
    check_long_text,
    check_when,
    clean_text,
)
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.customer_clock import refresh_last_contact, touch
from smallbiz_crm.services.errors import ConflictError, NotFoundError
from smallbiz_crm.services.journey import stage_record
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Customer, Gesture, JourneyStage

DEFAULT_WINDOW_DAYS = 90
MAX_WINDOW_DAYS = 3660
MAX_OCCASION_LENGTH = 200
DEFAULT_LIST_LIMIT = 2000

# Only moves the customer made count as "moved up": creating, importing or merging a record and
# removing a stage also write stage_change rows, but nobody moved because of a gesture there.
_MOVES_THAT_COUNT = (StageChangeReason.MANUAL.value, StageChangeReason.PURCHASE.value)

_KIND_PLURALS = {
    GestureKind.FREEBIE: "Freebies",
    GestureKind.INVITATION: "Invitations",
    GestureKind.GIFT: "Gifts",
    GestureKind.THANK_YOU: "Thank-you notes",
    GestureKind.KINDNESS: "Acts of kindness",
    GestureKind.UPGRADE: "Upgrades",
}
_KIND_ORDER = {kind.value: position for position, kind in enumerate(GestureKind)}


def kind_plural(kind: str) -> str:
    """'invitation' → 'Invitations'; an unknown code reads as itself, tidied."""
    try:
        return _KIND_PLURALS[GestureKind(kind)]
    except ValueError:
        return kind.replace("_", " ").capitalize()


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


# -- records ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class GestureDraft:
    """What the owner typed: one gesture, for one customer or for several at once."""

    customer_ids: tuple[int, ...]
    kind: str
    given_on: date | None
    description: str
    cost_cents: int | None = 0
    occasion: str = ""
    outcome: str = ""


@dataclass(frozen=True, slots=True)
class GestureRecord:
    id: int
    customer_id: int
    kind: str
    given_on: date
    description: str
    cost_cents: int
    occasion: str
    outcome: str
    batch_key: str | None
    created_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class GestureRow:
    """One line of the gesture list: the gesture and whose it is."""

    id: int
    customer_id: int
    customer_name: str
    kind: str
    given_on: date
    description: str
    cost_cents: int
    occasion: str
    outcome: str
    batch_key: str | None


@dataclass(frozen=True, slots=True)
class GestureFilter:
    """Which gestures to list or total. Stage is the customer's current stage; `text` searches
    the customers (name, company, email, phone, notes) like the customer list does."""

    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    customer_id: int | None = None
    stage_id: int | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class MonthSpend:
    month: date  # the first day of the month
    given: int
    cost_cents: int


@dataclass(frozen=True, slots=True)
class KindSpend:
    kind: str
    given: int
    cost_cents: int


@dataclass(frozen=True, slots=True)
class GestureTotals:
    given: int
    cost_cents: int
    by_month: tuple[MonthSpend, ...]  # oldest first, only months with gestures
    by_kind: tuple[KindSpend, ...]  # in GestureKind order, only kinds given


@dataclass(frozen=True, slots=True)
class Followed:
    """What followed one gesture within the window (see GestureService.what_followed)."""

    purchases: int = 0
    purchase_cents: int = 0
    referrals: int = 0
    moved_up: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.purchases or self.referrals or self.moved_up)

    def summary(self) -> str:
        """'2 purchases · 150.00 · 1 referral · moved up'; '' when nothing followed."""
        parts = []
        if self.purchases:
            parts.append(_plural(self.purchases, "purchase", "purchases"))
            parts.append(format_cents(self.purchase_cents))
        if self.referrals:
            parts.append(_plural(self.referrals, "referral", "referrals"))
        if self.moved_up:
            parts.append("moved up" if self.moved_up == 1
                         else f"moved up {self.moved_up:,} stages")
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class KindSummary:
    """One gesture kind over a filter: what was given, what it cost and what followed."""

    kind: str
    given: int
    cost_cents: int
    purchases: int
    purchase_cents: int
    referrals: int
    moved_up: int

    def describe(self) -> str:
        """'Invitations: 14 given, cost 420.00, followed by 9 purchases worth 3,150.00 and
        3 referrals'."""
        head = (f"{kind_plural(self.kind)}: {self.given:,} given, "
                f"cost {format_cents(self.cost_cents)}")
        parts = []
        if self.purchases:
            parts.append(f"{_plural(self.purchases, 'purchase', 'purchases')} worth "
                         f"{format_cents(self.purchase_cents)}")
        if self.referrals:
            parts.append(_plural(self.referrals, "referral", "referrals"))
        if self.moved_up:
            parts.append(_plural(self.moved_up, "move up", "moves up") + " the journey")
        if not parts:
            return f"{head}, nothing followed yet"
        followed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"{head}, followed by {followed}"


def gesture_record(row: Gesture) -> GestureRecord:
    return GestureRecord(id=row.id, customer_id=row.customer_id, kind=row.kind,
                         given_on=row.given_on, description=row.description,
                         cost_cents=row.cost_cents, occasion=row.occasion, outcome=row.outcome,
                         batch_key=row.batch_key, created_at=row.created_at, version=row.version)


# -- SQL pieces -------------------------------------------------------------------------------

_WITH_CUSTOMER = "gesture g JOIN customer c ON c.id = g.customer_id"


def _filter_sql(flt: GestureFilter) -> tuple[str, str, dict[str, Any]] | None:
    """FROM and WHERE clauses for the filter (gesture g, and customer c only when the filter
    needs it: 300,000 lookups cost a second); None when nothing can match."""
    where = ["1 = 1"]
    params: dict[str, Any] = {}
    if flt.kind:
        where.append("g.kind = :kind")
        params["kind"] = flt.kind
    # Dates as ISO text, the form SQLAlchemy stores them in (and no sqlite3 date adapter).
    if flt.date_from is not None:
        where.append("g.given_on >= :date_from")
        params["date_from"] = flt.date_from.isoformat()
    if flt.date_to is not None:
        where.append("g.given_on <= :date_to")
        params["date_to"] = flt.date_to.isoformat()
    if flt.customer_id is not None:
        where.append("g.customer_id = :customer_id")
        params["customer_id"] = flt.customer_id
    if flt.stage_id is not None:
        where.append("c.stage_id = :stage_id")
        params["stage_id"] = flt.stage_id
    if flt.text.strip():
        match = fts_query(flt.text)
        if match is None:
            return None
        where.append("c.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH :q)")
        params["q"] = match
    source = _WITH_CUSTOMER if flt.stage_id is not None or "q" in params else "gesture g"
    return source, " AND ".join(where), params


def _picked_cte(source: Sequence[int] | GestureFilter) -> tuple[str, dict[str, Any]] | None:
    """`WITH picked AS (...)`: the gestures to look at, by id list or by filter."""
    if isinstance(source, GestureFilter):
        found = _filter_sql(source)
        if found is None:
            return None
        tables, where, params = found
        return ("WITH picked AS (SELECT g.id, g.customer_id, g.kind, g.given_on, g.cost_cents "
                f"FROM {tables} WHERE {where})"), params
    ids = sorted({int(gid) for gid in source})
    if not ids:
        return None
    return ("WITH picked AS (SELECT g.id, g.customer_id, g.kind, g.given_on, g.cost_cents "
            "FROM gesture g WHERE g.id IN (SELECT value FROM json_each(:ids)))"), {
                "ids": json.dumps(ids)}


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


# -- the service ------------------------------------------------------------------------------

class GestureService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    # -- validation -------------------------------------------------------------------------

    def validate(self, draft: GestureDraft, for_update: bool = False) -> GestureDraft:
        """The draft cleaned up, or a ValidationError with a plain message per field.

        Field names: customer_ids, kind, given_on, description, cost, occasion, outcome.
        """
        errors = Collector()
        if not for_update and not draft.customer_ids:
            errors.add("customer_ids", "Choose at least one customer.")
        if for_update and len(draft.customer_ids) > 1:
            errors.add("customer_ids", "A logged gesture belongs to one customer.")
        if draft.kind not in set(GestureKind):
            errors.add("kind", "Choose what kind of gesture it was.")
        check_when(draft.given_on, errors, self.clock(), "given_on", "The date")
        description = check_long_text(draft.description, errors, "description",
                                      "The description", required=True)
        cost = check_cents(draft.cost_cents, errors, "cost", "The cost")
        occasion = " ".join(clean_text(draft.occasion).split())
        if len(occasion) > MAX_OCCASION_LENGTH:
            errors.add("occasion",
                       f"The occasion is too long (at most {MAX_OCCASION_LENGTH} characters).")
        outcome = check_long_text(draft.outcome, errors, "outcome", "The outcome")
        errors.raise_if_any()
        return GestureDraft(customer_ids=tuple(dict.fromkeys(draft.customer_ids)),
                            kind=draft.kind, given_on=draft.given_on, description=description,
                            cost_cents=cost or 0, occasion=occasion, outcome=outcome)

    @staticmethod
    def _customers(session: Session, customer_ids: Sequence[int]) -> builtins.list[Customer]:
        found = {c.id: c for c in session.scalars(
            select(Customer).where(Customer.id.in_(customer_ids)))}
        missing = [cid for cid in customer_ids if cid not in found]
        if missing:
            raise ValidationError.single(
                "customer_ids",
                "A chosen customer no longer exists; remove them from the list."
                if len(missing) == 1 else
                f"{len(missing)} chosen customers no longer exist; remove them from the list.")
        return [found[cid] for cid in customer_ids]

    # -- writing ----------------------------------------------------------------------------

    def log(self, draft: GestureDraft) -> builtins.list[GestureRecord]:
        """One gesture per customer, all in one transaction; several share a batch key.

        Each gesture counts as contact: it resets the customer's losing-touch clock.
        """
        clean = self.validate(draft)
        assert clean.given_on is not None
        now = self.clock()
        batch_key = uuid.uuid4().hex if len(clean.customer_ids) > 1 else None
        contact_at = datetime.combine(clean.given_on, time.min)
        with self.db.unit_of_work() as session:
            rows = []
            for customer in self._customers(session, clean.customer_ids):
                row = Gesture(customer_id=customer.id, kind=clean.kind, given_on=clean.given_on,
                              description=clean.description, cost_cents=clean.cost_cents,
                              occasion=clean.occasion, outcome=clean.outcome,
                              batch_key=batch_key, created_at=now)
                session.add(row)
                rows.append(row)
                touch(customer, contact_at)
                customer.updated_at = now
            session.flush()
            return [gesture_record(row) for row in rows]

    def _load(self, session: Session, gesture_id: int) -> Gesture:
        row = session.get(Gesture, gesture_id)
        if row is None:
            raise NotFoundError(f"There is no gesture with id {gesture_id}; "
                                "it may have been deleted.")
        return row

    def get(self, gesture_id: int) -> GestureRecord:
        with self.db.read() as session:
            return gesture_record(self._load(session, gesture_id))

    def update(self, gesture_id: int, draft: GestureDraft,
               expected_version: int | None = None) -> GestureRecord:
        """Edit one gesture. `draft.customer_ids` empty keeps its customer; one id moves it."""
        clean = self.validate(draft, for_update=True)
        assert clean.given_on is not None
        with self.db.unit_of_work() as session:
            row = self._load(session, gesture_id)
            if expected_version is not None and row.version != expected_version:
                raise ConflictError("This gesture was changed elsewhere since you opened it; "
                                    "close the form and open it again.")
            affected = {row.customer_id}
            if clean.customer_ids:
                row.customer_id = self._customers(session, clean.customer_ids)[0].id
                affected.add(row.customer_id)
            row.kind = clean.kind
            row.given_on = clean.given_on
            row.description = clean.description
            row.cost_cents = clean.cost_cents or 0
            row.occasion = clean.occasion
            row.outcome = clean.outcome
            # A date moved earlier (or a gesture moved away) may make the last contact earlier.
            refresh_last_contact(session, affected)
            return gesture_record(self._load(session, gesture_id))

    def set_outcome(self, gesture_id: int, outcome: str) -> GestureRecord:
        """Record how the customer reacted."""
        self.set_outcomes([gesture_id], outcome)
        return self.get(gesture_id)

    def set_outcomes(self, gesture_ids: Sequence[int], outcome: str) -> int:
        """The same outcome on several gestures (who came to the event), all or nothing."""
        errors = Collector()
        cleaned = check_long_text(outcome, errors, "outcome", "The outcome")
        errors.raise_if_any()
        ids = sorted(set(gesture_ids))
        with self.db.unit_of_work() as session:
            rows = list(session.scalars(select(Gesture).where(Gesture.id.in_(ids))))
            if len(rows) != len(ids):
                raise NotFoundError("A gesture you chose no longer exists; reload the list.")
            for row in rows:
                row.outcome = cleaned
            return len(rows)

    def delete(self, gesture_id: int) -> None:
        with self.db.unit_of_work() as session:
            row = self._load(session, gesture_id)
            customer_id = row.customer_id
            session.delete(row)
            refresh_last_contact(session, [customer_id])

    # -- reading ----------------------------------------------------------------------------

    def for_customer(self, customer_id: int) -> tuple[builtins.list[GestureRecord], int]:
        """A customer's gestures, newest first, and their total cost in cents."""
        with self.db.read() as session:
            rows = [gesture_record(row) for row in session.scalars(
                select(Gesture).where(Gesture.customer_id == customer_id)
                .order_by(Gesture.given_on.desc(), Gesture.id.desc()))]
        return rows, sum(row.cost_cents for row in rows)

    def count(self, flt: GestureFilter) -> int:
        found = _filter_sql(flt)
        if found is None:
            return 0
        tables, where, params = found
        with self.db.read() as session:
            return int(session.execute(text(
                f"SELECT count(*) FROM {tables} WHERE {where}"), params).scalar_one())

    def recent_occasions(self, limit: int = 30) -> builtins.list[str]:
        """Occasions used in the last year, most recent first: offered while typing one."""
        since = (self.clock().date() - timedelta(days=366)).isoformat()
        with self.db.read() as session:
            return [str(value) for value, in session.execute(text(
                "SELECT occasion FROM gesture WHERE given_on >= :since AND occasion != '' "
                "GROUP BY occasion ORDER BY max(given_on) DESC, occasion LIMIT :limit"),
                {"since": since, "limit": limit})]

    def totals(self, flt: GestureFilter) -> GestureTotals:
        """Spend per month and per kind, summed as integer cents (exact)."""
        found = _filter_sql(flt)
        if found is None:
            return GestureTotals(0, 0, (), ())
        tables, where, params = found
        base = f"FROM {tables} WHERE {where}"
        with self.db.read() as session:
            months = tuple(
                MonthSpend(month=date(int(ym[:4]), int(ym[5:7]), 1), given=int(given),
                           cost_cents=int(cost))
                for ym, given, cost in session.execute(text(
                    f"SELECT substr(g.given_on, 1, 7) AS ym, count(*), "
                    f"coalesce(sum(g.cost_cents), 0) {base} GROUP BY ym ORDER BY ym"), params))
            kinds = tuple(sorted(
                (KindSpend(kind=str(kind), given=int(given), cost_cents=int(cost))
                 for kind, given, cost in session.execute(text(
                     f"SELECT g.kind, count(*), coalesce(sum(g.cost_cents), 0) {base} "
                     "GROUP BY g.kind"), params)),
                key=lambda spend: (_KIND_ORDER.get(spend.kind, len(_KIND_ORDER)), spend.kind)))
        return GestureTotals(given=sum(m.given for m in months),
                             cost_cents=sum(m.cost_cents for m in months),
                             by_month=months, by_kind=kinds)

    # -- what followed ----------------------------------------------------------------------

    def what_followed(self, gestures: Sequence[int] | GestureFilter,
                      window_days: int = DEFAULT_WINDOW_DAYS) -> dict[int, Followed]:
        """For each gesture (by ids, or every gesture a filter matches), what followed it.

        The window is "after the gesture day, within `window_days` days": for a gesture given
        on 1 March and 90 days, events from 2 March through 30 May count. The gesture day
        itself does not — a thank-you for a purchase is often given the day of that purchase.
        - purchases / purchase_cents: the customer's purchase interactions in the window;
        - referrals: customers whose "referred by" is this customer, created in the window;
        - moved_up: the customer's stage moves in the window to a later stage, by the journey
          rule (domain.journey.is_move_up on today's stage order; a lapse never counts).
          Only moves the customer made count (by hand, by a purchase), not bookkeeping ones
          (new record, import, merge, a stage removed).
        Each gesture is credited on its own: a purchase after two gestures counts for both.
        Gestures with nothing after them map to an empty Followed.
        """
        params = _window_params(window_days)
        picked = _picked_cte(gestures)
        if picked is None:
            return {}
        cte, cte_params = picked
        params.update(cte_params)
        with self.db.read() as session:
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

    def followed_by_kind(self, flt: GestureFilter,
                         window_days: int = DEFAULT_WINDOW_DAYS) -> builtins.list[KindSummary]:
        """Per gesture kind: how many were given, their cost, and what followed them.

        Same window and rules as what_followed, but each purchase, referral or stage move is
        counted once per kind even when it followed several gestures of that kind (twenty
        invitations and two thank-you notes before one purchase: one purchase, not three).
        Kinds in GestureKind order, only those given.
        """
        params = _window_params(window_days)
        picked = _picked_cte(flt)
        if picked is None:
            return []
        cte, cte_params = picked
        params.update(cte_params)
        with self.db.read() as session:
            given = {str(kind): (int(count), int(cost)) for kind, count, cost in session.execute(
                text(f"{cte} SELECT kind, count(*), coalesce(sum(cost_cents), 0) FROM picked "
                     "GROUP BY kind"), params)}
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
        kinds = sorted(given, key=lambda k: (_KIND_ORDER.get(k, len(_KIND_ORDER)), k))
        return [KindSummary(kind=kind, given=given[kind][0], cost_cents=given[kind][1],
                            purchases=purchases.get(kind, (0, 0))[0],
                            purchase_cents=purchases.get(kind, (0, 0))[1],
                            referrals=referrals.get(kind, 0), moved_up=moved.get(kind, 0))
                for kind in kinds]

    def list(self, flt: GestureFilter, limit: int | None = DEFAULT_LIST_LIMIT,
             offset: int = 0) -> builtins.list[GestureRow]:
        """Gestures matching the filter, newest first, with the customer's name; filtered and
        limited in SQL (use count() to tell whether there are more)."""
        found = _filter_sql(flt)
        if found is None:
            return []
        _tables, where, params = found
        sql = ("SELECT g.id, g.customer_id, c.name, g.kind, g.given_on, g.description, "
               "g.cost_cents, g.occasion, g.outcome, g.batch_key "
               f"FROM {_WITH_CUSTOMER} WHERE {where} "
               "ORDER BY g.given_on DESC, g.id DESC")
        if limit is not None:
            sql += " LIMIT :limit OFFSET :offset"
            params.update(limit=limit, offset=offset)
        query = text(sql).columns(given_on=Date)
        with self.db.read() as session:
            return [GestureRow(id=row[0], customer_id=row[1], customer_name=row[2],
                               kind=row[3], given_on=row[4], description=row[5],
                               cost_cents=row[6], occasion=row[7], outcome=row[8],
                               batch_key=row[9])
                    for row in session.execute(query, params)]

