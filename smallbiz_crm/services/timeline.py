"""A customer's mixed timeline and everything their profile shows, read in one snapshot.

Timeline entry kinds: "interaction:<kind>" (e.g. "interaction:purchase", so a view can pick an
icon per interaction kind; `entry.kind.partition(":")[0]` gives the source), "gesture", "stage",
"concern", "follow_up" and "feedback". `ref_id` is the id of the row in its own table.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smallbiz_crm.domain.kinds import FeedbackStatus, FollowUpStatus
from smallbiz_crm.domain.labels import (
    CHANNELS,
    CONCERN_KINDS,
    FEEDBACK_KINDS,
    FEEDBACK_STATUSES,
    FOLLOW_UP_KINDS,
    GESTURE_KINDS,
    interaction_label,
    label,
    stage_reason_label,
)
from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.domain.records.customers import StageChangeRecord, TimelineEntry
from smallbiz_crm.domain.records.timeline import CustomerLink, ProfileData
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.customers import customer_record, load_customer
from smallbiz_crm.services.journey import stage_record
from smallbiz_crm.services.personas import persona_record
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import (
    Concern,
    Customer,
    Feedback,
    FollowUp,
    Gesture,
    Interaction,
    Product,
    StageChange,
)

INTERACTION = "interaction"
GESTURE = "gesture"
STAGE = "stage"
CONCERN = "concern"
FOLLOW_UP = "follow_up"
FEEDBACK = "feedback"
SEPARATOR = " · "

# Entries at the same moment: a purchase and the stage move it caused share a timestamp, and
# the move reads as what followed, so it sorts above (newer than) the purchase.
_RANK = {INTERACTION: 0, GESTURE: 1, CONCERN: 2, FEEDBACK: 3, FOLLOW_UP: 4, STAGE: 5}


def _day(value: date | datetime) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _at_midnight(value: date) -> datetime:
    return datetime.combine(value, time.min)


def _join(*parts: str) -> str:
    return SEPARATOR.join(part for part in parts if part)


class TimelineService:
    """Reads a customer's timeline, and the one snapshot their profile shows."""

    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    def for_customer(self, customer_id: int, limit: int = 200) -> list[TimelineEntry]:
        """The newest `limit` entries of every kind, newest first."""
        with self.db.read() as session:
            return self._timeline(session, customer_id, limit)

    def profile(self, customer_id: int, timeline_limit: int = 200) -> ProfileData:
        """One read of everything the profile shows; NotFoundError if the customer is gone."""
        with self.db.read() as session:
            customer = load_customer(session, customer_id)
            record = customer_record(customer)
            persona = persona_record(customer.persona) if customer.persona else None
            stage = stage_record(customer.stage)
            history = tuple(
                StageChangeRecord(id=c.id, customer_id=c.customer_id,
                                  from_stage_name=c.from_stage_name,
                                  to_stage_name=c.to_stage_name, changed_at=c.changed_at,
                                  reason=c.reason)
                for c in session.scalars(
                    select(StageChange).where(StageChange.customer_id == customer_id)
                    .order_by(StageChange.changed_at.desc(), StageChange.id.desc())))
            referrals = tuple(
                CustomerLink(id=i, name=n) for i, n in session.execute(
                    select(Customer.id, Customer.name)
                    .where(Customer.referred_by_id == customer_id)
                    .order_by(Customer.name, Customer.id)))
            count, total = session.execute(
                select(func.count(Gesture.id), func.coalesce(func.sum(Gesture.cost_cents), 0))
                .where(Gesture.customer_id == customer_id)).one()
            timeline = tuple(self._timeline(session, customer_id, timeline_limit))
            return ProfileData(customer=record, persona=persona, stage=stage, history=history,
                               referrals=referrals, gesture_count=int(count),
                               gesture_total_cents=int(total), timeline=timeline)

    # -- the sources ------------------------------------------------------------------------

    def _timeline(self, session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
        if limit <= 0:
            return []
        # Each source takes only its own newest `limit` rows (by an indexed date), so a
        # customer with thousands of interactions costs no more than one with a few; the
        # newest `limit` of the merged list are always among them.
        entries = [
            *self._interactions(session, customer_id, limit),
            *self._gestures(session, customer_id, limit),
            *self._stage_changes(session, customer_id, limit),
            *self._concerns(session, customer_id, limit),
            *self._follow_ups(session, customer_id, limit),
            *self._feedback(session, customer_id, limit),
        ]
        entries.sort(key=lambda e: (e.when, _RANK[e.kind.partition(":")[0]], e.ref_id),
                     reverse=True)
        return entries[:limit]

    @staticmethod
    def _interactions(session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
        rows = session.execute(
            select(Interaction.id, Interaction.kind, Interaction.occurred_at,
                   Interaction.summary, Interaction.sentiment, Interaction.amount_cents)
            .where(Interaction.customer_id == customer_id)
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(limit))
        entries = []
        for ref_id, kind, occurred_at, summary, sentiment, amount in rows:
            title = interaction_label(kind)
            if amount is not None:
                title = _join(title, format_cents(amount))
            detail = _join(summary, f"Felt {sentiment}" if sentiment else "")
            entries.append(TimelineEntry(kind=f"{INTERACTION}:{kind}", when=occurred_at,
                                         title=title, detail=detail, ref_id=ref_id))
        return entries

    @staticmethod
    def _gestures(session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
        rows = session.execute(
            select(Gesture.id, Gesture.kind, Gesture.given_on, Gesture.description,
                   Gesture.cost_cents, Gesture.occasion, Gesture.outcome)
            .where(Gesture.customer_id == customer_id)
            .order_by(Gesture.given_on.desc(), Gesture.id.desc()).limit(limit))
        entries = []
        for ref_id, kind, given_on, description, cost, occasion, outcome in rows:
            title = label(GESTURE_KINDS, kind)
            if description:
                title = f"{title}: {description}"
            detail = _join(f"Cost {format_cents(cost)}" if cost else "No cost",
                           f"Occasion: {occasion}" if occasion else "",
                           f"What followed: {outcome}" if outcome else "")
            entries.append(TimelineEntry(kind=GESTURE, when=_at_midnight(given_on), title=title,
                                         detail=detail, ref_id=ref_id))
        return entries

    @staticmethod
    def _stage_changes(session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
        rows = session.execute(
            select(StageChange.id, StageChange.changed_at, StageChange.from_stage_name,
                   StageChange.to_stage_name, StageChange.reason)
            .where(StageChange.customer_id == customer_id)
            .order_by(StageChange.changed_at.desc(), StageChange.id.desc()).limit(limit))
        entries = []
        for ref_id, changed_at, from_name, to_name, reason in rows:
            title = (f"Moved from {from_name} to {to_name}" if from_name
                     else f"Started at {to_name}")
            entries.append(TimelineEntry(kind=STAGE, when=changed_at, title=title,
                                         detail=stage_reason_label(reason), ref_id=ref_id))
        return entries

    def _concerns(self, session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
        now = self.clock()
        rows = session.execute(
            select(Concern.id, Concern.kind, Concern.channel, Concern.received_at,
                   Concern.summary, Concern.response_due_at, Concern.responded_at,
                   Concern.response_note, Concern.resolved_at)
            .where(Concern.customer_id == customer_id)
            .order_by(Concern.received_at.desc(), Concern.id.desc()).limit(limit))
        entries = []
        for (ref_id, kind, channel, received_at, summary, due_at, responded_at, note,
             resolved_at) in rows:
            title = f"{label(CONCERN_KINDS, kind)} {label(CHANNELS, channel)}".strip()
            if responded_at is not None:
                late = " (late)" if responded_at > due_at else ""
                state = f"Answered {_day(responded_at)}{late}"
                if note:
                    state = f"{state}: {note}"
            elif now > due_at:
                state = f"Overdue: answer was due {_day(due_at)} {due_at:%H:%M}"
            else:
                state = f"Answer due {_day(due_at)} {due_at:%H:%M}"
            resolved = f"Resolved {_day(resolved_at)}" if resolved_at is not None else ""
            entries.append(TimelineEntry(kind=CONCERN, when=received_at, title=title,
                                         detail=_join(summary, state, resolved), ref_id=ref_id))
        return entries

    def _follow_ups(self, session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
        today = self.clock().date()
        rows = session.execute(
            select(FollowUp.id, FollowUp.kind, FollowUp.due_on, FollowUp.reason,
                   FollowUp.status, FollowUp.completed_at, FollowUp.outcome)
            .where(FollowUp.customer_id == customer_id)
            .order_by(FollowUp.due_on.desc(), FollowUp.id.desc()).limit(limit))
        entries = []
        for ref_id, kind, due_on, reason, status, completed_at, outcome in rows:
            if status == FollowUpStatus.DONE.value:
                state = f"Done {_day(completed_at)}" if completed_at else "Done"
            elif status == FollowUpStatus.SKIPPED.value:
                state = "Skipped"
            elif due_on < today:
                state = f"Overdue: was due {_day(due_on)}"
            else:
                state = f"Due {_day(due_on)}"
            title = f"Follow-up: {label(FOLLOW_UP_KINDS, kind)}"
            detail = _join(reason, state, f"Outcome: {outcome}" if outcome else "")
            entries.append(TimelineEntry(kind=FOLLOW_UP, when=_at_midnight(due_on), title=title,
                                         detail=detail, ref_id=ref_id))
        return entries

    @staticmethod
    def _feedback(session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
        rows = session.execute(
            select(Feedback.id, Feedback.kind, Feedback.received_on, Feedback.text,
                   Feedback.status, Feedback.customer_told_at, Product.name)
            .outerjoin(Product, Product.id == Feedback.product_id)
            .where(Feedback.customer_id == customer_id)
            .order_by(Feedback.received_on.desc(), Feedback.id.desc()).limit(limit))
        entries = []
        for ref_id, kind, received_on, text, status, told_at, product in rows:
            title = label(FEEDBACK_KINDS, kind)
            if product:
                title = f"{title} about {product}"
            if told_at is not None:
                told = f"Customer told {_day(told_at)}"
            elif status in (FeedbackStatus.DONE.value, FeedbackStatus.DECLINED.value):
                told = "Customer not told yet"
            else:
                told = ""
            detail = _join(text, f"Status: {label(FEEDBACK_STATUSES, status)}", told)
            entries.append(TimelineEntry(kind=FEEDBACK, when=_at_midnight(received_on),
                                         title=title, detail=detail, ref_id=ref_id))
        return entries
