"""Printing: the records the summary and checklist PDFs are made of, writing them, and entering
a worked checklist's results back.

ReportLab is imported only when a PDF is written (inside write_summary / write_checklist).
"""

from __future__ import annotations

import errno
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smallbiz_crm.domain.kinds import FeedbackKind, FollowUpStatus
from smallbiz_crm.domain.labels import (
    CHANNELS,
    CONCERN_KINDS,
    FEEDBACK_KINDS,
    FEEDBACK_STATUSES,
    FOLLOW_UP_KINDS,
    GESTURE_KINDS,
    SENTIMENTS,
    interaction_label,
    label,
    stage_reason_label,
)
from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.domain.printing import (
    BIRTHDAY_WINDOW_DAYS,
    ChecklistData,
    ChecklistGroup,
    ChecklistItem,
    ConcernLine,
    FeedbackLine,
    FollowUpLine,
    GestureLine,
    InteractionLine,
    StageStep,
    SummaryData,
)
from smallbiz_crm.domain.settings import LAST_CHECKLIST, PAPER_SIZE, SHOP_NAME, SettingKey
from smallbiz_crm.domain.validation import Collector, ValidationError, check_long_text
from smallbiz_crm.services.calendar_settings import load_calendar
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.customer_clock import refresh_next_follow_up
from smallbiz_crm.services.customers import customer_record, load_customer
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.personas import persona_record
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import (
    Concern,
    Customer,
    Feedback,
    FollowUp,
    Gesture,
    Interaction,
    Persona,
    Product,
    Setting,
    StageChange,
)

Progress = Callable[[int, int], None]

# The summary is a one-look page or two: the newest interactions, with a count of the rest.
RECENT_INTERACTIONS = 50
# Default checklist: everything overdue plus today and the six days after it.
DEFAULT_DAYS = 7
# The numbering of the last printed checklist, so results can be entered after a restart.

# SQLite's default limit on bound parameters is generous, older builds allow 999.
_CHUNK = 500
_HINT_LENGTH = 180

_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s")


class ChecklistAction(StrEnum):
    DONE = "done"
    SNOOZE = "snooze"  # to the next business day
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class EnteredResult:
    """One checklist result written back, with what the follow-up was before (for undo)."""

    number: int
    follow_up_id: int
    customer_id: int
    customer_name: str
    action: ChecklistAction
    note: str
    snoozed_to: date | None
    previous_status: str
    previous_due_on: date
    previous_snooze_count: int
    previous_reason: str
    previous_outcome: str
    previous_completed_at: datetime | None


def default_period(today: date) -> tuple[date, date]:
    """Today and the six days after it (overdue items are added on top)."""
    return today, today + timedelta(days=DEFAULT_DAYS - 1)


def first_sentence(text: str, limit: int = _HINT_LENGTH) -> str:
    """The first sentence of `text`, on one line, cut at a word near `limit` characters."""
    flat = " ".join(text.split())
    if not flat:
        return ""
    sentence = _SENTENCE_END.split(flat, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0] or sentence[:limit]
    return cut.rstrip(",;:") + "…"


def next_birthday(birthday: date | None, today: date) -> date | None:
    """The next birthday on or after today (29 February falls on the 28th in other years)."""
    if birthday is None:
        return None

    def on(year: int) -> date:
        try:
            return birthday.replace(year=year)
        except ValueError:
            return date(year, 2, 28)

    upcoming = on(today.year)
    return upcoming if upcoming >= today else on(today.year + 1)


def _setting(session: Session, key: SettingKey) -> Any:
    row = session.get(Setting, key.name)
    if row is None:
        return key.default
    try:
        return json.loads(row.value)
    except ValueError:
        return key.default


def _text_setting(session: Session, key: SettingKey) -> str:
    value = _setting(session, key)
    return value if isinstance(value, str) and value.strip() else str(key.default)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _concern_kind(kind: str, channel: str) -> str:
    return f"{label(CONCERN_KINDS, kind)} {label(CHANNELS, channel)}".strip()


# -- the relationship summary ---------------------------------------------------------------

