"""The follow-up checklist: open follow-ups numbered in print order, and the last one printed.

Each item carries what to know about its customer (last contact, open concern, how to talk to
them); the numbering of the last printed checklist is kept so results can be entered later.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smallbiz_crm.domain.kinds import FollowUpStatus
from smallbiz_crm.domain.labels import FOLLOW_UP_KINDS, interaction_label, label
from smallbiz_crm.domain.printing import concern_kind, default_period, first_sentence
from smallbiz_crm.domain.records.printing import ChecklistData, ChecklistGroup, ChecklistItem
from smallbiz_crm.domain.settings import LAST_CHECKLIST, PAPER_SIZE, SHOP_NAME
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.print_settings import stored_setting, text_setting
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Concern, Customer, FollowUp, Interaction, Persona, Setting

# The numbering of the last printed checklist, so results can be entered after a restart.

# SQLite's default limit on bound parameters is generous, older builds allow 999.
_CHUNK = 500

def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]

@dataclass(frozen=True, slots=True)
class _Context:
    """What an item tells about its customer besides the follow-up: last contact, open concern."""

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
        shop_name = text_setting(session, SHOP_NAME)
        paper_size = text_setting(session, PAPER_SIZE)
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
            line = f"{concern_kind(kind, channel)}, {received_at.date().isoformat()}"
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
        stored = stored_setting(session, LAST_CHECKLIST)
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
        shop_name = text_setting(session, SHOP_NAME)
        paper_size = text_setting(session, PAPER_SIZE)
    groups = []
    for day, items in plan:
        found = tuple(_item(number, rows[follow_up_id],
                            contexts.get(rows[follow_up_id].customer_id, _Context()), today)
                      for number, follow_up_id in items if follow_up_id in rows)
        groups.append(ChecklistGroup(day=day, items=found))
    return ChecklistData(shop_name=shop_name, printed_at=printed_at, paper_size=paper_size,
                         date_from=date_from, date_to=date_to, groups=tuple(groups))
