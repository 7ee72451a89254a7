"""Follow-up reminders: create, edit, snooze, complete, skip, and the lists that show them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, column, func, select, table, text
from sqlalchemy.orm import Session

from smallbiz_crm.domain.kinds import FollowUpKind, FollowUpSource, FollowUpStatus
from smallbiz_crm.domain.records.follow_ups import (
    DueSummary,
    FollowUpDraft,
    FollowUpFilter,
    FollowUpRecord,
    FollowUpRow,
    FollowUpScope,
)
from smallbiz_crm.domain.search import fts_query
from smallbiz_crm.domain.validation import EARLIEST_DATE, Collector, check_long_text
from smallbiz_crm.services.calendar_settings import load_calendar
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.customer_clock import refresh_next_follow_up
from smallbiz_crm.services.errors import ConflictError, NotFoundError
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Customer, FollowUp, JourneyStage, Persona

# A due date this far ahead is almost surely a mistyped year.
MAX_DAYS_AHEAD = 5 * 366
# "This week" is today and the six days after it: never nearly empty on a Saturday.
WEEK_DAYS = 7
# The customer search index (an FTS5 table the ORM does not map), for "by customer" filters.
_FTS = table("customer_fts", column("rowid"))


class SnoozeChoice(StrEnum):
    TOMORROW = "tomorrow"
    NEXT_BUSINESS_DAY = "next_business_day"
    NEXT_WEEK = "next_week"


# An alias: FollowUpService.list shadows the builtin inside the class.
Rows = list[FollowUpRow]


def week_end(today: date) -> date:
    """The last day of the "this week" scope."""
    return today + timedelta(days=WEEK_DAYS - 1)


def follow_up_record(row: FollowUp, customer_name: str) -> FollowUpRecord:
    return FollowUpRecord(
        id=row.id, customer_id=row.customer_id, customer_name=customer_name,
        due_on=row.due_on, kind=row.kind, reason=row.reason, status=row.status,
        completed_at=row.completed_at, outcome=row.outcome, snooze_count=row.snooze_count,
        source=row.source, cadence_step_id=row.cadence_step_id,
        interaction_id=row.interaction_id, feedback_id=row.feedback_id,
        concern_id=row.concern_id, created_at=row.created_at, version=row.version)


def check_due_on(value: date | None, errors: Collector, today: date,
                 field: str = "due_on") -> date | None:
    if value is None:
        errors.add(field, "Choose the day it is due.")
        return None
    if isinstance(value, datetime):
        value = value.date()
    if value < EARLIEST_DATE:
        errors.add(field, f"The due date is before {EARLIEST_DATE.year}; check the year.")
    elif value > today + timedelta(days=MAX_DAYS_AHEAD):
        errors.add(field, "The due date is more than five years ahead; check the year.")
    return value


def _scope_condition(scope: str, today: date) -> ColumnElement[bool]:
    open_ = FollowUp.status == FollowUpStatus.OPEN.value
    if scope == FollowUpScope.OVERDUE:
        return and_(open_, FollowUp.due_on < today)
    if scope == FollowUpScope.TODAY:
        return and_(open_, FollowUp.due_on == today)
    if scope == FollowUpScope.THIS_WEEK:
        return and_(open_, FollowUp.due_on >= today, FollowUp.due_on <= week_end(today))
    if scope == FollowUpScope.OPEN:
        return open_
    if scope == FollowUpScope.DONE:
        return FollowUp.status.in_((FollowUpStatus.DONE.value, FollowUpStatus.SKIPPED.value))
    if scope == FollowUpScope.ALL:
        return FollowUp.id.is_not(None)
    raise ValueError(f"Unknown follow-up scope {scope!r}")


class FollowUpService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    def _today(self) -> date:
        return self.clock().date()

    # -- create and edit --------------------------------------------------------------------

    def _validated(self, session: Session, draft: FollowUpDraft) -> tuple[Customer, FollowUpDraft]:
        errors = Collector()
        customer: Customer | None = None
        if draft.customer_id is None:
            errors.add("customer", "Choose the customer to follow up with.")
        else:
            customer = session.get(Customer, draft.customer_id)
            if customer is None:
                errors.add("customer", "That customer no longer exists.")
            elif customer.archived:
                errors.add("customer", f"{customer.name} is archived; restore them first.")
        due_on = check_due_on(draft.due_on, errors, self._today())
        if draft.kind not in set(FollowUpKind):
            errors.add("kind", "Choose what kind of follow-up it is.")
        reason = check_long_text(draft.reason, errors, "reason", "The reason", required=True)
        if "reason" in errors.errors and not reason:
            errors.errors["reason"] = "Say in a few words why you will follow up."
        errors.raise_if_any()
        assert customer is not None and due_on is not None
        return customer, FollowUpDraft(customer_id=customer.id, due_on=due_on, kind=draft.kind,
                                       reason=reason)

    def create(self, draft: FollowUpDraft) -> FollowUpRecord:
        with self.db.unit_of_work() as session:
            customer, clean = self._validated(session, draft)
            assert clean.due_on is not None
            row = FollowUp(customer_id=customer.id, due_on=clean.due_on, kind=clean.kind,
                           reason=clean.reason, status=FollowUpStatus.OPEN.value,
                           source=FollowUpSource.MANUAL.value, created_at=self.clock())
            session.add(row)
            session.flush()
            refresh_next_follow_up(session, [customer.id])
            row = self._load(session, row.id)
            return follow_up_record(row, customer.name)

    def edit(self, follow_up_id: int, draft: FollowUpDraft,
             expected_version: int | None = None) -> FollowUpRecord:
        """Change the customer, due date, kind or reason; the status is left as it is."""
        with self.db.unit_of_work() as session:
            row = self._load(session, follow_up_id)
            if expected_version is not None and row.version != expected_version:
                raise ConflictError("This follow-up was changed elsewhere since you opened it; "
                                    "close the form and open it again.")
            previous_customer = row.customer_id
            customer, clean = self._validated(session, draft)
            assert clean.due_on is not None
            row.customer_id = customer.id
            row.due_on = clean.due_on
            row.kind = clean.kind
            row.reason = clean.reason
            session.flush()
            refresh_next_follow_up(session, [previous_customer, customer.id])
            row = self._load(session, follow_up_id)
            return follow_up_record(row, customer.name)

    def get(self, follow_up_id: int) -> FollowUpRecord:
        with self.db.read() as session:
            row = self._load(session, follow_up_id)
            name = session.scalar(select(Customer.name).where(Customer.id == row.customer_id))
            return follow_up_record(row, name or "")

    @staticmethod
    def _load(session: Session, follow_up_id: int) -> FollowUp:
        row = session.get(FollowUp, follow_up_id)
        if row is None:
            raise NotFoundError("That follow-up no longer exists.")
        return row

    # -- status changes ---------------------------------------------------------------------

    def _change(self, ids: Sequence[int], statuses: Iterable[str],
                apply: Callable[[FollowUp], None]) -> int:
        """Apply `apply(row)` to the listed follow-ups in `statuses`; others are left alone."""
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        allowed = set(statuses)
        with self.db.unit_of_work() as session:
            rows = list(session.scalars(select(FollowUp).where(FollowUp.id.in_(wanted))))
            if not rows:
                raise NotFoundError("Those follow-ups no longer exist.")
            changed = [row for row in rows if row.status in allowed]
            for row in changed:
                apply(row)
            refresh_next_follow_up(session, [row.customer_id for row in changed])
            return len(changed)

    def snooze(self, ids: Sequence[int], until: date) -> int:
        """Move open follow-ups to `until` (today or later); returns how many moved."""
        errors = Collector()
        day = check_due_on(until, errors, self._today(), "until")
        if day is not None and "until" not in errors.errors and day < self._today():
            errors.add("until", "Snooze to today or a later day, not to the past.")
        errors.raise_if_any()
        assert day is not None

        def apply(row: FollowUp) -> None:
            if row.due_on != day:
                row.due_on = day
                row.snooze_count += 1

        return self._change(ids, [FollowUpStatus.OPEN.value], apply)

    def snooze_target(self, choice: str, today: date | None = None) -> date:
        """The day a snooze choice lands on: tomorrow, the next business day, or next week
        (the first business day from next Monday)."""
        day = today or self._today()
        if choice == SnoozeChoice.TOMORROW:
            return day + timedelta(days=1)
        with self.db.read() as session:
            calendar = load_calendar(session)
        if choice == SnoozeChoice.NEXT_BUSINESS_DAY:
            return calendar.next_business_day(day)
        if choice == SnoozeChoice.NEXT_WEEK:
            monday = day + timedelta(days=7 - day.weekday())
            return calendar.on_or_after(monday)
        raise ValueError(f"Unknown snooze choice {choice!r}")

    def snooze_to(self, ids: Sequence[int], choice: str) -> date:
        """Snooze by one of the SnoozeChoice values; returns the day they were moved to."""
        day = self.snooze_target(choice)
        self.snooze(ids, day)
        return day

    def snooze_tomorrow(self, ids: Sequence[int]) -> date:
        return self.snooze_to(ids, SnoozeChoice.TOMORROW)

    def snooze_next_business_day(self, ids: Sequence[int]) -> date:
        return self.snooze_to(ids, SnoozeChoice.NEXT_BUSINESS_DAY)

    def snooze_next_week(self, ids: Sequence[int]) -> date:
        return self.snooze_to(ids, SnoozeChoice.NEXT_WEEK)

    def complete(self, ids: Sequence[int], outcome: str = "") -> int:
        """Mark open follow-ups done with what came of them; returns how many changed."""
        errors = Collector()
        text = check_long_text(outcome, errors, "outcome", "The outcome")
        errors.raise_if_any()
        now = self.clock()

        def apply(row: FollowUp) -> None:
            row.status = FollowUpStatus.DONE.value
            row.completed_at = now
            row.outcome = text

        return self._change(ids, [FollowUpStatus.OPEN.value], apply)

    def skip(self, ids: Sequence[int], reason: str = "") -> int:
        """Close open follow-ups without doing them; the reason is kept as the outcome."""
        errors = Collector()
        text = check_long_text(reason, errors, "reason", "The reason")
        errors.raise_if_any()
        now = self.clock()

        def apply(row: FollowUp) -> None:
            row.status = FollowUpStatus.SKIPPED.value
            row.completed_at = now
            row.outcome = text

        return self._change(ids, [FollowUpStatus.OPEN.value], apply)

    def reopen(self, ids: Sequence[int]) -> int:
        """Open done or skipped follow-ups again (a click by mistake), keeping their due date."""
        def apply(row: FollowUp) -> None:
            row.status = FollowUpStatus.OPEN.value
            row.completed_at = None
            row.outcome = ""

        return self._change(ids, [FollowUpStatus.DONE.value, FollowUpStatus.SKIPPED.value],
                            apply)

    # -- lists ------------------------------------------------------------------------------

    def _conditions(self, query: FollowUpFilter, today: date) -> list[ColumnElement[bool]] | None:
        conditions = [_scope_condition(query.scope, today)]
        if query.scope not in (FollowUpScope.DONE, FollowUpScope.ALL):
            conditions.append(_not_archived())
        if query.kind:
            conditions.append(FollowUp.kind == query.kind)
        if query.customer_id is not None:
            conditions.append(FollowUp.customer_id == query.customer_id)
        if query.customer_text.strip():
            match = fts_query(query.customer_text)
            if match is None:
                return None
            conditions.append(FollowUp.customer_id.in_(
                select(_FTS.c.rowid).where(text("customer_fts MATCH :fts_q")
                                           .bindparams(fts_q=match))))
        return conditions

    def list(self, query: FollowUpFilter | None = None,
             today: date | None = None) -> Rows:
        """The follow-ups the filter asks for, soonest first (latest first for done/all)."""
        query = query or FollowUpFilter()
        day = today or self._today()
        conditions = self._conditions(query, day)
        if conditions is None:
            return []
        if query.scope in (FollowUpScope.DONE, FollowUpScope.ALL):
            order = (FollowUp.due_on.desc(), FollowUp.id.desc())
        else:
            order = (FollowUp.due_on.asc(), FollowUp.id.asc())
        # Pick the page of ids from follow_up alone (walking ix_follow_up_status_due_customer), then
        # join the customer columns for those rows only: left to itself, SQLite starts from
        # the customer table and sorts every match.
        picked = select(FollowUp.id).where(*conditions).order_by(*order)
        if query.limit is not None:
            picked = picked.limit(query.limit)
        if query.offset:
            picked = picked.offset(query.offset)
        page = picked.subquery("page")
        statement = (
            select(FollowUp.id, FollowUp.customer_id, Customer.name, Customer.phone,
                   Persona.name, Persona.how_to_talk, JourneyStage.name, FollowUp.due_on,
                   FollowUp.kind, FollowUp.reason, FollowUp.status, FollowUp.outcome,
                   FollowUp.completed_at, FollowUp.snooze_count, FollowUp.source)
            .select_from(page)
            .join(FollowUp, FollowUp.id == page.c.id)
            .join(Customer, Customer.id == FollowUp.customer_id)
            .join(JourneyStage, JourneyStage.id == Customer.stage_id)
            .outerjoin(Persona, Persona.id == Customer.persona_id)
            .order_by(*order))
        with self.db.read() as session:
            return [_row(values, day) for values in session.execute(statement)]

    def count(self, query: FollowUpFilter | None = None, today: date | None = None) -> int:
        """How many follow-ups the filter matches, without the limit."""
        query = query or FollowUpFilter()
        conditions = self._conditions(query, today or self._today())
        if conditions is None:
            return 0
        statement = select(func.count()).select_from(FollowUp).where(*conditions)
        with self.db.read() as session:
            return int(session.scalar(statement) or 0)

    def due_summary(self, today: date | None = None) -> DueSummary:
        """How many open follow-ups are overdue, due today, and due this week."""
        day = today or self._today()
        end = week_end(day)
        statement = (
            select(func.sum(case((FollowUp.due_on < day, 1), else_=0)),
                   func.sum(case((FollowUp.due_on == day, 1), else_=0)),
                   func.sum(case((FollowUp.due_on >= day, 1), else_=0)))
            .select_from(FollowUp)
            .where(FollowUp.status == FollowUpStatus.OPEN.value, FollowUp.due_on <= end,
                   _not_archived()))
        with self.db.read() as session:
            overdue, due_today, this_week = session.execute(statement).one()
        return DueSummary(overdue=int(overdue or 0), today=int(due_today or 0),
                          this_week=int(this_week or 0))

    def for_customer(self, customer_id: int, include_closed: bool = True,
                     limit: int | None = 200) -> Rows:
        """One customer's follow-ups: open ones soonest first, then the closed, latest first."""
        day = self._today()
        open_rows = self.list(FollowUpFilter(scope=FollowUpScope.ALL, customer_id=customer_id,
                                             limit=None), day)
        opened = sorted((r for r in open_rows if r.status == FollowUpStatus.OPEN.value),
                        key=lambda r: (r.due_on, r.id))
        closed = [r for r in open_rows if r.status != FollowUpStatus.OPEN.value]
        rows = opened + closed if include_closed else opened
        return rows[:limit] if limit is not None else rows


def _not_archived() -> ColumnElement[bool]:
    # Nobody is chased after being archived; their history still shows under "done".
    # NOT IN over the (few) archived ids keeps the scan on follow_up's own index.
    return FollowUp.customer_id.not_in(select(Customer.id).where(Customer.archived.is_(True)))


def _row(values: Any, today: date) -> FollowUpRow:
    (fid, customer_id, name, phone, persona_name, persona_hint, stage_name, due_on, kind,
     reason, status, outcome, completed_at, snooze_count, source) = values
    return FollowUpRow(
        id=fid, customer_id=customer_id, customer_name=name, phone=phone,
        persona_name=persona_name or "", persona_hint=persona_hint or "",
        stage_name=stage_name, due_on=due_on, kind=kind, reason=reason, status=status,
        overdue=status == FollowUpStatus.OPEN.value and due_on < today, outcome=outcome,
        completed_at=completed_at, snooze_count=snooze_count, source=source)

