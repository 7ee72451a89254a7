"""Concern records: how one month's concerns were answered against the one-business-day rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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
