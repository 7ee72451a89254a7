"""Insights records: a period's figures, from the journey to where new customers came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from smallbiz_crm.domain.periods import Period
from smallbiz_crm.domain.records.concerns import MonthShare


@dataclass(frozen=True, slots=True)
class PeriodRange:
    """The months a figure covers: from `start` (a month's first day) up to, not including,
    `end` (the first day of the month after today's); for "all time", from the month of the
    oldest record."""

    period: Period
    start: date
    end: date
    today: date
    months: tuple[date, ...]

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class StageFigure:
    """One journey stage: its customers today and the moves into it during the period."""

    stage_id: int
    name: str
    position: int
    is_lapsed: bool
    customers: int
    moved_up_into: int
    moved_down_into: int


@dataclass(frozen=True, slots=True)
class JourneyFigures:
    stages: tuple[StageFigure, ...]  # in journey order
    customers: int  # not archived
    moved_up: int
    moved_down: int


@dataclass(frozen=True, slots=True)
class ConcernFigures:
    """ConcernService.answered_in_time_by_month over the period's months, and the sums."""

    months: tuple[MonthShare, ...]
    answered_in_time: int
    decided: int  # answered (in time or late) or past their deadline unanswered
    received: int

    @property
    def share(self) -> float | None:
        return self.answered_in_time / self.decided if self.decided else None


@dataclass(frozen=True, slots=True)
class BestCustomer:
    customer_id: int
    name: str
    last_purchase: date
    purchases: int
    money_cents: int
    recency: int  # 1–5
    frequency: int  # 1–5
    monetary: int  # 1–5
    received_gesture: bool  # a gesture given to them in the period

    @property
    def score(self) -> int:
        return self.recency + self.frequency + self.monetary


@dataclass(frozen=True, slots=True)
class BestCustomerFigures:
    customers: tuple[BestCustomer, ...]  # the best first, at most the service's TOP_CUSTOMERS
    scored: int  # customers with a purchase in the period, among whom the fifths are cut

    @property
    def with_gesture(self) -> int:
        return sum(1 for customer in self.customers if customer.received_gesture)


@dataclass(frozen=True, slots=True)
class GestureMonth:
    """Gestures given in one month, and what followed them (GestureService's rules)."""

    month: date
    given: int
    cost_cents: int
    purchases: int
    purchase_cents: int
    referrals: int


@dataclass(frozen=True, slots=True)
class GestureFigures:
    months: tuple[GestureMonth, ...]  # every month of the period, oldest first
    window_days: int
    given: int
    cost_cents: int
    purchases: int
    purchase_cents: int
    referrals: int


@dataclass(frozen=True, slots=True)
class TouchStage:
    stage_id: int
    name: str
    position: int
    is_lapsed: bool
    rhythm_days: int | None
    customers: int  # not archived
    losing_touch: int  # today, by the stage's contact rhythm
    lapsed_from: int  # moved from this stage to a lapsed stage during the period


@dataclass(frozen=True, slots=True)
class TouchFigures:
    stages: tuple[TouchStage, ...]
    losing_touch: int
    lapsed_now: int  # customers at a lapsed stage today (not archived)
    lapsed_in_period: int  # moves to a lapsed stage during the period, from any stage


@dataclass(frozen=True, slots=True)
class GrowthMonth:
    month: date
    new_customers: int  # added in the app (imports left out)
    imported: int
    purchases: int
    revenue_cents: int


@dataclass(frozen=True, slots=True)
class GrowthFigures:
    months: tuple[GrowthMonth, ...]
    new_customers: int
    imported: int
    purchases: int
    revenue_cents: int


@dataclass(frozen=True, slots=True)
class SourceCount:
    source: str  # as typed on the customer; "" when nobody noted it
    customers: int
    referred: int  # of them, with "referred by" naming a customer


@dataclass(frozen=True, slots=True)
class SourceFigures:
    sources: tuple[SourceCount, ...]  # the most customers first
    new_customers: int
    referred: int


@dataclass(frozen=True, slots=True)
class Insights:
    range: PeriodRange
    journey: JourneyFigures
    concerns: ConcernFigures
    best: BestCustomerFigures
    gestures: GestureFigures
    touch: TouchFigures
    growth: GrowthFigures
    sources: SourceFigures
    computed_at: datetime
    seconds: float  # how long computing took
