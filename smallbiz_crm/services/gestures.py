"""The gesture ledger: trust-building gestures per customer, their cost, and what followed them."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, select, text
from sqlalchemy.orm import Session

from smallbiz_crm.domain.kinds import GestureKind
from smallbiz_crm.domain.records.gestures import (
    Followed,
    GestureDraft,
    GestureFilter,
    GestureRecord,
    GestureRow,
    GestureTotals,
    KindSpend,
    KindSummary,
    MonthSpend,
    kind_sort_key,
)
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
from smallbiz_crm.services.gesture_search import WITH_CUSTOMER, filter_sql
from smallbiz_crm.services.what_followed import (
    DEFAULT_WINDOW_DAYS,
    followed_each,
    followed_per_kind,
)
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Customer, Gesture

MAX_OCCASION_LENGTH = 200
DEFAULT_LIST_LIMIT = 2000


def gesture_record(row: Gesture) -> GestureRecord:
    return GestureRecord(id=row.id, customer_id=row.customer_id, kind=row.kind,
                         given_on=row.given_on, description=row.description,
                         cost_cents=row.cost_cents, occasion=row.occasion, outcome=row.outcome,
                         batch_key=row.batch_key, created_at=row.created_at, version=row.version)


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
        found = filter_sql(flt)
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
        found = filter_sql(flt)
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
                key=lambda spend: kind_sort_key(spend.kind)))
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
        return followed_each(self.db, gestures, window_days)

    def followed_by_kind(self, flt: GestureFilter,
                         window_days: int = DEFAULT_WINDOW_DAYS) -> builtins.list[KindSummary]:
        """Per gesture kind: how many were given, their cost, and what followed them.

        Same window and rules as what_followed, but each purchase, referral or stage move is
        counted once per kind even when it followed several gestures of that kind (twenty
        invitations and two thank-you notes before one purchase: one purchase, not three).
        Kinds in GestureKind order, only those given.
        """
        return followed_per_kind(self.db, flt, window_days)

    def list(self, flt: GestureFilter, limit: int | None = DEFAULT_LIST_LIMIT,
             offset: int = 0) -> builtins.list[GestureRow]:
        """Gestures matching the filter, newest first, with the customer's name; filtered and
        limited in SQL (use count() to tell whether there are more)."""
        found = filter_sql(flt)
        if found is None:
            return []
        _tables, where, params = found
        sql = ("SELECT g.id, g.customer_id, c.name, g.kind, g.given_on, g.description, "
               "g.cost_cents, g.occasion, g.outcome, g.batch_key "
               f"FROM {WITH_CUSTOMER} WHERE {where} "
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