def summary_data(db: Database, customer_id: int, clock: Clock = system_clock,
                 interaction_limit: int = RECENT_INTERACTIONS) -> SummaryData:
    """Everything the summary prints, read in one snapshot; NotFoundError for an unknown id."""
    now = clock()
    today = now.date()
    with db.read() as session:
        customer = load_customer(session, customer_id)
        record = customer_record(customer)
        persona = persona_record(customer.persona) if customer.persona else None
        changes = list(session.execute(
            select(StageChange.changed_at, StageChange.from_stage_name,
                   StageChange.to_stage_name, StageChange.reason, StageChange.to_stage_id)
            .where(StageChange.customer_id == customer_id)
            .order_by(StageChange.changed_at, StageChange.id)))
        history = tuple(StageStep(changed_at=at, from_stage=from_name, to_stage=to_name,
                                  why=stage_reason_label(reason))
                        for at, from_name, to_name, reason, _ in changes)
        stage_since = next((at for at, _, _, _, to_id in reversed(changes)
                            if to_id == customer.stage_id), None)
        referrals = tuple(session.scalars(
            select(Customer.name).where(Customer.referred_by_id == customer_id)
            .order_by(Customer.name, Customer.id)))
        concerns = tuple(
            ConcernLine(received_at=received, kind=_concern_kind(kind, channel),
                        summary=summary, due_at=due, answered=responded is not None,
                        overdue=responded is None and now > due)
            for received, kind, channel, summary, due, responded in session.execute(
                select(Concern.received_at, Concern.kind, Concern.channel, Concern.summary,
                       Concern.response_due_at, Concern.responded_at)
                .where(Concern.customer_id == customer_id, Concern.resolved_at.is_(None))
                .order_by(Concern.received_at, Concern.id)))
        follow_ups = tuple(
            FollowUpLine(due_on=due, kind=label(FOLLOW_UP_KINDS, kind), reason=reason,
                         overdue=due < today)
            for due, kind, reason in session.execute(
                select(FollowUp.due_on, FollowUp.kind, FollowUp.reason)
                .where(FollowUp.customer_id == customer_id,
                       FollowUp.status == FollowUpStatus.OPEN.value)
                .order_by(FollowUp.due_on, FollowUp.id)))
        feedback = tuple(
            FeedbackLine(received_on=received, kind=label(FEEDBACK_KINDS, kind),
                         product=product or "", text=text, status=label(FEEDBACK_STATUSES, status),
                         told_on=told.date() if told is not None else None,
                         # Ideas and complaints wait for news until the customer is told;
                         # praise asks for nothing back.
                         waiting=told is None and kind != FeedbackKind.PRAISE.value)
            for received, kind, product, text, status, told in session.execute(
                select(Feedback.received_on, Feedback.kind, Product.name, Feedback.text,
                       Feedback.status, Feedback.customer_told_at)
                .outerjoin(Product, Product.id == Feedback.product_id)
                .where(Feedback.customer_id == customer_id)
                .order_by(Feedback.received_on.desc(), Feedback.id.desc())))
        gestures = tuple(
            GestureLine(given_on=given, kind=label(GESTURE_KINDS, kind), description=description,
                        occasion=occasion, cost_cents=cost, outcome=outcome)
            for given, kind, description, occasion, cost, outcome in session.execute(
                select(Gesture.given_on, Gesture.kind, Gesture.description, Gesture.occasion,
                       Gesture.cost_cents, Gesture.outcome)
                .where(Gesture.customer_id == customer_id)
                .order_by(Gesture.given_on.desc(), Gesture.id.desc())))
        columns = (Interaction.occurred_at, Interaction.kind, Interaction.summary,
                   Interaction.sentiment, Interaction.amount_cents)
        newest_first = (Interaction.occurred_at.desc(), Interaction.id.desc())
        interactions = tuple(_interaction_line(*row) for row in session.execute(
            select(*columns).where(Interaction.customer_id == customer_id)
            .order_by(*newest_first).limit(max(interaction_limit, 0))))
        interaction_count = int(session.scalar(
            select(func.count()).select_from(Interaction)
            .where(Interaction.customer_id == customer_id)) or 0)
        told_row = session.execute(
            select(*columns).where(Interaction.customer_id == customer_id,
                                   func.trim(Interaction.summary) != "")
            .order_by(*newest_first).limit(1)).first()
        shop_name = _text_setting(session, SHOP_NAME)
        paper_size = _text_setting(session, PAPER_SIZE)
    birthday = next_birthday(record.birthday, today)
    if birthday is not None and (birthday - today).days > BIRTHDAY_WINDOW_DAYS:
        birthday = None
    return SummaryData(
        shop_name=shop_name, printed_at=now, paper_size=paper_size, customer=record,
        persona=persona, stage_since=stage_since, history=history, referrals=referrals,
        open_concerns=concerns, follow_ups=follow_ups, next_birthday=birthday,
        last_told=_interaction_line(*told_row) if told_row is not None else None,
        interactions=interactions, interaction_count=interaction_count, gestures=gestures,
        gesture_total_cents=sum(line.cost_cents for line in gestures), feedback=feedback)


