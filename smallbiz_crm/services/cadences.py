"""Cadences: templates of follow-up steps, applied after a purchase, on birthdays, or by hand."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from smallbiz_crm.domain.calendar import BusinessCalendar
from smallbiz_crm.domain.kinds import CadenceTrigger, FollowUpKind, FollowUpSource, FollowUpStatus
from smallbiz_crm.domain.records.cadences import (
    CadenceDraft,
    CadenceRecord,
    CadenceStepDraft,
    CadenceStepRecord,
)
from smallbiz_crm.domain.settings import AUTO_PURCHASE_CADENCE
from smallbiz_crm.domain.validation import (
    EARLIEST_DATE,
    Collector,
    ValidationError,
    check_long_text,
    check_name,
)
from smallbiz_crm.services.calendar_settings import load_calendar
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.customer_clock import refresh_next_follow_up
from smallbiz_crm.services.errors import ConflictError, NotFoundError
from smallbiz_crm.services.names import clashing_id
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import CadenceStep, CadenceTemplate, Customer, FollowUp, Setting

MAX_OFFSET_DAYS = 3650
MAX_STEPS = 50
# A purchase logged long after the fact would flood the overdue list with thank-yous nobody
# can still send: steps already this many days overdue are left out.
STALE_STEP_DAYS = 7
# Two birthday follow-ups for one step within this many days of each other are one greeting.
BIRTHDAY_DEDUP_DAYS = 40
# Customers per look-up of their earlier greetings: well under SQLite's parameter limit.
GREETED_CHUNK = 500
# Only one template per trigger fires on its own, so a purchase never makes two thank-yous.
AUTOMATIC_TRIGGERS = frozenset({CadenceTrigger.PURCHASE.value, CadenceTrigger.BIRTHDAY.value,
                                CadenceTrigger.NEW_PROSPECT.value})


def cadence_record(row: CadenceTemplate) -> CadenceRecord:
    steps = tuple(CadenceStepRecord(id=s.id, position=s.position, offset_days=s.offset_days,
                                    kind=s.kind, reason=s.reason, needs_consent=s.needs_consent)
                  for s in sorted(row.steps, key=lambda s: (s.position, s.id)))
    return CadenceRecord(id=row.id, name=row.name, trigger=row.trigger, active=row.active,
                         steps=steps, version=row.version)


# -- the rules shared by every way of applying a cadence ------------------------------------


def step_due(calendar: BusinessCalendar, start: date, offset_days: int) -> date:
    """start + offset, moved to the next business day when the shop is closed that day."""
    return calendar.on_or_after(start + timedelta(days=offset_days))


def birthday_due(calendar: BusinessCalendar, birthday: date, offset_days: int,
                 today: date) -> date:
    """A greeting on a day off moves to the business day before, never into the past: a
    birthday wished a day early is kind, a day late is an apology. Any later day left for
    the step's due date is moved forwards as usual."""
    day = birthday + timedelta(days=offset_days)
    if calendar.is_business_day(day):
        return day
    earlier = calendar.previous_business_day(day)
    return earlier if earlier >= today else calendar.on_or_after(day)


def may_receive(customer: Customer, step: CadenceStep) -> bool:
    """Archived and not-pursued customers get no cadence; marketing steps need consent."""
    if customer.archived or customer.not_pursuing:
        return False
    return customer.consent_contact or not step.needs_consent


def purchase_cadence_enabled(session: Session) -> bool:
    """The owner's AUTO_PURCHASE_CADENCE setting, read inside the caller's transaction."""
    row = session.get(Setting, AUTO_PURCHASE_CADENCE.name)
    value = AUTO_PURCHASE_CADENCE.default if row is None else json.loads(row.value)
    return bool(value)


def _active_template(session: Session, trigger: str) -> CadenceTemplate | None:
    return session.scalar(select(CadenceTemplate)
                          .where(CadenceTemplate.trigger == trigger,
                                 CadenceTemplate.active.is_(True))
                          .order_by(CadenceTemplate.id).limit(1))


def _add_follow_up(session: Session, customer: Customer, step: CadenceStep, due_on: date,
                   now: datetime, interaction_id: int | None = None) -> FollowUp:
    row = FollowUp(customer_id=customer.id, due_on=due_on, kind=step.kind, reason=step.reason,
                   status=FollowUpStatus.OPEN.value, source=FollowUpSource.CADENCE.value,
                   cadence_step_id=step.id, interaction_id=interaction_id, created_at=now)
    session.add(row)
    return row


def apply_after_purchase(session: Session, customer_id: int, purchase_day: date, *,
                         interaction_id: int | None = None, today: date | None = None,
                         now: datetime | None = None) -> list[int]:
    """Create the after-purchase cadence's follow-ups in the caller's unit of work.

    Does not look at the AUTO_PURCHASE_CADENCE setting (see purchase_cadence_enabled). With
    `today`, steps already more than STALE_STEP_DAYS overdue are left out.
    """
    template = _active_template(session, CadenceTrigger.PURCHASE.value)
    customer = session.get(Customer, customer_id)
    if template is None or customer is None:
        return []
    calendar = load_calendar(session)
    created_at = now or datetime.combine(today or purchase_day, datetime.min.time())
    rows = []
    for step in template.steps:
        if not may_receive(customer, step):
            continue
        due = step_due(calendar, purchase_day, step.offset_days)
        if today is not None and due < today - timedelta(days=STALE_STEP_DAYS):
            continue
        rows.append(_add_follow_up(session, customer, step, due, created_at, interaction_id))
    if not rows:
        return []
    session.flush()
    ids = [row.id for row in rows]
    refresh_next_follow_up(session, [customer_id])
    return ids


