"""Products and customer feedback as the services hand them out: plain, frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from smallbiz_crm.domain.kinds import FeedbackStatus

# The product filter value meaning "feedback about no particular product" (row ids start at 1).
NO_PRODUCT = 0


@dataclass(frozen=True, slots=True)
class ProductRecord:
    id: int
    name: str
    description: str = ""
    archived: bool = False
    feedback_count: int = 0
    open_count: int = 0  # feedback still new, considered or planned


@dataclass(frozen=True, slots=True)
class FeedbackDraft:
    """What the owner typed into the feedback form, before validation."""

    customer_id: int | None
    product_id: int | None
    kind: str
    text: str
    rating: int | None = None
    received_on: date | None = None


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    """One piece of feedback with the names it is shown with."""

    id: int
    customer_id: int
    customer_name: str
    product_id: int | None
    product_name: str  # "" when it is about no particular product
    kind: str
    text: str
    rating: int | None
    status: str
    received_on: date
    status_changed_at: datetime | None
    customer_told_at: datetime | None
    # The open "tell them" follow-up's due date, if one is waiting.
    tell_them_due_on: date | None = None

    @property
    def is_closed(self) -> bool:
        return FeedbackStatus(self.status).is_closed

    @property
    def owes_news(self) -> bool:
        return self.is_closed and self.customer_told_at is None


@dataclass(frozen=True, slots=True)
class FeedbackFilter:
    """Which feedback to list; None means any. product_id NO_PRODUCT: about no product."""

    product_id: int | None = None
    status: str | None = None
    kind: str | None = None
    customer_id: int | None = None


@dataclass(frozen=True, slots=True)
class FeedbackCount:
    product_id: int | None
    product_name: str
    status: str
    count: int