def _interaction_line(occurred_at: datetime, kind: str, summary: str, sentiment: str | None,
                      amount: int | None) -> InteractionLine:
    return InteractionLine(occurred_at=occurred_at, kind=interaction_label(kind),
                           summary=summary, sentiment=label(SENTIMENTS, sentiment),
                           amount=format_cents(amount))


# -- the checklist --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Context:
    last_on: date | None = None
    last: str = ""
    concern: str = ""


def checklist_data(db: Database, date_from: date | None = None, date_to: date | None = None,
                   clock: Clock = system_clock, include_overdue: bool = True) -> ChecklistData:
    """Open follow-ups due from `date_from` to `date_to` (default: today and the next six
    days), with everything overdue first; numbered 1, 2, … in print order."""
    now = clock()
    today = now.date()
    start, end = _checked_period(date_from, date_to, today)
    window = FollowUp.due_on >= start
    if include_overdue:
        window = window | (FollowUp.due_on < today)
    with db.read() as session:
        rows = list(session.execute(
            select(FollowUp.id, FollowUp.customer_id, FollowUp.due_on, FollowUp.kind,
                   FollowUp.reason, FollowUp.status, Customer.name, Customer.company,
                   Customer.phone, Customer.email, Persona.how_to_talk)
            .join(Customer, Customer.id == FollowUp.customer_id)
            .outerjoin(Persona, Persona.id == Customer.persona_id)
            .where(FollowUp.status == FollowUpStatus.OPEN.value, FollowUp.due_on <= end,
                   window, Customer.archived.is_(False))
            .order_by(FollowUp.due_on, Customer.name, FollowUp.id)))
        contexts = _contexts(session, sorted({row.customer_id for row in rows}))
        shop_name = _text_setting(session, SHOP_NAME)
        paper_size = _text_setting(session, PAPER_SIZE)
    overdue = [row for row in rows if row.due_on < today]
    by_day: dict[date, list[Any]] = {}
    for row in rows:
        if row.due_on >= today:
            by_day.setdefault(row.due_on, []).append(row)
    # Overdue ones oldest first; each day's in name order, so the list reads like a round.
    plan: list[tuple[date | None, list[Any]]] = []
    if overdue:
        plan.append((None, overdue))
    plan += sorted(by_day.items())
    groups = []
    number = 0
    for day, day_rows in plan:
        items = []
        for row in day_rows:
            number += 1
            items.append(_item(number, row, contexts.get(row.customer_id, _Context()), today))
        groups.append(ChecklistGroup(day=day, items=tuple(items)))
    return ChecklistData(shop_name=shop_name, printed_at=now, paper_size=paper_size,
                         date_from=start, date_to=end, groups=tuple(groups))


def _checked_period(date_from: date | None, date_to: date | None,
                    today: date) -> tuple[date, date]:
    start = date_from or today
    end = date_to or (default_period(start)[1] if date_from else default_period(today)[1])
    if end < start:
        raise ValidationError.single(
            "date_to", f"The last day ({end.isoformat()}) is before the first day "
                       f"({start.isoformat()}).")
    if (end - start).days > 366:
        raise ValidationError.single("date_to", "A checklist covers at most a year.")
    return start, end


def _item(number: int, row: Any, context: _Context, today: date) -> ChecklistItem:
    return ChecklistItem(
        number=number, follow_up_id=row.id, customer_id=row.customer_id,
        customer_name=row.name, company=row.company, phone=row.phone, email=row.email,
        due_on=row.due_on, overdue=row.due_on < today and row.status == FollowUpStatus.OPEN,
        kind=label(FOLLOW_UP_KINDS, row.kind), reason=row.reason,
        last_interaction_on=context.last_on, last_interaction=context.last,
        open_concern=context.concern, persona_hint=first_sentence(row.how_to_talk or ""),
        status=row.status)