class CadenceService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    # -- templates --------------------------------------------------------------------------

    def all(self) -> list[CadenceRecord]:
        """Every template with its steps, automatic ones first."""
        order = {CadenceTrigger.PURCHASE.value: 0, CadenceTrigger.NEW_PROSPECT.value: 1,
                 CadenceTrigger.BIRTHDAY.value: 2}
        with self.db.read() as session:
            rows = list(session.scalars(select(CadenceTemplate)))
            records = [cadence_record(row) for row in rows]
        return sorted(records, key=lambda r: (order.get(r.trigger, 3), r.name.casefold()))

    def get(self, cadence_id: int) -> CadenceRecord:
        with self.db.read() as session:
            return cadence_record(self._load(session, cadence_id))

    @staticmethod
    def _load(session: Session, cadence_id: int) -> CadenceTemplate:
        row = session.get(CadenceTemplate, cadence_id)
        if row is None:
            raise NotFoundError("That cadence no longer exists.")
        return row

    def _validated(self, session: Session, draft: CadenceDraft,
                   cadence_id: int | None) -> CadenceDraft:
        errors = Collector()
        name = check_name(draft.name, errors, label="The cadence name")
        if name:
            clash = clashing_id(session, CadenceTemplate, name)
            if clash is not None and clash != cadence_id:
                errors.add("name", f"There is already a cadence called '{name}'.")
        if draft.trigger not in set(CadenceTrigger):
            errors.add("trigger", "Choose when the cadence starts.")
        elif draft.active and draft.trigger in AUTOMATIC_TRIGGERS:
            other = _active_template(session, draft.trigger)
            if other is not None and other.id != cadence_id:
                errors.add("trigger", f"'{other.name}' already starts then; switch it off "
                                      "first or choose “by hand”.")
        if not draft.steps:
            errors.add("steps", "Add at least one step.")
        elif len(draft.steps) > MAX_STEPS:
            errors.add("steps", f"A cadence can have at most {MAX_STEPS} steps.")
        steps = []
        for number, step in enumerate(draft.steps, start=1):
            if not 0 <= step.offset_days <= MAX_OFFSET_DAYS:
                errors.add("steps", f"Step {number}: the day must be from 0 to "
                                    f"{MAX_OFFSET_DAYS}.")
            if step.kind not in set(FollowUpKind):
                errors.add("steps", f"Step {number}: choose what kind of follow-up it is.")
            reason = check_long_text(step.reason, errors, "steps", f"Step {number}: the reason")
            if not reason:
                errors.add("steps", f"Step {number}: say what the follow-up is for.")
            steps.append(CadenceStepDraft(offset_days=step.offset_days, kind=step.kind,
                                          reason=reason, needs_consent=step.needs_consent,
                                          id=step.id))
        errors.raise_if_any()
        return CadenceDraft(name=name, trigger=draft.trigger, active=draft.active,
                            steps=tuple(sorted(steps, key=lambda s: s.offset_days)))

    def save(self, cadence_id: int | None, draft: CadenceDraft,
             expected_version: int | None = None) -> CadenceRecord:
        """Create (cadence_id None) or replace a template; steps come back sorted by day."""
        with self.db.unit_of_work() as session:
            clean = self._validated(session, draft, cadence_id)
            if cadence_id is None:
                template = CadenceTemplate(name=clean.name)
                session.add(template)
            else:
                template = self._load(session, cadence_id)
                if expected_version is not None and template.version != expected_version:
                    raise ConflictError("This cadence was changed elsewhere since you opened "
                                        "it; close the window and open it again.")
            template.name = clean.name
            template.trigger = clean.trigger
            template.active = clean.active
            existing = {step.id: step for step in template.steps}
            kept: list[CadenceStep] = []
            for position, step in enumerate(clean.steps):
                row = existing.pop(step.id, None) if step.id is not None else None
                if row is None:
                    row = CadenceStep()
                row.position = position
                row.offset_days = step.offset_days
                row.kind = step.kind
                row.reason = step.reason
                row.needs_consent = step.needs_consent
                kept.append(row)
            # Removed steps go; their follow-ups stay, unlinked (ON DELETE SET NULL).
            template.steps = kept
            session.flush()
            return cadence_record(template)

    def delete(self, cadence_id: int) -> None:
        """Remove a template; the follow-ups it made stay, as they are."""
        with self.db.unit_of_work() as session:
            session.delete(self._load(session, cadence_id))

    # -- applying ---------------------------------------------------------------------------

    def apply(self, cadence_id: int, customer_ids: Sequence[int], start: date) -> list[int]:
        """Start a cadence by hand for these customers from `start`; returns the new ids.

        Archived and not-pursued customers are left out, as are consent-only steps for
        customers who did not agree to be contacted.
        """
        errors = Collector()
        if not customer_ids:
            errors.add("customers", "Choose at least one customer.")
        if start is None:
            errors.add("start", "Choose the day the cadence starts.")
        elif start < EARLIEST_DATE:
            errors.add("start", f"The start is before {EARLIEST_DATE.year}; check the year.")
        elif start > self.clock().date() + timedelta(days=MAX_OFFSET_DAYS):
            errors.add("start", "The start is more than ten years ahead; check the year.")
        errors.raise_if_any()
        now = self.clock()
        with self.db.unit_of_work() as session:
            template = self._load(session, cadence_id)
            calendar = load_calendar(session)
            wanted = sorted(set(customer_ids))
            customers = list(session.scalars(select(Customer).where(Customer.id.in_(wanted))))
            if not customers:
                raise ValidationError.single("customers", "Those customers no longer exist.")
            rows = []
            for customer in customers:
                for step in template.steps:
                    if may_receive(customer, step):
                        due = step_due(calendar, start, step.offset_days)
                        rows.append(_add_follow_up(session, customer, step, due, now))
            session.flush()
            refresh_next_follow_up(session, [row.customer_id for row in rows])
            return [row.id for row in rows]

    def apply_after_purchase(self, session: Session, customer_id: int, purchase_day: date,
                             interaction_id: int | None = None) -> list[int]:
        """The after-purchase cadence inside the caller's unit of work (see the module
        function of the same name)."""
        now = self.clock()
        return apply_after_purchase(session, customer_id, purchase_day,
                                    interaction_id=interaction_id, today=now.date(), now=now)

    def apply_birthdays(self, today: date | None = None, horizon_days: int = 7) -> list[int]:
        """Create this year's birthday greetings for birthdays from today to today +
        horizon_days; run it daily, as often as you like: no greeting is made twice."""
        day = today or self.clock().date()
        end = day + timedelta(days=horizon_days)
        now = self.clock()
        with self.db.unit_of_work() as session:
            template = _active_template(session, CadenceTrigger.BIRTHDAY.value)
            if template is None or not template.steps:
                return []
            calendar = load_calendar(session)
            upcoming = self._upcoming_birthdays(session, day, end)
            greeted = self._greeted(session, [s.id for s in template.steps],
                                    [customer.id for customer, _ in upcoming])
            rows = []
            for customer, birthday in upcoming:
                for step in template.steps:
                    if not may_receive(customer, step) or any(
                            abs((birthday - due).days) <= BIRTHDAY_DEDUP_DAYS
                            for due in greeted.get((customer.id, step.id), ())):
                        continue
                    due = birthday_due(calendar, birthday, step.offset_days, day)
                    rows.append(_add_follow_up(session, customer, step, due, now))
            session.flush()
            refresh_next_follow_up(session, [row.customer_id for row in rows])
            return [row.id for row in rows]

    @staticmethod
    def _upcoming_birthdays(session: Session, start: date,
                            end: date) -> list[tuple[Customer, date]]:
        """Customers whose birthday falls in [start, end], with that day (29 February is
        kept on 28 February in common years)."""
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        if not days:
            return []
        month_days = {d.strftime("%m-%d") for d in days}
        if any(d.month == 2 and d.day == 28 for d in days if not _is_leap(d.year)):
            month_days.add("02-29")
        # Month and day cut from the stored ISO text: SQL does the 100,000-row filtering.
        # lazyload: only columns are read here; the joined stage, persona and tags are not.
        customers = session.scalars(
            select(Customer).options(lazyload("*")).where(Customer.birthday.is_not(None),
                                   Customer.archived.is_(False),
                                   Customer.not_pursuing.is_(False),
                                   func.substr(Customer.birthday, 6, 5).in_(month_days)))
        found = []
        for customer in customers:
            born = customer.birthday
            assert born is not None
            for d in days:
                if (d.month, d.day) == (born.month, born.day) or (
                        (born.month, born.day) == (2, 29) and not _is_leap(d.year)
                        and (d.month, d.day) == (2, 28)):
                    found.append((customer, d))
                    break
        return found

    @staticmethod
    def _greeted(session: Session, step_ids: list[int],
                 customer_ids: list[int]) -> dict[tuple[int, int], list[date]]:
        """Due dates of the greetings these customers already have (any status), by
        (customer, step): a query per few hundred customers, not one per birthday."""
        found: dict[tuple[int, int], list[date]] = {}
        for chunk in range(0, len(customer_ids), GREETED_CHUNK):
            for customer_id, step_id, due_on in session.execute(
                    select(FollowUp.customer_id, FollowUp.cadence_step_id, FollowUp.due_on)
                    .where(FollowUp.customer_id.in_(customer_ids[chunk:chunk + GREETED_CHUNK]),
                           FollowUp.cadence_step_id.in_(step_ids))):
                if step_id is not None:
                    found.setdefault((customer_id, step_id), []).append(due_on)
        return found


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
