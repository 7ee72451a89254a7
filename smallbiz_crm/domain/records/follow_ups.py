"""Follow-ups as the owner drafts them, lists them and the services hand them out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from smallbiz_crm.domain.kinds import FollowUpKind, FollowUpSource

# What one list call returns at most; the page says when there are more.
DEFAULT_LIMIT = 1000


class FollowUpScope(StrEnum):
    OVERDUE = "overdue"
    TODAY = "today"
    THIS_WEEK = "this_week"
    OPEN = "open"
    DONE = "done"  # completed or skipped
    ALL = "all"


@dataclass(frozen=True, slots=True)
class FollowUpDraft:
    """What the owner typed into the follow-up form, before validation."""

    customer_id: int | None
    due_on: date | None
    kind: str = FollowUpKind.CALL.value
    reason: str = ""


@dataclass(frozen=True, slots=True)
class FollowUpRecord:
    id: int
    customer_id: int
    customer_name: str
    due_on: date
    kind: str
    reason: str
    status: str
    completed_at: datetime | None
    outcome: str
    snooze_count: int
    source: str
    cadence_step_id: int | None
    interaction_id: int | None
    feedback_id: int | None
    concern_id: int | None
    created_at: datetime
    version: int

    def to_draft(self) -> FollowUpDraft:
        return FollowUpDraft(customer_id=self.customer_id, due_on=self.due_on, kind=self.kind,
                             reason=self.reason)


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    """One line of a follow-up list, with what the owner needs to make the call."""

    id: int
    customer_id: int
    customer_name: str
    phone: str
    persona_name: str
    persona_hint: str  # the persona's "how to talk to them"
    stage_name: str
    due_on: date
    kind: str
    reason: str
    status: str
    overdue: bool
    outcome: str = ""
    completed_at: datetime | None = None
    snooze_count: int = 0
    source: str = FollowUpSource.MANUAL.value


@dataclass(frozen=True, slots=True)
class FollowUpFilter:
    """Which follow-ups a list shows. Open scopes leave out archived customers."""

    scope: str = FollowUpScope.OPEN.value
    kind: str | None = None
    customer_id: int | None = None
    customer_text: str = ""  # search words matched like the customer search box
    limit: int | None = DEFAULT_LIMIT
    offset: int = 0


@dataclass(frozen=True, slots=True)
class DueSummary:
    overdue: int
    today: int
    this_week: int  # due today or in the next six days (includes today)
