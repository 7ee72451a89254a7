"""Frozen records of possible duplicates: two customers that look alike, and their history."""

from __future__ import annotations

from dataclasses import dataclass

# Why a pair was found; the list shows these in the owner's words.
REASON_EMAIL = "same email"
REASON_PHONE = "same phone"
REASON_NAME = "similar names"


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two customers that look like the same person; left is the older record."""

    left_id: int
    left_name: str
    right_id: int
    right_name: str
    reason: str  # REASON_EMAIL, REASON_PHONE or REASON_NAME
    score: float  # 0..1, how sure
    left_email: str = ""
    left_phone: str = ""
    right_email: str = ""
    right_phone: str = ""

    @property
    def ids(self) -> frozenset[int]:
        return frozenset((self.left_id, self.right_id))


@dataclass(frozen=True, slots=True)
class HistoryCounts:
    """How much is recorded about one customer, so the owner sees what a merge carries over."""

    interactions: int = 0
    gestures: int = 0
    follow_ups: int = 0
    concerns: int = 0
    feedback: int = 0
    stage_changes: int = 0
    tags: int = 0
    referrals: int = 0
