"""Customer feedback on the shop's products, from "new" through to "we told them"."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, func, select
from sqlalchemy.orm import Session, aliased

from smallbiz_crm.domain.kinds import (
    FeedbackKind,
    FeedbackStatus,
    FollowUpKind,
    FollowUpSource,
    FollowUpStatus,
)
from smallbiz_crm.domain.records.feedback import (
    NO_PRODUCT,
    FeedbackCount,
    FeedbackDraft,
    FeedbackFilter,
    FeedbackRow,
)
from smallbiz_crm.domain.validation import (
    Collector,
    ValidationError,
    check_long_text,
    check_when,
)
from smallbiz_crm.services.calendar_settings import load_calendar
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.customer_clock import refresh_next_follow_up
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Customer, Feedback, FollowUp, Product

MIN_RATING = 1
MAX_RATING = 5
STATUS_ORDER: tuple[FeedbackStatus, ...] = tuple(FeedbackStatus)
TOLD_OUTCOME = "Told them"
REOPENED_OUTCOME = "Feedback reopened"
# How much of the customer's words a follow-up reason quotes: enough to recognise the idea.
QUOTE_WORDS = 8
QUOTE_CHARS = 60

_RANK = {FeedbackStatus.NEW: 0, FeedbackStatus.CONSIDERED: 1, FeedbackStatus.PLANNED: 2,
         FeedbackStatus.DONE: 3, FeedbackStatus.DECLINED: 3}


# -- rules ----------------------------------------------------------------------------------

def can_move(current: str, target: str) -> bool:
    """Forward along new → considered → planned → done | declined, by any number of steps;
    closed feedback may be reopened or switch between done and declined. Never backwards
    between open statuses: once planned, an idea is done, declined or stays planned."""
    here, there = FeedbackStatus(current), FeedbackStatus(target)
    if here == there:
        return True
    if here.is_closed:
        return True
    return _RANK[there] > _RANK[here]


def quote(text: str) -> str:
    """The first few words of what the customer said, for a follow-up's reason."""
    words = text.split()
    short = " ".join(words[:QUOTE_WORDS])
    if len(short) > QUOTE_CHARS:
        short = short[:QUOTE_CHARS].rsplit(" ", 1)[0] or short[:QUOTE_CHARS]
    cut = short != " ".join(words)
    return f"“{short.rstrip('.,;:!?')}…”" if cut else f"“{short}”"


def tell_them_reason(product_name: str, text: str, status: str) -> str:
    outcome = "is done" if status == FeedbackStatus.DONE.value else "was declined"
    about = f"{product_name} — " if product_name else ""
    return f"Tell them: {about}{quote(text)} {outcome}"


# -- feedback -------------------------------------------------------------------------------

