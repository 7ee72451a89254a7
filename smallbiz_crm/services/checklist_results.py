"""Entering a worked checklist back by item number: done, snoozed or skipped, and undoing a slip."""

from __future__ import annotations

from dataclasses import replace

from smallbiz_crm.domain.kinds import FollowUpStatus
from smallbiz_crm.domain.records.printing import ChecklistAction, ChecklistData, EnteredResult
from smallbiz_crm.domain.validation import Collector, ValidationError, check_long_text
from smallbiz_crm.services.calendar_settings import load_calendar
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.customer_clock import refresh_next_follow_up
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import FollowUp


def parse_number(text: str | int, checklist: ChecklistData, errors: Collector) -> int | None:
    """The item number typed ("12", "#12"), or None with the reason added to `errors`."""
    count = len(checklist.items)
    value = str(text).strip().lstrip("#")
    if not value:
        errors.add("number", "Type the number of an item on the checklist.")
        return None
    if not value.isdigit():
        errors.add("number", f"'{value}' is not an item number; type digits, like 12.")
        return None
    number = int(value)
    if checklist.item(number) is None:
        span = f"numbered 1 to {count}" if count else "none: it is empty"
        errors.add("number", f"There is no item {number} on this checklist; its items are "
                             f"{span}.")
        return None
    return number


def enter_result(db: Database, checklist: ChecklistData, number: str | int, action: str,
                 note: str = "", clock: Clock = system_clock) -> EnteredResult:
    """Write one worked item back: done or skipped (with the note as its outcome) or snoozed
    to the next business day (the note is added to its reason, so the next list shows it)."""
    errors = Collector()
    chosen = parse_number(number, checklist, errors)
    try:
        kind = ChecklistAction(action)
    except ValueError:
        errors.add("action", "Choose done, snooze or skip.")
    text = " ".join(check_long_text(note, errors, "outcome", "The outcome").split())
    errors.raise_if_any()
    assert chosen is not None
    item = checklist.item(chosen)
    assert item is not None
    now = clock()
    today = now.date()
    with db.unit_of_work() as session:
        row = session.get(FollowUp, item.follow_up_id)
        if row is None:
            raise ValidationError.single("number", f"Item {chosen} ({item.customer_name}) was "
                                                   "deleted after the checklist was printed.")
        if row.status != FollowUpStatus.OPEN.value:
            state = "done" if row.status == FollowUpStatus.DONE.value else "skipped"
            raise ValidationError.single("number", f"Item {chosen} ({item.customer_name}) is "
                                                   f"already marked {state}.")
        entered = EnteredResult(
            number=chosen, follow_up_id=row.id, customer_id=row.customer_id,
            customer_name=item.customer_name, action=kind, note=text, snoozed_to=None,
            previous_status=row.status, previous_due_on=row.due_on,
            previous_snooze_count=row.snooze_count, previous_reason=row.reason,
            previous_outcome=row.outcome, previous_completed_at=row.completed_at)
        if kind is ChecklistAction.SNOOZE:
            day = load_calendar(session).next_business_day(max(today, row.due_on))
            row.due_on = day
            row.snooze_count += 1
            if text:
                row.reason = (f"{row.reason} — {today.isoformat()}: {text}" if row.reason
                              else f"{today.isoformat()}: {text}")
            entered = replace(entered, snoozed_to=day)
        else:
            row.status = (FollowUpStatus.DONE.value if kind is ChecklistAction.DONE
                          else FollowUpStatus.SKIPPED.value)
            row.completed_at = now
            row.outcome = text
        refresh_next_follow_up(session, [entered.customer_id])
    return entered


def undo_result(db: Database, entered: EnteredResult) -> None:
    """Put a follow-up back as it was before `entered` was written (a wrong number typed)."""
    with db.unit_of_work() as session:
        row = session.get(FollowUp, entered.follow_up_id)
        if row is None:
            raise NotFoundError("That follow-up no longer exists.")
        row.status = entered.previous_status
        row.due_on = entered.previous_due_on
        row.snooze_count = entered.previous_snooze_count
        row.reason = entered.previous_reason
        row.outcome = entered.previous_outcome
        row.completed_at = entered.previous_completed_at
        refresh_next_follow_up(session, [entered.customer_id])
