"""Customer concerns and how well they were answered, as the services hand them out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True, slots=True)
class ConcernDraft:
    """What the owner typed when logging a concern, before validation."""

    customer_id: int
    kind: str  # a ConcernKind value
    channel: str  # a Channel value
    received_at: datetime
    summary: str


@dataclass(frozen=True, slots=True)
class ConcernRecord:
    id: int
    customer_id: int
    kind: str
    channel: str
    received_at: datetime
    summary: str
    response_due_at: datetime
    responded_at: datetime | None
    response_note: str
    resolved_at: datetime | None
    version: int

    @property
    def answered_in_time(self) -> bool | None:
        """True/False once answered; None while still waiting for an answer."""
        if self.responded_at is None:
            return None
        return self.responded_at <= self.response_due_at

    def is_overdue(self, now: datetime) -> bool:
        return self.responded_at is None and now > self.response_due_at


@dataclass(frozen=True, slots=True)
class ConcernRow:
    """One concern waiting for an answer, with who asked and how long is left."""

    id: int
    customer_id: int
    customer_name: str
    customer_phone: str
    kind: str
    channel: str
    received_at: datetime
    summary: str
    response_due_at: datetime
    # Deadline minus now: negative once overdue.
    time_left: timedelta
    overdue: bool


@dataclass(frozen=True, slots=True)
class MonthShare:
    """How the concerns received in one month were answered; see answered_in_time_by_month."""

    month: date  # the first day of the month
    answered_in_time: int
    answered_late: int
    still_open_overdue: int
    total: int
    share: float | None  # answered_in_time / decided, None when nothing is decided yet

    @property
    def decided(self) -> int:
        return self.answered_in_time + self.answered_late + self.still_open_overdue

    @property
    def pending(self) -> int:
        """Still waiting, and their deadline has not passed yet."""
        return self.total - self.decided