class FeedbackService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    # -- writing ----------------------------------------------------------------------------

    def _validate(self, session: Session, draft: FeedbackDraft) -> FeedbackDraft:
        errors = Collector()
        now = self.clock()
        if draft.customer_id is None:
            errors.add("customer", "Choose the customer who gave this feedback.")
        elif session.get(Customer, draft.customer_id) is None:
            errors.add("customer", "That customer no longer exists; choose another.")
        if draft.product_id is not None:
            product = session.get(Product, draft.product_id)
            if product is None:
                errors.add("product", "That product no longer exists; choose another.")
        if draft.kind not in set(FeedbackKind):
            errors.add("kind", "Choose whether it is an idea, a complaint or praise.")
        text = check_long_text(draft.text, errors, "text", "What they said", required=True)
        if draft.rating is not None and not MIN_RATING <= draft.rating <= MAX_RATING:
            errors.add("rating", f"A rating goes from {MIN_RATING} to {MAX_RATING}; "
                                 "leave it empty if they gave none.")
        check_when(draft.received_on, errors, now, "received_on", "The date received")
        if draft.received_on is not None and draft.received_on > now.date():
            errors.add("received_on", "The date received cannot be in the future.")
        errors.raise_if_any()
        return FeedbackDraft(customer_id=draft.customer_id, product_id=draft.product_id,
                             kind=draft.kind, text=text, rating=draft.rating,
                             received_on=draft.received_on)

    def add(self, draft: FeedbackDraft) -> FeedbackRow:
        """Record one piece of feedback as new."""
        with self.db.unit_of_work() as session:
            clean = self._validate(session, draft)
            assert clean.customer_id is not None and clean.received_on is not None
            row = Feedback(customer_id=clean.customer_id, product_id=clean.product_id,
                           kind=clean.kind, text=clean.text, rating=clean.rating,
                           status=FeedbackStatus.NEW.value, received_on=clean.received_on)
            session.add(row)
            session.flush()
            return self._rows(session, [Feedback.id == row.id])[0]

    def set_status(self, feedback_ids: Sequence[int], status: str) -> int:
        """Move feedback to `status`; returns how many changed. All or nothing.

        Moving to done or declined is fresh news: any earlier "told" date is cleared. Reopening
        skips the "tell them" follow-ups still open, since there is nothing to tell yet.
        """
        if status not in set(FeedbackStatus):
            raise ValidationError.single("status", "Choose a status from the list.")
        target = FeedbackStatus(status)
        now = self.clock()
        with self.db.unit_of_work() as session:
            rows = _load_feedback(session, feedback_ids)
            stuck = [row for row in rows if not can_move(row.status, target.value)]
            if stuck:
                raise ValidationError.single("status", _stuck_message(stuck, target))
            changed = [row for row in rows if row.status != target.value]
            for row in changed:
                row.status = target.value
                row.status_changed_at = now
                if target.is_closed:
                    row.customer_told_at = None
            touched = self._settle_follow_ups(session, changed, target, now)
            refresh_next_follow_up(session, touched)
            return len(changed)

    @staticmethod
    def _settle_follow_ups(session: Session, rows: Sequence[Feedback], target: FeedbackStatus,
                           now: datetime) -> set[int]:
        """Open "tell them" follow-ups of `rows`: reworded for the new outcome, or skipped."""
        if not rows:
            return set()
        by_id = {row.id: row for row in rows}
        touched: set[int] = set()
        for follow_up in session.scalars(select(FollowUp).where(_open_tell_them(by_id))):
            row = by_id[follow_up.feedback_id or 0]
            if target.is_closed:
                product = session.get(Product, row.product_id) if row.product_id else None
                follow_up.reason = tell_them_reason(product.name if product else "", row.text,
                                                    target.value)
            else:
                follow_up.status = FollowUpStatus.SKIPPED.value
                follow_up.completed_at = now
                follow_up.outcome = REOPENED_OUTCOME
                touched.add(follow_up.customer_id)
        return touched

    def create_tell_them(self, feedback_ids: Sequence[int]) -> builtins.list[int]:
        """One open "tell them" follow-up per closed, untold item that has none yet, due on
        the next business day; returns the new follow-ups' ids. Open items are left out."""
        now = self.clock()
        with self.db.unit_of_work() as session:
            rows = _load_feedback(session, feedback_ids)
            waiting = set(session.scalars(select(FollowUp.feedback_id).where(
                _open_tell_them(row.id for row in rows))))
            due = load_calendar(session).next_business_day(now.date())
            created: list[FollowUp] = []
            for row in rows:
                if (not FeedbackStatus(row.status).is_closed or row.customer_told_at is not None
                        or row.id in waiting):
                    continue
                product = session.get(Product, row.product_id) if row.product_id else None
                follow_up = FollowUp(
                    customer_id=row.customer_id, due_on=due,
                    reason=tell_them_reason(product.name if product else "", row.text,
                                            row.status),
                    kind=FollowUpKind.TELL_THEM.value, status=FollowUpStatus.OPEN.value,
                    source=FollowUpSource.FEEDBACK.value, feedback_id=row.id, created_at=now)
                session.add(follow_up)
                created.append(follow_up)
                waiting.add(row.id)
            session.flush()
            ids = [follow_up.id for follow_up in created]
            refresh_next_follow_up(session, (fu.customer_id for fu in created))
            return ids

    def mark_told(self, feedback_ids: Sequence[int], when: datetime | None = None) -> int:
        """Record that the customers heard the outcome; their "tell them" follow-ups are done.
        Returns how many items were marked. Only done or declined feedback can be told."""
        told_at = when or self.clock()
        with self.db.unit_of_work() as session:
            rows = _load_feedback(session, feedback_ids)
            still_open = [row for row in rows if not FeedbackStatus(row.status).is_closed]
            if still_open:
                raise ValidationError.single(
                    "status", "Only feedback that is done or declined can be marked as told; "
                              f"{_count(len(still_open))} still open.")
            for row in rows:
                row.customer_told_at = told_at
            touched: set[int] = set()
            linked = _open_tell_them(row.id for row in rows)
            for follow_up in session.scalars(select(FollowUp).where(linked)):
                follow_up.status = FollowUpStatus.DONE.value
                follow_up.completed_at = told_at
                follow_up.outcome = TOLD_OUTCOME
                touched.add(follow_up.customer_id)
            refresh_next_follow_up(session, touched)
            return len(rows)

    def delete(self, feedback_ids: Sequence[int]) -> int:
        """Remove feedback entered by mistake; its open "tell them" follow-ups go too."""
        with self.db.unit_of_work() as session:
            rows = _load_feedback(session, feedback_ids)
            ids = [row.id for row in rows]
            touched = set(session.scalars(select(FollowUp.customer_id)
                                          .where(_open_tell_them(ids))))
            session.execute(delete(FollowUp).where(
                FollowUp.feedback_id.in_(ids), FollowUp.status == FollowUpStatus.OPEN.value))
            session.execute(delete(Feedback).where(Feedback.id.in_(ids)))
            refresh_next_follow_up(session, touched)
            return len(ids)

    # -- reading ----------------------------------------------------------------------------

    def get(self, feedback_id: int) -> FeedbackRow:
        with self.db.read() as session:
            rows = self._rows(session, [Feedback.id == feedback_id])
            if not rows:
                raise NotFoundError("That feedback no longer exists.")
            return rows[0]

    def list(self, query: FeedbackFilter | None = None) -> builtins.list[FeedbackRow]:
        """Feedback matching `query`, newest first, with customer and product names."""
        with self.db.read() as session:
            return self._rows(session, _conditions(query or FeedbackFilter()))

    def for_customer(self, customer_id: int) -> builtins.list[FeedbackRow]:
        return self.list(FeedbackFilter(customer_id=customer_id))

    def owed_news(self) -> builtins.list[FeedbackRow]:
        """Done or declined feedback whose customer has not been told yet, oldest news first."""
        closed = [s.value for s in FeedbackStatus if s.is_closed]
        with self.db.read() as session:
            rows = self._rows(session, [Feedback.status.in_(closed),
                                        Feedback.customer_told_at.is_(None)])
        return sorted(rows, key=lambda r: (r.status_changed_at or datetime.min, r.id))

    def counts(self, query: FeedbackFilter | None = None) -> builtins.list[FeedbackCount]:
        """How much feedback each product has in each status (product by name, "no product"
        last; statuses in their order), counting only what `query` lets through."""
        with self.db.read() as session:
            found = session.execute(
                select(Feedback.product_id, Product.name, Feedback.status, func.count())
                .outerjoin(Product, Product.id == Feedback.product_id)
                .where(*_conditions(query or FeedbackFilter()))
                .group_by(Feedback.product_id, Product.name, Feedback.status)).all()
        order = {status.value: i for i, status in enumerate(STATUS_ORDER)}
        counts = [FeedbackCount(product_id=product_id, product_name=name or "",
                                status=status, count=count)
                  for product_id, name, status, count in found]
        return sorted(counts, key=lambda c: (c.product_id is None, c.product_name.casefold(),
                                             order.get(c.status, len(order))))

    @staticmethod
    def _rows(session: Session,
              conditions: Iterable[ColumnElement[bool]]) -> builtins.list[FeedbackRow]:
        tell_them = aliased(FollowUp)
        # `status || ''` keeps SQLite off the (status, due_on) index: with it, min(due_on)
        # walked every open follow-up once per feedback row (minutes at 100k customers);
        # through ix_follow_up_feedback it is one short lookup.
        due = (select(func.min(tell_them.due_on))
               .where(tell_them.feedback_id == Feedback.id,
                      tell_them.kind == FollowUpKind.TELL_THEM.value,
                      tell_them.status + "" == FollowUpStatus.OPEN.value)
               .scalar_subquery())
        query = (select(Feedback, Customer.name, Product.name, due)
                 .join(Customer, Customer.id == Feedback.customer_id)
                 .outerjoin(Product, Product.id == Feedback.product_id)
                 .where(*conditions)
                 .order_by(Feedback.received_on.desc(), Feedback.id.desc()))
        return [FeedbackRow(
            id=row.id, customer_id=row.customer_id, customer_name=customer_name,
            product_id=row.product_id, product_name=product_name or "", kind=row.kind,
            text=row.text, rating=row.rating, status=row.status, received_on=row.received_on,
            status_changed_at=row.status_changed_at, customer_told_at=row.customer_told_at,
            tell_them_due_on=due_on)
            for row, customer_name, product_name, due_on in session.execute(query)]


