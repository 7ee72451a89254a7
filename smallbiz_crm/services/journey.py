"""Journey stages: the owner's own ordered list, with playbooks and a dated history per customer."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, literal, select, update

from smallbiz_crm.domain.kinds import StageChangeReason
from smallbiz_crm.domain.records.customers import StageChangeRecord, StageRecord
from smallbiz_crm.domain.validation import Collector, ValidationError, check_name
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.names import clashing_id
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Customer, JourneyStage, StageChange


def stage_record(stage: JourneyStage, customer_count: int = 0) -> StageRecord:
    return StageRecord(id=stage.id, name=stage.name, position=stage.position,
                       playbook=stage.playbook, contact_rhythm_days=stage.contact_rhythm_days,
                       is_lapsed=stage.is_lapsed, customer_count=customer_count)


class JourneyService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    def stages(self, with_counts: bool = True) -> list[StageRecord]:
        """The stages in order; counting customers scans them all, so lists skip it."""
        with self.db.read() as session:
            counts: dict[int, int] = {} if not with_counts else {
                stage_id: count for stage_id, count in session.execute(
                    select(Customer.stage_id, func.count()).where(Customer.archived.is_(False))
                    .group_by(Customer.stage_id))}
            return [stage_record(stage, counts.get(stage.id, 0)) for stage in
                    session.scalars(select(JourneyStage).order_by(JourneyStage.position))]

    def _check(self, name: str, rhythm: int | None, stage_id: int | None) -> str:
        errors = Collector()
        clean = check_name(name, errors, label="Stage name")
        if rhythm is not None and not 1 <= rhythm <= 3650:
            errors.add("contact_rhythm_days", "The contact rhythm is a number of days, 1–3650.")
        with self.db.read() as session:
            clash = clashing_id(session, JourneyStage, clean)
        if clash is not None and clash != stage_id:
            errors.add("name", f"There is already a stage called '{clean}'.")
        errors.raise_if_any()
        return clean

    def add(self, name: str, playbook: str = "", contact_rhythm_days: int | None = None,
            is_lapsed: bool = False) -> StageRecord:
        clean = self._check(name, contact_rhythm_days, None)
        with self.db.unit_of_work() as session:
            last = session.scalar(select(func.max(JourneyStage.position))) or 0
            stage = JourneyStage(name=clean, position=last + 1, playbook=playbook.strip(),
                                 contact_rhythm_days=contact_rhythm_days, is_lapsed=is_lapsed)
            session.add(stage)
            session.flush()
            return stage_record(stage)

    def edit(self, stage_id: int, name: str, playbook: str,
             contact_rhythm_days: int | None) -> StageRecord:
        clean = self._check(name, contact_rhythm_days, stage_id)
        with self.db.unit_of_work() as session:
            stage = session.get(JourneyStage, stage_id)
            if stage is None:
                raise NotFoundError("That journey stage no longer exists.")
            stage.name = clean
            stage.playbook = playbook.strip()
            stage.contact_rhythm_days = contact_rhythm_days
            session.flush()
            return stage_record(stage)

    def reorder(self, stage_ids: Sequence[int]) -> None:
        """Give the stages the order of `stage_ids` (every stage must be listed once)."""
        with self.db.unit_of_work() as session:
            stages = {stage.id: stage for stage in session.scalars(select(JourneyStage))}
            if sorted(stage_ids) != sorted(stages):
                raise ValidationError.single("stages", "List every stage exactly once.")
            for position, stage_id in enumerate(stage_ids):
                stages[stage_id].position = position

    def remove(self, stage_id: int, move_customers_to: int | None = None) -> None:
        """Delete a stage; its customers move to another stage, each move dated in history."""
        now = self.clock()
        with self.db.unit_of_work() as session:
            stage = session.get(JourneyStage, stage_id)
            if stage is None:
                raise NotFoundError("That journey stage no longer exists.")
            count = session.scalar(select(func.count()).select_from(Customer)
                                   .where(Customer.stage_id == stage_id)) or 0
            if session.scalar(select(func.count()).select_from(JourneyStage)) == 1:
                raise ValidationError.single("stage", "The journey needs at least one stage.")
            if count:
                target = (session.get(JourneyStage, move_customers_to)
                          if move_customers_to is not None else None)
                if target is None or target.id == stage_id:
                    raise ValidationError.single(
                        "move_to", f"{count} customers are at '{stage.name}': choose the "
                        "stage to move them to.")
                # Set-based: a stage can hold tens of thousands of customers.
                session.execute(
                    insert(StageChange).from_select(
                        ["customer_id", "from_stage_id", "to_stage_id", "from_stage_name",
                         "to_stage_name", "changed_at", "reason"],
                        select(Customer.id, Customer.stage_id, literal(target.id),
                               literal(stage.name), literal(target.name), literal(now),
                               literal(StageChangeReason.STAGE_REMOVED.value))
                        .where(Customer.stage_id == stage_id)))
                session.execute(update(Customer).where(Customer.stage_id == stage_id)
                                .values(stage_id=target.id, version=Customer.version + 1)
                                .execution_options(synchronize_session=False))
            session.delete(stage)

    def history(self, customer_id: int) -> list[StageChangeRecord]:
        with self.db.read() as session:
            return [StageChangeRecord(id=c.id, customer_id=c.customer_id,
                                      from_stage_name=c.from_stage_name,
                                      to_stage_name=c.to_stage_name, changed_at=c.changed_at,
                                      reason=c.reason)
                    for c in session.scalars(select(StageChange)
                                             .where(StageChange.customer_id == customer_id)
                                             .order_by(StageChange.changed_at.desc(),
                                                       StageChange.id.desc()))]
