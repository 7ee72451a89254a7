"""What the profile shows of one customer, read at once: who they are, their journey, timeline."""

from __future__ import annotations

from dataclasses import dataclass

from smallbiz_crm.domain.records.customers import (
    CustomerRecord,
    PersonaRecord,
    StageChangeRecord,
    StageRecord,
    TimelineEntry,
)


@dataclass(frozen=True, slots=True)
class CustomerLink:
    """Enough of another customer to name them and open their profile."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ProfileData:
    """Everything the profile panel shows about one customer."""

    customer: CustomerRecord
    persona: PersonaRecord | None
    stage: StageRecord
    history: tuple[StageChangeRecord, ...]  # newest first
    referrals: tuple[CustomerLink, ...]  # customers this one referred, by name
    gesture_count: int
    gesture_total_cents: int
    timeline: tuple[TimelineEntry, ...]  # newest first