def _conditions(query: FeedbackFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.product_id == NO_PRODUCT:
        conditions.append(Feedback.product_id.is_(None))
    elif query.product_id is not None:
        conditions.append(Feedback.product_id == query.product_id)
    if query.status is not None:
        conditions.append(Feedback.status == query.status)
    if query.kind is not None:
        conditions.append(Feedback.kind == query.kind)
    if query.customer_id is not None:
        conditions.append(Feedback.customer_id == query.customer_id)
    return conditions


def _open_tell_them(feedback_ids: Iterable[int]) -> ColumnElement[bool]:
    """Which follow-ups are the open "tell them" ones of these feedback items."""
    return and_(FollowUp.feedback_id.in_(list(feedback_ids)),
                FollowUp.kind == FollowUpKind.TELL_THEM.value,
                FollowUp.status == FollowUpStatus.OPEN.value)


def _load_feedback(session: Session, feedback_ids: Sequence[int]) -> list[Feedback]:
    ids = list(dict.fromkeys(feedback_ids))
    rows = list(session.scalars(select(Feedback).where(Feedback.id.in_(ids))
                                          .order_by(Feedback.id)))
    if len(rows) != len(ids):
        raise NotFoundError("Some of that feedback no longer exists; reload and try again.")
    return rows


def _count(n: int) -> str:
    return f"{n} item is" if n == 1 else f"{n} items are"


def _stuck_message(stuck: Sequence[Feedback], target: FeedbackStatus) -> str:
    statuses = sorted({row.status for row in stuck}, key=lambda s: _RANK[FeedbackStatus(s)])
    return (f"{_count(len(stuck))} already {' or '.join(statuses)}: feedback only moves "
            f"forward (new, considered, planned, then done or declined), so it cannot go back "
            f"to {target.value}. Done or declined feedback can be reopened.")

