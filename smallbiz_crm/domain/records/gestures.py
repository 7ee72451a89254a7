"""Frozen gesture records: what was given, to whom, what it cost and what followed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from smallbiz_crm.domain.kinds import GestureKind
from smallbiz_crm.domain.money import format_cents

_KIND_PLURALS = {
    GestureKind.FREEBIE: "Freebies",
    GestureKind.INVITATION: "Invitations",
    GestureKind.GIFT: "Gifts",
    GestureKind.THANK_YOU: "Thank-you notes",
    GestureKind.KINDNESS: "Acts of kindness",
    GestureKind.UPGRADE: "Upgrades",
}
_KIND_ORDER = {kind.value: position for position, kind in enumerate(GestureKind)}


def kind_plural(kind: str) -> str:
    """'invitation' → 'Invitations'; an unknown code reads as itself, tidied."""
    try:
        return _KIND_PLURALS[GestureKind(kind)]
    except ValueError:
        return kind.replace("_", " ").capitalize()


def kind_sort_key(kind: str) -> tuple[int, str]:
    """Kinds in GestureKind order; codes no longer known go last, alphabetically."""
    return _KIND_ORDER.get(kind, len(_KIND_ORDER)), kind


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


@dataclass(frozen=True, slots=True)
class GestureDraft:
    """What the owner typed: one gesture, for one customer or for several at once."""

    customer_ids: tuple[int, ...]
    kind: str
    given_on: date | None
    description: str
    cost_cents: int | None = 0
    occasion: str = ""
    outcome: str = ""


@dataclass(frozen=True, slots=True)
class GestureRecord:
    id: int
    customer_id: int
    kind: str
    given_on: date
    description: str
    cost_cents: int
    occasion: str
    outcome: str
    batch_key: str | None
    created_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class GestureRow:
    """One line of the gesture list: the gesture and whose it is."""

    id: int
    customer_id: int
    customer_name: str
    kind: str
    given_on: date
    description: str
    cost_cents: int
    occasion: str
    outcome: str
    batch_key: str | None


@dataclass(frozen=True, slots=True)
class GestureFilter:
    """Which gestures to list or total. Stage is the customer's current stage; `text` searches
    the customers (name, company, email, phone, notes) like the customer list does."""

    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    customer_id: int | None = None
    stage_id: int | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class MonthSpend:
    month: date  # the first day of the month
    given: int
    cost_cents: int


@dataclass(frozen=True, slots=True)
class KindSpend:
    kind: str
    given: int
    cost_cents: int


@dataclass(frozen=True, slots=True)
class GestureTotals:
    given: int
    cost_cents: int
    by_month: tuple[MonthSpend, ...]  # oldest first, only months with gestures
    by_kind: tuple[KindSpend, ...]  # in GestureKind order, only kinds given


@dataclass(frozen=True, slots=True)
class Followed:
    """What followed one gesture within the window (see GestureService.what_followed)."""

    purchases: int = 0
    purchase_cents: int = 0
    referrals: int = 0
    moved_up: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.purchases or self.referrals or self.moved_up)

    def summary(self) -> str:
        """'2 purchases · 150.00 · 1 referral · moved up'; '' when nothing followed."""
        parts = []
        if self.purchases:
            parts.append(_plural(self.purchases, "purchase", "purchases"))
            parts.append(format_cents(self.purchase_cents))
        if self.referrals:
            parts.append(_plural(self.referrals, "referral", "referrals"))
        if self.moved_up:
            parts.append("moved up" if self.moved_up == 1
                         else f"moved up {self.moved_up:,} stages")
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class KindSummary:
    """One gesture kind over a filter: what was given, what it cost and what followed."""

    kind: str
    given: int
    cost_cents: int
    purchases: int
    purchase_cents: int
    referrals: int
    moved_up: int

    def describe(self) -> str:
        """'Invitations: 14 given, cost 420.00, followed by 9 purchases worth 3,150.00 and
        3 referrals'."""
        head = (f"{kind_plural(self.kind)}: {self.given:,} given, "
                f"cost {format_cents(self.cost_cents)}")
        parts = []
        if self.purchases:
            parts.append(f"{_plural(self.purchases, 'purchase', 'purchases')} worth "
                         f"{format_cents(self.purchase_cents)}")
        if self.referrals:
            parts.append(_plural(self.referrals, "referral", "referrals"))
        if self.moved_up:
            parts.append(_plural(self.moved_up, "move up", "moves up") + " the journey")
        if not parts:
            return f"{head}, nothing followed yet"
        followed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"{head}, followed by {followed}"
