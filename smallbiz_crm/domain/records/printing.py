"""Frozen records of the printouts (relationship summary, checklist) and of results entered back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from smallbiz_crm.domain.records.customers import CustomerRecord, PersonaRecord


@dataclass(frozen=True, slots=True)
class StageStep:
    """One move along the journey, in plain words ("After a purchase")."""

    changed_at: datetime
    from_stage: str  # "" for the first stage a customer started at
    to_stage: str
    why: str


@dataclass(frozen=True, slots=True)
class InteractionLine:
    occurred_at: datetime
    kind: str  # a label: "Purchase"
    summary: str
    sentiment: str = ""  # a label: "Delighted"
    amount: str = ""  # formatted money, "" when there is none


@dataclass(frozen=True, slots=True)
class GestureLine:
    given_on: date
    kind: str  # a label: "Thank-you note"
    description: str
    occasion: str
    cost_cents: int
    outcome: str


@dataclass(frozen=True, slots=True)
class FeedbackLine:
    received_on: date
    kind: str  # a label: "Idea"
    product: str
    text: str
    status: str  # a label: "Planned"
    told_on: date | None
    # The customer still waits to hear what became of it: open, or closed but not told yet.
    waiting: bool


@dataclass(frozen=True, slots=True)
class ConcernLine:
    received_at: datetime
    kind: str  # a label: "Complaint by phone"
    summary: str
    due_at: datetime
    answered: bool
    overdue: bool  # not answered and past its response deadline


@dataclass(frozen=True, slots=True)
class FollowUpLine:
    due_on: date
    kind: str  # a label: "Call"
    reason: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class SummaryData:
    """Everything the one-look relationship summary prints about one customer."""

    shop_name: str
    printed_at: datetime
    paper_size: str  # "A4" or "Letter"
    customer: CustomerRecord
    persona: PersonaRecord | None
    stage_since: datetime | None
    history: tuple[StageStep, ...]  # oldest first: it reads as a story
    referrals: tuple[str, ...]
    open_concerns: tuple[ConcernLine, ...]  # oldest first: the most urgent
    follow_ups: tuple[FollowUpLine, ...]  # open ones, soonest first
    next_birthday: date | None  # only when within domain.printing.BIRTHDAY_WINDOW_DAYS
    last_told: InteractionLine | None  # the newest interaction with something written down
    interactions: tuple[InteractionLine, ...]  # the most recent, newest first
    interaction_count: int  # all of them, shown or not
    gestures: tuple[GestureLine, ...]  # newest first
    gesture_total_cents: int
    feedback: tuple[FeedbackLine, ...]  # newest first

    @property
    def feedback_waiting(self) -> tuple[FeedbackLine, ...]:
        return tuple(line for line in self.feedback if line.waiting)


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One numbered line of the printed checklist: who to contact, why, and what to know."""

    number: int
    follow_up_id: int
    customer_id: int
    customer_name: str
    company: str
    phone: str
    email: str
    due_on: date
    overdue: bool
    kind: str  # a label: "Call"
    reason: str
    last_interaction_on: date | None
    last_interaction: str  # "Call: asked about the new novels"
    open_concern: str
    persona_hint: str  # the first sentence of the persona's "how to talk to them"
    status: str = "open"


@dataclass(frozen=True, slots=True)
class ChecklistGroup:
    day: date | None  # None: the overdue items
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True, slots=True)
class ChecklistData:
    """A printed follow-up checklist: overdue items first, then one group per day."""

    shop_name: str
    printed_at: datetime
    paper_size: str  # "A4" or "Letter"
    date_from: date
    date_to: date
    groups: tuple[ChecklistGroup, ...]

    @property
    def items(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for group in self.groups for item in group.items)

    def item(self, number: int) -> ChecklistItem | None:
        for group in self.groups:
            for item in group.items:
                if item.number == number:
                    return item
        return None


class ChecklistAction(StrEnum):
    DONE = "done"
    SNOOZE = "snooze"  # to the next business day
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class EnteredResult:
    """One checklist result written back, with what the follow-up was before (for undo)."""

    number: int
    follow_up_id: int
    customer_id: int
    customer_name: str
    action: ChecklistAction
    note: str
    snoozed_to: date | None
    previous_status: str
    previous_due_on: date
    previous_snooze_count: int
    previous_reason: str
    previous_outcome: str
    previous_completed_at: datetime | None