def _contexts(session: Session, customer_ids: Sequence[int]) -> dict[int, _Context]:
    """Per customer: the newest interaction and the newest unresolved concern, in two queries
    per chunk of customers (a window function picks each customer's newest row)."""
    last: dict[int, tuple[date, str]] = {}
    concerns: dict[int, tuple[str, int]] = {}
    for chunk in _chunks(customer_ids):
        ranked = select(
            Interaction.customer_id, Interaction.occurred_at, Interaction.kind,
            Interaction.summary,
            func.row_number().over(partition_by=Interaction.customer_id,
                                   order_by=(Interaction.occurred_at.desc(),
                                             Interaction.id.desc())).label("rank"),
        ).where(Interaction.customer_id.in_(chunk)).subquery()
        for customer_id, occurred_at, kind, summary in session.execute(
                select(ranked.c.customer_id, ranked.c.occurred_at, ranked.c.kind,
                       ranked.c.summary).where(ranked.c.rank == 1)):
            text = " ".join(summary.split())
            last[customer_id] = (occurred_at.date(),
                                 f"{interaction_label(kind)}: {text}" if text
                                 else interaction_label(kind))
        open_ranked = select(
            Concern.customer_id, Concern.kind, Concern.channel, Concern.summary,
            Concern.received_at,
            func.row_number().over(partition_by=Concern.customer_id,
                                   order_by=(Concern.received_at.desc(),
                                             Concern.id.desc())).label("rank"),
            func.count().over(partition_by=Concern.customer_id).label("open_count"),
        ).where(Concern.customer_id.in_(chunk), Concern.resolved_at.is_(None)).subquery()
        for customer_id, kind, channel, summary, received_at, count in session.execute(
                select(open_ranked.c.customer_id, open_ranked.c.kind, open_ranked.c.channel,
                       open_ranked.c.summary, open_ranked.c.received_at,
                       open_ranked.c.open_count).where(open_ranked.c.rank == 1)):
            text = " ".join(summary.split())
            line = f"{_concern_kind(kind, channel)}, {received_at.date().isoformat()}"
            concerns[customer_id] = (f"{line}: {text}" if text else line, int(count))
    result = {}
    for customer_id in customer_ids:
        on, text = last.get(customer_id, (None, ""))
        concern, count = concerns.get(customer_id, ("", 0))
        if count > 1:
            concern = f"{concern} (and {count - 1} more)"
        result[customer_id] = _Context(last_on=on, last=text, concern=concern)
    return result


def remember_checklist(db: Database, data: ChecklistData) -> None:
    """Keep the printed numbering, so results can be entered later, even after a restart."""
    stored = {
        "printed_at": data.printed_at.isoformat(), "date_from": data.date_from.isoformat(),
        "date_to": data.date_to.isoformat(),
        "groups": [{"day": group.day.isoformat() if group.day else None,
                    "items": [[item.number, item.follow_up_id] for item in group.items]}
                   for group in data.groups],
    }
    with db.unit_of_work() as session:
        row = session.get(Setting, LAST_CHECKLIST.name)
        if row is None:
            session.add(Setting(key=LAST_CHECKLIST.name, value=json.dumps(stored)))
        else:
            row.value = json.dumps(stored)


