"""Follow-ups and concern deadlines that came due, for the desktop notifications."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smallbiz_crm.domain.kinds import FollowUpStatus
from smallbiz_crm.domain.records.today import Alert, AlertKind
from smallbiz_crm.services.today_words import deadline_words, kind_words, one_line, plural
from smallbiz_crm.store.models import Concern, Customer, FollowUp

# A concern's deadline is the end of a business day (23:59:59); an alert at that moment
# comes too late to act on. It is announced this long before, at four in the afternoon.
CONCERN_WARNING = timedelta(hours=8)
# One check of the notifications reports at most this many (the first check of a busy day).
ALERT_LIMIT = 100


def due_alerts(session: Session, since: datetime, now: datetime, concern_warning: timedelta,
               limit: int) -> list[Alert]:
    """The alerts that came due in [since, now), oldest first, at most `limit`; see
    TodayService.due_alerts."""
    # Follow-ups: the days whose midnight lies in [since, now).
    first = since.date() if since.time() == time.min else since.date() + timedelta(days=1)
    last = now.date() if now.time() > time.min else now.date() - timedelta(days=1)
    alerts = (_follow_up_alerts(session, first, last, limit)
              + _concern_alerts(session, since, now, concern_warning, limit))
    alerts.sort(key=lambda alert: (alert.due_at, alert.kind, alert.ref_id))
    return alerts[:limit]


def _follow_up_alerts(session: Session, first: date, last: date,
                      limit: int) -> list[Alert]:
    if first > last:
        return []
    statement = (
        select(FollowUp.id, FollowUp.customer_id, Customer.name, Customer.phone,
               FollowUp.due_on, FollowUp.kind, FollowUp.reason)
        .join(Customer, Customer.id == FollowUp.customer_id)
        .where(FollowUp.status == FollowUpStatus.OPEN.value,
               FollowUp.due_on >= first, FollowUp.due_on <= last,
               Customer.archived.is_(False))
        .order_by(FollowUp.due_on, FollowUp.id).limit(limit))
    alerts = []
    for fid, customer_id, name, phone, due_on, kind, reason in session.execute(statement):
        detail = kind_words(kind) + (f": {one_line(reason)}" if reason.strip() else "")
        alerts.append(Alert(
            kind=AlertKind.FOLLOW_UP.value, ref_id=fid, customer_id=customer_id,
            customer_name=name, title=f"Follow up with {name}",
            message=detail + (f" · {phone}" if phone else ""),
            due_at=datetime.combine(due_on, time.min)))
    return alerts


def _concern_alerts(session: Session, since: datetime, now: datetime, warning: timedelta,
                    limit: int) -> list[Alert]:
    statement = (
        select(Concern.id, Concern.customer_id, Customer.name, Customer.phone,
               Concern.kind, Concern.summary, Concern.response_due_at)
        .join(Customer, Customer.id == Concern.customer_id)
        .where(Concern.responded_at.is_(None),
               Concern.response_due_at >= since + warning,
               Concern.response_due_at < now + warning)
        .order_by(Concern.response_due_at, Concern.id).limit(limit))
    alerts = []
    for cid, customer_id, name, phone, kind, summary, due in session.execute(statement):
        title = (f"{name}'s {kind} is overdue" if due <= now
                 else f"Answer {name}'s {kind} by {deadline_words(due, now)}")
        alerts.append(Alert(
            kind=AlertKind.CONCERN.value, ref_id=cid, customer_id=customer_id,
            customer_name=name, title=title,
            message=one_line(summary) + (f" · {phone}" if phone else ""),
            due_at=due - warning))
    return alerts


def summary_words(alerts: Sequence[Alert], capped: bool = False) -> tuple[str, str]:
    """One notification (title, message) for several alerts at once."""
    follow_ups = sum(1 for alert in alerts if alert.kind == AlertKind.FOLLOW_UP.value)
    concerns = len(alerts) - follow_ups
    parts = []
    if follow_ups:
        parts.append(plural(follow_ups, "follow-up", "follow-ups"))
    if concerns:
        parts.append(plural(concerns, "concern", "concerns"))
    title = "Now due: " + ("at least " if capped else "") + " and ".join(parts)
    names = list(dict.fromkeys(alert.customer_name for alert in alerts))
    shown = ", ".join(names[:4])
    if len(names) > 4:
        shown += f" and {len(names) - 4:,} more"
    return title, shown + "."
