"""Insights figures on hand-built data: every number asserted was worked out by hand.

The shop below is written row by row (customers, stage changes, purchases, gestures,
concerns), so each figure's inputs are exactly what the comments say. "Now" is Friday
2026-11-20 10:00; the default stages are Prospect 0 (contact rhythm 21 days), First purchase 1
(30), Repeat 2 (45), Loyal 3 (60), Advocate 4 (45), Lapsed 5 (120, lapsed).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from smallbiz_crm.domain.periods import Period, add_months, months_between
from smallbiz_crm.domain.records.gestures import GestureFilter
from smallbiz_crm.domain.records.insights import BestCustomer, SourceCount
from smallbiz_crm.services.concerns import ConcernService
from smallbiz_crm.services.gestures import GestureService
from smallbiz_crm.services.insights import InsightsCancelled, InsightsService
from smallbiz_crm.services.touch import StayingInTouchService
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import (
    Concern,
    Customer,
    Gesture,
    ImportBatch,
    Interaction,
    JourneyStage,
    StageChange,
)

NOW = datetime(2026, 11, 20, 10, 0)
TODAY = NOW.date()


def clock() -> datetime:
    return NOW


@pytest.fixture
def insights(db: Database) -> InsightsService:
    return InsightsService(db, clock)


def stage_ids(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {s.name: s.id for s in session.scalars(select(JourneyStage))}


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour)


@dataclass
class Shop:
    ids: dict[str, int]  # customer name → id
    stages: dict[str, int]  # stage name → id


@pytest.fixture
def shop(db: Database) -> Shop:
    stages = stage_ids(db)
    with db.unit_of_work() as session:
        batch = ImportBatch(imported_at=at("2026-09-10"), source="csv", file_name="old.csv")
        session.add(batch)
        session.flush()

        def customer(name: str, stage: str, created: str, source: str = "",
                     last_contact: str | None = None, **extra: object) -> Customer:
            row = Customer(name=name, stage_id=stages[stage], created_at=at(created),
                           updated_at=at(created), source=source,
                           last_contact_at=at(last_contact) if last_contact else None,
                           **extra)
            session.add(row)
            session.flush()
            return row

        ada = customer("Ada", "Loyal", "2025-06-10", "Walk-in", "2026-11-01")
        ben = customer("Ben", "Repeat", "2026-09-05", "Instagram", "2026-09-20")
        cat = customer("Cat", "First purchase", "2026-10-02", "Referral", None,
                       referred_by_id=ada.id)
        dan = customer("Dan", "Prospect", "2026-11-15", "walk-in ", None)
        eve = customer("Eve", "Lapsed", "2025-01-10", "", "2026-05-01")
        fay = customer("Fay", "Loyal", "2026-10-20", "Instagram", "2026-11-01", archived=True)
        gus = customer("Gus", "Prospect", "2026-09-10", "Walk-in", None,
                       import_batch_id=batch.id)
        hal = customer("Hal", "Repeat", "2026-02-01", "", "2026-03-01", not_pursuing=True)
        ivy = customer("Ivy", "Prospect", "2026-11-02", "Walk-in", "2026-11-02")

        def change(who: Customer, before: str | None, after: str | None, day: str,
                   reason: str = "manual") -> None:
            session.add(StageChange(
                customer_id=who.id, from_stage_id=stages[before] if before else None,
                to_stage_id=stages[after] if after else None, from_stage_name=before or "",
                to_stage_name=after or "", changed_at=at(day), reason=reason))

        change(ada, "Repeat", "Loyal", "2026-09-15")                           # up
        change(ben, None, "Prospect", "2026-09-05", "created")                 # bookkeeping
        change(ben, "Prospect", "First purchase", "2026-09-10", "purchase")    # up
        change(ben, "First purchase", "Repeat", "2026-10-01", "purchase")      # up
        change(eve, "Loyal", "Lapsed", "2026-10-15")                           # down, a lapse
        change(cat, "Prospect", "Repeat", "2026-10-05")                        # up
        change(cat, "Repeat", "First purchase", "2026-10-20")                  # down
        change(hal, "Lapsed", "Repeat", "2026-09-20")                          # up: came back
        change(gus, None, "Prospect", "2026-09-10", "import")                  # bookkeeping
        change(eve, "Repeat", "Loyal", "2026-03-01")                           # up, before Sep
        change(dan, None, "Prospect", "2026-10-01", "stage_removed")           # bookkeeping
        change(dan, "Prospect", None, "2026-11-01")                            # stage gone: ?
        change(ivy, "Prospect", "Prospect", "2026-11-03")                      # no move

        def purchase(who: Customer, day: str, cents: int | None, hour: int = 10) -> None:
            session.add(Interaction(customer_id=who.id, kind="purchase",
                                    occurred_at=at(day, hour), amount_cents=cents,
                                    created_at=at(day)))

        purchase(ada, "2026-09-03", 10000)
        purchase(ada, "2026-10-10", 5000)
        purchase(ada, "2026-11-18", 2000)
        purchase(ben, "2026-09-10", 3000)
        purchase(ben, "2026-10-01", 3000, hour=18)
        purchase(cat, "2026-10-05", 20000)
        purchase(eve, "2026-05-01", 8000)
        purchase(fay, "2026-11-01", 50000)
        purchase(hal, "2026-08-31", 1000, hour=23)
        purchase(dan, "2026-11-19", None)
        session.add(Interaction(customer_id=ada.id, kind="call", occurred_at=at("2026-11-01"),
                                amount_cents=9999, created_at=at("2026-11-01")))

        def gesture(who: Customer, day: str, kind: str, cents: int) -> None:
            session.add(Gesture(customer_id=who.id, kind=kind, given_on=date.fromisoformat(day),
                                description="x", cost_cents=cents, created_at=at(day)))

        gesture(ada, "2026-09-02", "gift", 1500)
        gesture(ada, "2026-09-20", "thank_you", 100)
        gesture(dan, "2026-11-10", "freebie", 500)
        gesture(cat, "2026-08-15", "invitation", 300)
        gesture(ben, "2026-10-01", "thank_you", 200)

        def concern(who: Customer, received: datetime, due: datetime,
                    responded: datetime | None) -> None:
            session.add(Concern(customer_id=who.id, received_at=received, response_due_at=due,
                                responded_at=responded, summary="?"))

        concern(ada, at("2026-09-14"), at("2026-09-15", 23), at("2026-09-15", 9))  # in time
        concern(ben, at("2026-10-02", 16), at("2026-10-05", 23), at("2026-10-07"))  # late
        concern(cat, at("2026-11-18", 9), at("2026-11-19", 23), None)  # overdue at now
        concern(dan, at("2026-11-20", 8), at("2026-11-23", 23), None)  # still pending
        concern(eve, at("2026-11-02", 9), at("2026-11-03", 23), at("2026-11-03", 12))  # in time
        ids = {row.name: row.id for row in (ada, ben, cat, dan, eve, fay, gus, hal, ivy)}
    return Shop(ids=ids, stages=stages)


# -- periods ----------------------------------------------------------------------------------

def test_periods_are_whole_months_up_to_this_one(insights: InsightsService) -> None:
    three = insights.period_range(Period.LAST_3_MONTHS)
    assert (three.start, three.end, three.last_day) == (
        date(2026, 9, 1), date(2026, 12, 1), date(2026, 11, 30))
    assert three.months == (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1))
    # 12 months back from November 2026: December 2025 … November 2026.
    twelve = insights.period_range("12m")
    assert twelve.start == date(2025, 12, 1) and len(twelve.months) == 12
    assert insights.period_range("6m").start == date(2026, 6, 1)
    # An empty shop: "all time" is this month alone.
    assert insights.period_range(Period.ALL).months == (date(2026, 11, 1),)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert months_between(date(2025, 12, 15), date(2026, 1, 3)) == (
        date(2025, 12, 1), date(2026, 1, 1))
    with pytest.raises(ValueError):
        insights.period_range("2y")


def test_all_time_starts_with_the_oldest_record(insights: InsightsService, shop: Shop) -> None:
    rng = insights.period_range(Period.ALL)
    # Eve, added 2025-01-10, is the oldest record: January 2025 … November 2026 = 23 months.
    assert rng.start == date(2025, 1, 1) and len(rng.months) == 23


# -- journey ----------------------------------------------------------------------------------

def test_customers_per_stage_and_moves(insights: InsightsService, shop: Shop) -> None:
    journey = insights.journey(insights.period_range("3m"))
    by_name = {s.name: s for s in journey.stages}
    # Not archived: Prospect Dan, Gus, Ivy = 3; First purchase Cat = 1; Repeat Ben, Hal = 2;
    # Loyal Ada = 1 (Fay is archived); Advocate 0; Lapsed Eve = 1. 8 in all.
    assert [(s.name, s.customers) for s in journey.stages] == [
        ("Prospect", 3), ("First purchase", 1), ("Repeat", 2), ("Loyal", 1), ("Advocate", 0),
        ("Lapsed", 1)]
    assert journey.customers == 8
    # Since 1 September, bookkeeping rows (created, import, stage_removed) left out:
    #   up:   Ada Repeat→Loyal, Ben Prospect→First, Ben First→Repeat, Cat Prospect→Repeat,
    #         Hal Lapsed→Repeat                                                     = 5
    #   down: Eve Loyal→Lapsed, Cat Repeat→First                                    = 2
    #   neither: Dan Prospect→(a removed stage), Ivy Prospect→Prospect.
    assert (journey.moved_up, journey.moved_down) == (5, 2)
    assert by_name["First purchase"].moved_up_into == 1
    assert by_name["Repeat"].moved_up_into == 3
    assert by_name["Loyal"].moved_up_into == 1
    assert by_name["First purchase"].moved_down_into == 1
    assert by_name["Lapsed"].moved_down_into == 1
    # Twelve months add Eve Repeat→Loyal on 2026-03-01: 6 up.
    assert insights.journey(insights.period_range("12m")).moved_up == 6


# -- concerns ---------------------------------------------------------------------------------

def test_concerns_answered_in_time_per_month(insights: InsightsService, shop: Shop,
                                             db: Database) -> None:
    figures = insights.concerns(insights.period_range("3m"))
    # Sep: Ada's, answered in time: 1 of 1. Oct: Ben's, answered late: 0 of 1.
    # Nov: Eve's in time, Cat's overdue unanswered, Dan's still within its deadline:
    #      1 of 2 decided, 3 received.
    assert [(m.month.month, m.answered_in_time, m.decided, m.total, m.share)
            for m in figures.months] == [(9, 1, 1, 1, 1.0), (10, 0, 1, 1, 0.0),
                                         (11, 1, 2, 3, 0.5)]
    # In all: 2 in time of 4 decided = 50 %, 5 received.
    assert (figures.answered_in_time, figures.decided, figures.received) == (2, 4, 5)
    assert figures.share == 0.5
    # The same numbers the Concerns page counts.
    assert list(figures.months) == ConcernService(db, clock).answered_in_time_by_month(
        months=3, now=NOW)


# -- best customers ---------------------------------------------------------------------------

def test_best_customers_by_recency_frequency_money(insights: InsightsService,
                                                   shop: Shop) -> None:
    best = insights.best_customers(insights.period_range("3m"))
    # Scored: customers not archived with a purchase since 1 September: Ada, Ben, Cat, Dan
    # (Fay is archived; Eve's and Hal's purchases are older). N = 4; part = 1 + ⌊5·below/4⌋.
    #   recency (last purchase): Ben 10-01 < Cat 10-05 < Ada 11-18 < Dan 11-19
    #       below 0, 1, 2, 3 → R: Ben 1, Cat 2, Ada 3, Dan 4
    #   frequency: Cat 1 = Dan 1 < Ben 2 < Ada 3
    #       below 0, 0, 2, 3 → F: Cat 1, Dan 1, Ben 3, Ada 4
    #   money: Dan 0 (no amount) < Ben 60.00 < Ada 170.00 < Cat 200.00
    #       below 0, 1, 2, 3 → M: Dan 1, Ben 2, Ada 3, Cat 4
    #   score: Ada 3+4+3 = 10, Cat 2+1+4 = 7, Ben 1+3+2 = 6, Dan 4+1+1 = 6 (Ben first: money)
    # Gestures since 1 September: Ada (09-02), Ben (10-01), Dan (11-10); Cat's was in August.
    ids = shop.ids
    assert best.scored == 4
    assert best.customers == (
        BestCustomer(ids["Ada"], "Ada", date(2026, 11, 18), 3, 17000, 3, 4, 3, True),
        BestCustomer(ids["Cat"], "Cat", date(2026, 10, 5), 1, 20000, 2, 1, 4, False),
        BestCustomer(ids["Ben"], "Ben", date(2026, 10, 1), 2, 6000, 1, 3, 2, True),
        BestCustomer(ids["Dan"], "Dan", date(2026, 11, 19), 1, 0, 4, 1, 1, True))
    assert [c.score for c in best.customers] == [10, 7, 6, 6]
    assert best.with_gesture == 3
    # The top two only.
    assert [c.name for c in insights.best_customers(insights.period_range("3m"), 2).customers
            ] == ["Ada", "Cat"]


def test_best_customers_over_twelve_months(insights: InsightsService, shop: Shop) -> None:
    best = insights.best_customers(insights.period_range("12m"))
    # Add Eve (05-01, 1, 80.00) and Hal (08-31, 1, 10.00): N = 6, part = 1 + ⌊5·below/6⌋.
    #   recency: Eve 05-01 < Hal 08-31 < Ben 10-01 < Cat 10-05 < Ada 11-18 < Dan 11-19
    #       below 0..5 → 1, 1, 2, 3, 4, 5
    #   frequency: Cat = Dan = Eve = Hal 1 (below 0 → 1), Ben 2 (below 4 → 4), Ada 3 (5 → 5)
    #   money: Dan 0 < Hal 10 < Ben 60 < Eve 80 < Ada 170 < Cat 200 → 1, 1, 2, 3, 4, 5
    #   score: Ada 4+5+4 = 13, Ben 2+4+2 = 8, Cat 3+1+5 = 9, Dan 5+1+1 = 7,
    #          Eve 1+1+3 = 5, Hal 1+1+1 = 3
    assert [(c.name, c.recency, c.frequency, c.monetary, c.score) for c in best.customers] == [
        ("Ada", 4, 5, 4, 13), ("Cat", 3, 1, 5, 9), ("Ben", 2, 4, 2, 8), ("Dan", 5, 1, 1, 7),
        ("Eve", 1, 1, 3, 5), ("Hal", 1, 1, 1, 3)]
    # Cat's August invitation now falls in the period: all four with gestures got one.
    assert best.with_gesture == 4


# -- gestures ---------------------------------------------------------------------------------

def test_gesture_spend_and_what_followed_per_month(insights: InsightsService, shop: Shop,
                                                   db: Database) -> None:
    figures = insights.gesture_figures(insights.period_range("3m"))
    # Sep: Ada's gift (09-02, 15.00) and thank-you (09-20, 1.00): 2 given, 16.00.
    #   What followed (a day after, up to 90 days): (09-02, 12-19] for either. Ada's
    #   purchases 09-03, 10-10, 11-18 = 3, 170.00, each once although 10-10 and 11-18
    #   followed both; Cat, referred by Ada, added 10-02: 1 referral.
    # Oct: Ben's thank-you (10-01, 2.00): his purchase that same day does not count: 0.
    # Nov: Dan's freebie (11-10, 5.00): his purchase 11-19, no amount: 1, 0.00.
    assert [(m.month.month, m.given, m.cost_cents, m.purchases, m.purchase_cents, m.referrals)
            for m in figures.months] == [(9, 2, 1600, 3, 17000, 1), (10, 1, 200, 0, 0, 0),
                                         (11, 1, 500, 1, 0, 0)]
    assert (figures.given, figures.cost_cents, figures.purchases, figures.purchase_cents,
            figures.referrals, figures.window_days) == (4, 2300, 4, 17000, 1, 90)
    # GestureService's own numbers: the same spend per month, and, for a month of one kind
    # (November, one freebie), the same purchases that followed.
    totals = GestureService(db, clock).totals(GestureFilter(date_from=date(2026, 9, 1),
                                                            date_to=date(2026, 11, 30)))
    assert [(m.given, m.cost_cents) for m in totals.by_month] == [
        (m.given, m.cost_cents) for m in figures.months]
    (freebies,) = GestureService(db, clock).followed_by_kind(
        GestureFilter(date_from=date(2026, 11, 1), date_to=date(2026, 11, 30)))
    assert (freebies.purchases, freebies.purchase_cents, freebies.referrals) == (1, 0, 0)
    with pytest.raises(ValueError):
        insights.gesture_figures(insights.period_range("3m"), window_days=30)


def test_gestures_over_twelve_months_include_august(insights: InsightsService,
                                                   shop: Shop) -> None:
    figures = insights.gesture_figures(insights.period_range("12m"))
    august = next(m for m in figures.months if m.month == date(2026, 8, 1))
    # Cat's invitation 08-15 (3.00): her purchase 10-05 (200.00) is within 90 days.
    assert (august.given, august.cost_cents, august.purchases, august.purchase_cents) == (
        1, 300, 1, 20000)
    assert (figures.given, figures.cost_cents, figures.purchases) == (5, 2600, 5)


# -- staying in touch -------------------------------------------------------------------------

def test_losing_touch_and_lapsed_per_stage(insights: InsightsService, shop: Shop,
                                           db: Database) -> None:
    touch = insights.touch(insights.period_range("3m"))
    # Cutoffs today - rhythm: Prospect 10-30, First 10-21, Repeat 10-06, Loyal 09-21,
    # Lapsed 07-23. Last contact (or added):
    #   Gus (Prospect) 09-10 < 10-30 → losing; Dan 11-15, Ivy 11-02 → not.
    #   Cat (First) 10-02 < 10-21 → losing.   Ben (Repeat) 09-20 < 10-06 → losing.
    #   Hal (Repeat) 03-01 but not pursued → left out.   Ada (Loyal) 11-01 → not;
    #   Fay is archived.   Eve (Lapsed) 05-01 < 07-23 → losing.
    assert [(s.name, s.losing_touch) for s in touch.stages] == [
        ("Prospect", 1), ("First purchase", 1), ("Repeat", 1), ("Loyal", 0), ("Advocate", 0),
        ("Lapsed", 1)]
    assert touch.losing_touch == 4
    # Lapsed today: Eve. Lapsed during the period: Eve, from Loyal on 10-15.
    assert (touch.lapsed_now, touch.lapsed_in_period) == (1, 1)
    assert [(s.name, s.lapsed_from) for s in touch.stages if s.lapsed_from] == [("Loyal", 1)]
    # The Today page's rule gives the same customers.
    staying = StayingInTouchService(db, clock)
    assert staying.count_losing_touch(TODAY) == 4
    assert Counter(row.stage for row in staying.losing_touch(TODAY, limit=None)) == Counter(
        {s.name: s.losing_touch for s in touch.stages if s.losing_touch})


# -- growth and sources -----------------------------------------------------------------------

def test_new_customers_and_revenue_per_month(insights: InsightsService, shop: Shop) -> None:
    growth = insights.growth(insights.period_range("3m"))
    # New: Sep Ben (Gus was imported); Oct Cat, Fay (archived since, still new then);
    # Nov Dan, Ivy. Revenue: Sep Ada 100 + Ben 30 = 130.00 (2); Oct Ada 50 + Ben 30 +
    # Cat 200 = 280.00 (3); Nov Ada 20 + Fay 500 + Dan's no-amount purchase = 520.00 (3).
    # Hal's purchase at 23:00 on 31 August is outside; Ada's call does not count.
    assert [(m.month.month, m.new_customers, m.imported, m.purchases, m.revenue_cents)
            for m in growth.months] == [(9, 1, 1, 2, 13000), (10, 2, 0, 3, 28000),
                                        (11, 2, 0, 3, 52000)]
    assert (growth.new_customers, growth.imported, growth.purchases, growth.revenue_cents) == (
        5, 1, 8, 93000)
    twelve = insights.growth(insights.period_range("12m"))
    # Add Hal (new in February) and Eve's May and Hal's August purchases: 8000 + 1000.
    assert (twelve.new_customers, twelve.purchases, twelve.revenue_cents) == (6, 10, 102000)


def test_where_new_customers_came_from(insights: InsightsService, shop: Shop) -> None:
    sources = insights.sources(insights.period_range("3m"))
    # Ben and Fay: Instagram. Ivy "Walk-in" and Dan "walk-in " are one source, one customer
    # each way: shown as the spelling that sorts first. Cat: Referral, naming Ada as her
    # referrer. Instagram and Walk-in tie at 2: alphabetical.
    # Gus was imported: left out.
    assert sources.sources == (SourceCount("Instagram", 2, 0), SourceCount("Walk-in", 2, 0),
                               SourceCount("Referral", 1, 1))
    assert (sources.new_customers, sources.referred) == (5, 1)
    # Twelve months add Hal, with no source noted: last.
    twelve = insights.sources(insights.period_range("12m"))
    assert twelve.sources[-1] == SourceCount("", 1, 0)


# -- everything at once -----------------------------------------------------------------------

def test_compute_gives_the_same_figures(insights: InsightsService, shop: Shop) -> None:
    steps: list[tuple[int, int]] = []
    everything = insights.compute(Period.LAST_3_MONTHS, progress=lambda d, t: steps.append((d, t)))
    rng = insights.period_range("3m")
    assert everything.range == rng
    assert everything.journey == insights.journey(rng)
    assert everything.concerns == insights.concerns(rng)
    assert everything.best == insights.best_customers(rng)
    assert everything.gestures == insights.gesture_figures(rng)
    assert everything.touch == insights.touch(rng)
    assert everything.growth == insights.growth(rng)
    assert everything.sources == insights.sources(rng)
    assert everything.computed_at == NOW and everything.seconds > 0
    assert steps[-1][0] == steps[-1][1] and [d for d, _t in steps] == sorted(d for d, _t in steps)


def test_compute_stops_when_asked(insights: InsightsService, shop: Shop) -> None:
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(InsightsCancelled):
        insights.compute("12m", cancelled=cancelled)


def test_the_file_is_never_written(insights: InsightsService, shop: Shop, db: Database) -> None:
    insights.compute("all")
    insights.compute("all")  # the temporary tables of the last run are gone
    with db.read() as session:
        names = session.connection().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE name LIKE 'insights%' UNION ALL "
            "SELECT name FROM sqlite_temp_master").all()
    assert names == []


# -- edge cases -------------------------------------------------------------------------------

@pytest.mark.parametrize("period", list(Period))
def test_an_empty_shop(insights: InsightsService, period: Period) -> None:
    everything = insights.compute(period)
    months = everything.range.months
    assert everything.journey.customers == 0 and everything.journey.moved_up == 0
    assert [s.customers for s in everything.journey.stages] == [0] * 6
    assert everything.concerns.share is None and everything.concerns.decided == 0
    assert len(everything.concerns.months) == len(months)
    assert everything.best.customers == () and everything.best.scored == 0
    assert everything.best.with_gesture == 0
    assert [m.month for m in everything.gestures.months] == list(months)
    assert everything.gestures.cost_cents == everything.gestures.purchases == 0
    assert everything.touch.losing_touch == everything.touch.lapsed_now == 0
    assert [m.month for m in everything.growth.months] == list(months)
    assert everything.growth.revenue_cents == everything.growth.new_customers == 0
    assert everything.sources.sources == () and everything.sources.new_customers == 0


def test_a_single_customer(insights: InsightsService, db: Database) -> None:
    stages = stage_ids(db)
    with db.unit_of_work() as session:
        solo = Customer(name="Solo", stage_id=stages["First purchase"], source="Market stall",
                        created_at=at("2026-10-01"), updated_at=at("2026-10-01"),
                        last_contact_at=at("2026-10-05"))
        session.add(solo)
        session.flush()
        session.add(StageChange(customer_id=solo.id, from_stage_id=stages["Prospect"],
                                to_stage_id=stages["First purchase"], changed_at=at("2026-10-05"),
                                reason="purchase"))
        session.add(Interaction(customer_id=solo.id, kind="purchase", occurred_at=at("2026-10-05"),
                                amount_cents=4250, created_at=at("2026-10-05")))
        session.add(Gesture(customer_id=solo.id, kind="thank_you", given_on=date(2026, 10, 1),
                            description="Welcome card", cost_cents=150,
                            created_at=at("2026-10-01")))
    everything = insights.compute("3m")
    # One customer, at First purchase, moved up once (Prospect → First purchase).
    assert [s.customers for s in everything.journey.stages] == [0, 1, 0, 0, 0, 0]
    assert (everything.journey.moved_up, everything.journey.moved_down) == (1, 0)
    # Alone, she beats nobody: 1 on each part, score 3.
    (solo_best,) = everything.best.customers
    assert (solo_best.recency, solo_best.frequency, solo_best.monetary, solo_best.score) == (
        1, 1, 1, 3)
    assert (solo_best.purchases, solo_best.money_cents, solo_best.last_purchase) == (
        1, 4250, date(2026, 10, 5))
    assert everything.best.with_gesture == 1
    # The welcome card (10-01, 1.50) was followed by the purchase on 10-05 (42.50).
    october = everything.gestures.months[1]
    assert (october.given, october.cost_cents, october.purchases, october.purchase_cents) == (
        1, 150, 1, 4250)
    # Last contact 10-05; First purchase's rhythm is 30 days: cutoff 10-21 → losing touch.
    assert everything.touch.losing_touch == 1
    assert [(m.new_customers, m.revenue_cents) for m in everything.growth.months] == [
        (0, 0), (1, 4250), (0, 0)]
    assert everything.sources.sources == (SourceCount("Market stall", 1, 0),)


def test_best_customers_match_the_formula_on_random_shops(insights: InsightsService,
                                                          db: Database) -> None:
    """The cuts from histograms give exactly part = 1 + ⌊5·below/N⌋, ties and all: checked
    against the formula applied customer by customer, on purchases drawn at random."""
    rng = random.Random(7)
    stages = stage_ids(db)
    with db.unit_of_work() as session:
        people = []
        for number in range(60):
            row = Customer(name=f"C{number:02d}", stage_id=stages["Repeat"],
                           created_at=at("2026-01-05"), updated_at=at("2026-01-05"),
                           archived=number % 17 == 0)
            session.add(row)
            session.flush()
            people.append(row)
        for person in people:
            for _ in range(rng.choice((0, 1, 1, 2, 3, 5))):
                day = date(2026, rng.randint(8, 11), rng.randint(1, 19))
                session.add(Interaction(customer_id=person.id, kind="purchase",
                                        occurred_at=at(day.isoformat()),
                                        amount_cents=rng.choice((None, 500, 1000, 2500)),
                                        created_at=at("2026-01-05")))
    with db.read() as session:
        rows = session.execute(select(Interaction.customer_id, Interaction.occurred_at,
                                      Interaction.amount_cents)
                               .join(Customer, Customer.id == Interaction.customer_id)
                               .where(Customer.archived.is_(False),
                                      Interaction.occurred_at >= datetime(2026, 9, 1))).all()
    last: dict[int, date] = {}
    count: Counter[int] = Counter()
    money: Counter[int] = Counter()
    for customer_id, when, cents in rows:
        last[customer_id] = max(last.get(customer_id, date.min), when.date())
        count[customer_id] += 1
        money[customer_id] += cents or 0
    n = len(last)

    def part(values: Mapping[int, Any], customer_id: int) -> int:
        below = sum(1 for other in values.values() if other < values[customer_id])
        return 1 + 5 * below // n

    expected = sorted(
        ((part(last, c), part(count, c), part(money, c), money[c], last[c], count[c], c)
         for c in last),
        key=lambda e: (-(e[0] + e[1] + e[2]), -e[3], -e[4].toordinal(), -e[5], e[6]))
    best = insights.best_customers(insights.period_range("3m"), limit=n)
    assert best.scored == n
    assert [(c.recency, c.frequency, c.monetary, c.money_cents, c.last_purchase, c.purchases,
             c.customer_id) for c in best.customers] == expected
