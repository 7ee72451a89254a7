"""Frozen records the services hand out: plain values, safe to keep in views and across threads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class StageRecord:
    id: int
    name: str
    position: int
    playbook: str = ""
    contact_rhythm_days: int | None = None
    is_lapsed: bool = False
    customer_count: int = 0


@dataclass(frozen=True, slots=True)
class PersonaRecord:
    id: int
    name: str
    decides: str = ""
    asks: str = ""
    motivation: str = ""
    how_to_talk: str = ""
    gesture_ideas: tuple[str, ...] = ()
    customer_count: int = 0


@dataclass(frozen=True, slots=True)
class TagRecord:
    id: int
    name: str
    customer_count: int = 0


@dataclass(frozen=True, slots=True)
class CustomerDraft:
    """What the owner typed into the customer form, before validation."""

    name: str
    kind: str = "person"
    company: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    birthday: date | None = None
    source: str = ""
    referred_by_id: int | None = None
    persona_id: int | None = None
    stage_id: int | None = None  # None: the first stage
    consent_contact: bool = False
    notes: str = ""
    not_pursuing: bool = False
    not_pursuing_reason: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    id: int
    name: str
    kind: str
    company: str
    email: str
    phone: str
    address: str
    birthday: date | None
    source: str
    referred_by_id: int | None
    referred_by_name: str
    persona_id: int | None
    persona_name: str
    stage_id: int
    stage_name: str
    consent_contact: bool
    notes: str
    not_pursuing: bool
    not_pursuing_reason: str
    archived: bool
    created_at: datetime
    updated_at: datetime
    last_contact_at: datetime | None
    next_follow_up_on: date | None
    tags: tuple[str, ...]
    version: int

    def to_draft(self) -> CustomerDraft:
        return CustomerDraft(
            name=self.name, kind=self.kind, company=self.company, email=self.email,
            phone=self.phone, address=self.address, birthday=self.birthday, source=self.source,
            referred_by_id=self.referred_by_id, persona_id=self.persona_id,
            stage_id=self.stage_id, consent_contact=self.consent_contact, notes=self.notes,
            not_pursuing=self.not_pursuing, not_pursuing_reason=self.not_pursuing_reason,
            tags=self.tags)


@dataclass(frozen=True, slots=True)
class CustomerListRow:
    """One line of the customer list: only what its columns show."""

    id: int
    name: str
    company: str
    stage_name: str
    persona_name: str
    tags: str
    last_contact_at: datetime | None
    next_follow_up_on: date | None
    archived: bool
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class CustomerQuery:
    """What the customer list shows: search text, filters and sort order."""

    text: str = ""
    stage_id: int | None = None
    persona_id: int | None = None
    tag_id: int | None = None
    archived: bool = False
    sort: str = "name"  # name, company, stage, persona, tags, last_contact, next_follow_up
    descending: bool = False


@dataclass(frozen=True, slots=True)
class StageChangeRecord:
    id: int
    customer_id: int
    from_stage_name: str
    to_stage_name: str
    changed_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class InteractionDraft:
    customer_id: int
    kind: str
    occurred_at: datetime
    summary: str = ""
    sentiment: str | None = None
    amount_cents: int | None = None


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    id: int
    customer_id: int
    kind: str
    occurred_at: datetime
    summary: str
    sentiment: str | None
    amount_cents: int | None


@dataclass(frozen=True, slots=True)
class LoggedInteraction:
    """The result of logging an interaction: the record and any stage move it caused."""

    interaction: InteractionRecord
    stage_change: StageChangeRecord | None = None
    follow_up_ids: tuple[int, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of a customer's mixed timeline, newest first."""

    # "interaction:<kind>" (e.g. interaction:purchase), gesture, stage, concern, follow_up,
    # feedback; kind.partition(":")[0] is the source table.
    kind: str
    when: datetime
    title: str
    detail: str = ""
    ref_id: int = 0