def last_checklist(db: Database, clock: Clock = system_clock) -> ChecklistData | None:
    """The last printed checklist with its numbers, as the follow-ups stand now (items done or
    deleted since are kept or dropped); None if none was printed."""
    today = clock().date()
    with db.read() as session:
        stored = _setting(session, LAST_CHECKLIST)
        if not isinstance(stored, dict):
            return None
        try:
            plan = [(date.fromisoformat(group["day"]) if group["day"] else None,
                     [(int(number), int(follow_up_id)) for number, follow_up_id in group["items"]])
                    for group in stored["groups"]]
            printed_at = datetime.fromisoformat(stored["printed_at"])
            date_from = date.fromisoformat(stored["date_from"])
            date_to = date.fromisoformat(stored["date_to"])
        except (KeyError, TypeError, ValueError):
            return None
        ids = [follow_up_id for _, items in plan for _, follow_up_id in items]
        rows: dict[int, Any] = {}
        for chunk in _chunks(ids):
            for row in session.execute(
                    select(FollowUp.id, FollowUp.customer_id, FollowUp.due_on, FollowUp.kind,
                           FollowUp.reason, FollowUp.status, Customer.name, Customer.company,
                           Customer.phone, Customer.email, Persona.how_to_talk)
                    .join(Customer, Customer.id == FollowUp.customer_id)
                    .outerjoin(Persona, Persona.id == Customer.persona_id)
                    .where(FollowUp.id.in_(chunk))):
                rows[row.id] = row
        contexts = _contexts(session, sorted({row.customer_id for row in rows.values()}))
        shop_name = _text_setting(session, SHOP_NAME)
        paper_size = _text_setting(session, PAPER_SIZE)
    groups = []
    for day, items in plan:
        found = tuple(_item(number, rows[follow_up_id],
                            contexts.get(rows[follow_up_id].customer_id, _Context()), today)
                      for number, follow_up_id in items if follow_up_id in rows)
        groups.append(ChecklistGroup(day=day, items=found))
    return ChecklistData(shop_name=shop_name, printed_at=printed_at, paper_size=paper_size,
                         date_from=date_from, date_to=date_to, groups=tuple(groups))


# -- writing PDFs ---------------------------------------------------------------------------

def _write_atomically(path: str | os.PathLike[str], write: Callable[[IO[bytes]], None]) -> Path:
    """Write through a temporary file beside `path`, so a failed or cancelled build never
    leaves half a PDF where a good one was."""
    target = Path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"There is no folder {target.parent} to write "
                                "the PDF into", str(target))
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
        os.replace(temporary, target)
    except OSError as exc:
        # Name the file the owner asked for, not the temporary one.
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    finally:
        if temporary.exists():
            temporary.unlink()
    return target


def write_summary(db: Database, customer_id: int, path: str | os.PathLike[str],
                  clock: Clock = system_clock) -> Path:
    """Write one customer's relationship summary PDF to `path`."""
    from smallbiz_crm.reports.summary import write_summary as render

    data = summary_data(db, customer_id, clock)
    return _write_atomically(path, lambda handle: render(data, handle))


def write_checklist(db: Database, date_from: date | None, date_to: date | None,
                    path: str | os.PathLike[str], progress: Progress | None = None,
                    cancelled: Callable[[], bool] | None = None,
                    clock: Clock = system_clock) -> ChecklistData | None:
    """Write the follow-up checklist PDF (overdue items plus `date_from`..`date_to`, by default
    today and the next six days) and remember its numbering; None if cancelled (no file)."""
    from smallbiz_crm.reports import BuildCancelled
    from smallbiz_crm.reports.checklist import write_checklist as render

    data = checklist_data(db, date_from, date_to, clock)
    try:
        _write_atomically(path, lambda handle: render(data, handle, progress, cancelled))
    except BuildCancelled:
        return None
    remember_checklist(db, data)
    return data


# -- entering results -----------------------------------------------------------------------

def parse_number(text: str | int, checklist: ChecklistData, errors: Collector) -> int | None:
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


class PrintingService:
    """The functions above bound to one database and clock, for the Services bundle."""

    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    def summary(self, customer_id: int) -> SummaryData:
        return summary_data(self.db, customer_id, self.clock)

    def checklist(self, date_from: date | None = None,
                  date_to: date | None = None) -> ChecklistData:
        return checklist_data(self.db, date_from, date_to, self.clock)

    def write_summary(self, customer_id: int, path: str | os.PathLike[str]) -> Path:
        return write_summary(self.db, customer_id, path, self.clock)

    def write_checklist(self, date_from: date | None, date_to: date | None,
                        path: str | os.PathLike[str], progress: Progress | None = None,
                        cancelled: Callable[[], bool] | None = None) -> ChecklistData | None:
        return write_checklist(self.db, date_from, date_to, path, progress, cancelled,
                               self.clock)

    def last_checklist(self) -> ChecklistData | None:
        return last_checklist(self.db, self.clock)

    def enter_result(self, checklist: ChecklistData, number: str | int, action: str,
                     note: str = "") -> EnteredResult:
        return enter_result(self.db, checklist, number, action, note, self.clock)

    def undo_result(self, entered: EnteredResult) -> None:
        undo_result(self.db, entered)
