"""The customer columns the list sorts by, kept in step with the rows they summarise."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from smallbiz_crm.domain.kinds import FollowUpStatus
from smallbiz_crm.store.models import Customer, FollowUp, Gesture, Interaction


def touch(customer: Customer, when: datetime) -> None:
    """Any contact (interaction or gesture) resets the customer's "losing touch" clock."""
    if customer.last_contact_at is None or when > customer.last_contact_at:
        customer.last_contact_at = when


def refresh_next_follow_up(session: Session, customer_ids: Iterable[int]) -> None:
    """customer.next_follow_up_on = the earliest open follow-up's due date (or NULL)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return
    session.flush()
    earliest = (select(func.min(FollowUp.due_on))
                .where(FollowUp.customer_id == Customer.id,
                       FollowUp.status == FollowUpStatus.OPEN.value)
                .scalar_subquery())
    session.execute(update(Customer).where(Customer.id.in_(ids))
                    .values(next_follow_up_on=earliest)
                    .execution_options(synchronize_session=False))
    session.expire_all()


def refresh_last_contact(session: Session, customer_ids: Iterable[int]) -> None:
    """Recompute last_contact_at from interactions and gestures (after a delete or merge)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return
    session.flush()
    last_interaction = (select(func.max(Interaction.occurred_at))
                        .where(Interaction.customer_id == Customer.id).scalar_subquery())
    last_gesture = (select(func.max(Gesture.given_on))
                    .where(Gesture.customer_id == Customer.id).scalar_subquery())
    rows = session.execute(select(Customer.id, last_interaction, last_gesture)
                           .where(Customer.id.in_(ids))).all()
    for customer_id, interaction_at, gesture_on in rows:
        candidates = [value for value in (interaction_at, gesture_on) if value is not None]
        latest = max((value if isinstance(value, datetime)
                      else datetime.combine(value, datetime.min.time())
                      for value in candidates), default=None)
        session.execute(update(Customer).where(Customer.id == customer_id)
                        .values(last_contact_at=latest)
                        .execution_options(synchronize_session=False))
    session.expire_all()
