"""Logging what happened with a customer, and the purchase rule that moves them along."""

from __future__ import annotations

from sqlalchemy import select

from smallbiz_crm.domain.journey import stage_after_purchase
from smallbiz_crm.domain.kinds import InteractionKind, Sentiment, StageChangeReason
from smallbiz_crm.domain.records.customers import (
    InteractionDraft,
    InteractionRecord,
    LoggedInteraction,
    StageChangeRecord,
)
from smallbiz_crm.domain.validation import Collector, check_cents, check_long_text, check_when
from smallbiz_crm.services.cadences import apply_after_purchase, purchase_cadence_enabled
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.customer_clock import touch
from smallbiz_crm.services.customers import load_customer, record_stage_change
from smallbiz_crm.services.journey import stage_record
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Interaction, JourneyStage


def interaction_record(row: Interaction) -> InteractionRecord:
    return InteractionRecord(id=row.id, customer_id=row.customer_id, kind=row.kind,
                             occurred_at=row.occurred_at, summary=row.summary,
                             sentiment=row.sentiment, amount_cents=row.amount_cents)


class InteractionService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    def _validate(self, draft: InteractionDraft) -> InteractionDraft:
        errors = Collector()
        if draft.kind not in set(InteractionKind):
            errors.add("kind", "Choose what kind of interaction it was.")
        check_when(draft.occurred_at, errors, self.clock(), "occurred_at", "The date")
        summary = check_long_text(draft.summary, errors, "summary", "The summary")
        if draft.sentiment is not None and draft.sentiment not in set(Sentiment):
            errors.add("sentiment", "Choose how they felt from the list.")
        amount = check_cents(draft.amount_cents, errors, "amount")
        if draft.kind != InteractionKind.PURCHASE.value:
            amount = None
        errors.raise_if_any()
        return InteractionDraft(customer_id=draft.customer_id, kind=draft.kind,
                                occurred_at=draft.occurred_at, summary=summary,
                                sentiment=draft.sentiment, amount_cents=amount)

    def log(self, draft: InteractionDraft) -> LoggedInteraction:
        """Record the interaction; a purchase may move the customer to the next stage."""
        clean = self._validate(draft)
        now = self.clock()
        with self.db.unit_of_work() as session:
            customer = load_customer(session, clean.customer_id)
            row = Interaction(customer_id=customer.id, kind=clean.kind,
                              occurred_at=clean.occurred_at, summary=clean.summary,
                              sentiment=clean.sentiment, amount_cents=clean.amount_cents,
                              created_at=now)
            session.add(row)
            touch(customer, clean.occurred_at)
            change_record = None
            if clean.kind == InteractionKind.PURCHASE.value:
                stages = list(session.scalars(select(JourneyStage)))
                target = stage_after_purchase(stage_record(customer.stage),
                                              [stage_record(s) for s in stages])
                if target is not None:
                    stage = next(s for s in stages if s.id == target.id)
                    change = record_stage_change(session, customer, stage, clean.occurred_at,
                                                 StageChangeReason.PURCHASE.value)
                    if change is not None:
                        session.flush()
                        change_record = StageChangeRecord(
                            id=change.id, customer_id=customer.id,
                            from_stage_name=change.from_stage_name,
                            to_stage_name=change.to_stage_name, changed_at=change.changed_at,
                            reason=change.reason)
            follow_up_ids: tuple[int, ...] = ()
            if clean.kind == InteractionKind.PURCHASE.value and purchase_cadence_enabled(session):
                session.flush()  # the follow-ups link to the interaction's id
                follow_up_ids = tuple(apply_after_purchase(
                    session, customer.id, clean.occurred_at.date(), interaction_id=row.id,
                    today=now.date(), now=now))
            customer.updated_at = now
            session.flush()
            return LoggedInteraction(interaction=interaction_record(row),
                                     stage_change=change_record, follow_up_ids=follow_up_ids)

    def for_customer(self, customer_id: int, limit: int | None = None) -> list[InteractionRecord]:
        with self.db.read() as session:
            query = (select(Interaction).where(Interaction.customer_id == customer_id)
                     .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()))
            if limit is not None:
                query = query.limit(limit)
            return [interaction_record(row) for row in session.scalars(query)]
