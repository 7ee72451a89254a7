"""The one-look relationship summary of a customer: everything it prints, read in one snapshot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from smallbiz_crm.domain.kinds import FeedbackKind, FollowUpStatus
from smallbiz_crm.domain.labels import (
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
from smallbiz_crm.domain.printing import BIRTHDAY_WINDOW_DAYS, concern_kind, next_birthday
from smallbiz_crm.domain.records.printing import (
    ConcernLine,
    FeedbackLine,
    FollowUpLine,
    GestureLine,
    InteractionLine,
    StageStep,
    SummaryData,
)
from smallbiz_crm.domain.settings import PAPER_SIZE, SHOP_NAME
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.customers import customer_record, load_customer
from smallbiz_crm.services.personas import persona_record
from smallbiz_crm.services.print_settings import text_setting
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

# The summary is a one-look page or two: the newest interactions, with a count of the rest.
RECENT_INTERACTIONS = 50

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
            ConcernLine(received_at=received, kind=concern_kind(kind, channel),
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
        shop_name = text_setting(session, SHOP_NAME)
        paper_size = text_setting(session, PAPER_SIZE)
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
