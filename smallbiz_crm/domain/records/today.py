"""Frozen records of the Today page and its notifications: a cut list, a birthday, an alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Section(Generic[T]):
    """The first rows of a list and how many there are in all."""

    rows: tuple[T, ...]
    total: int

    @property
    def more(self) -> int:
        """How many are left out of `rows`."""
        return max(0, self.total - len(self.rows))

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, slots=True)
class BirthdayRow:
    customer_id: int
    name: str
    phone: str
    born_on: date
    on: date  # the day it is celebrated this time; 29 February is 28 February in common years
    turns: int  # the age they turn on `on`
    days_away: int  # 0 today, 1 tomorrow…


class AlertKind(StrEnum):
    FOLLOW_UP = "follow_up"
    CONCERN = "concern"


@dataclass(frozen=True, slots=True)
class Alert:
    """A follow-up or concern deadline that came due, for a notification."""

    kind: str  # an AlertKind value
    ref_id: int  # the follow-up's or the concern's id
    customer_id: int
    customer_name: str
    title: str
    message: str
    due_at: datetime  # the moment it came due

    @property
    def key(self) -> tuple[str, int, datetime]:
        # With the moment: a follow-up snoozed to another day is worth a new alert then.
        return (self.kind, self.ref_id, self.due_at)
