"""Cadence templates and their steps, as the owner drafts them and the services hand them out."""

from __future__ import annotations

from dataclasses import dataclass, field

from smallbiz_crm.domain.kinds import CadenceTrigger


@dataclass(frozen=True, slots=True)
class CadenceStepDraft:
    offset_days: int
    kind: str
    reason: str
    needs_consent: bool = False
    id: int | None = None  # an existing step keeps its id, so its follow-ups stay linked


@dataclass(frozen=True, slots=True)
class CadenceDraft:
    name: str
    trigger: str = CadenceTrigger.MANUAL.value
    active: bool = True
    steps: tuple[CadenceStepDraft, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class CadenceStepRecord:
    id: int
    position: int
    offset_days: int
    kind: str
    reason: str
    needs_consent: bool

    def to_draft(self) -> CadenceStepDraft:
        return CadenceStepDraft(offset_days=self.offset_days, kind=self.kind,
                                reason=self.reason, needs_consent=self.needs_consent, id=self.id)


@dataclass(frozen=True, slots=True)
class CadenceRecord:
    id: int
    name: str
    trigger: str
    active: bool
    steps: tuple[CadenceStepRecord, ...]
    version: int

    def to_draft(self) -> CadenceDraft:
        return CadenceDraft(name=self.name, trigger=self.trigger, active=self.active,
                            steps=tuple(step.to_draft() for step in self.steps))
