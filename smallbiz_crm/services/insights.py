"""Insights: a period's numbers — journey, concerns, best customers, gestures, growth."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from smallbiz_crm.domain.periods import (
    DEFAULT_PERIOD,
    Period,
    add_months,
    month_start,
    months_between,
)
from smallbiz_crm.domain.records.insights import (
    BestCustomerFigures,
    ConcernFigures,
    GestureFigures,
    GrowthFigures,
    Insights,
    JourneyFigures,
    PeriodRange,
    SourceFigures,
    TouchFigures,
)
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.concerns import ConcernService
from smallbiz_crm.services.insights_best_customers import best_in
from smallbiz_crm.services.insights_gestures import gestures_in
from smallbiz_crm.services.insights_growth import customers_added, growth_figures, source_figures
from smallbiz_crm.services.insights_purchases import load_purchases, revenue_in
from smallbiz_crm.services.insights_stages import (
    journey_figures,
    losing_touch,
    stage_counts,
    stage_moves,
    touch_figures,
)
from smallbiz_crm.services.what_followed import DEFAULT_WINDOW_DAYS
from smallbiz_crm.store.engine import Database

TOP_CUSTOMERS = 20


class InsightsService:
    """Every figure of the Insights page, aggregated in SQL; Qt-free, safe off the UI thread."""

    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    # -- the period -------------------------------------------------------------------------

    def period_range(self, period: Period | str, today: date | None = None) -> PeriodRange:
        period = Period(period)
        day = today or self.clock().date()
        last = month_start(day)
        end = add_months(last, 1)
        months = period.months
        if months is not None:
            first = add_months(last, -(months - 1))
        else:
            first = min(self._oldest_day() or day, day)
        return PeriodRange(period=period, start=month_start(first), end=end, today=day,
                           months=months_between(first, last))

    def _oldest_day(self) -> date | None:
        """The day of the oldest dated record: where "all time" starts. Each min() is read
        off an index."""
        sql = ("SELECT min(day) FROM ("
               "SELECT min(created_at) AS day FROM customer UNION ALL "
               "SELECT min(occurred_at) FROM interaction WHERE kind = 'purchase' UNION ALL "
               "SELECT min(given_on) FROM gesture UNION ALL "
               "SELECT min(received_at) FROM concern UNION ALL "
               "SELECT min(changed_at) FROM stage_change)")
        with self.db.read() as session:
            value = session.execute(text(sql)).scalar()
        return date.fromisoformat(str(value)[:10]) if value else None

    # -- everything at once -----------------------------------------------------------------

    def compute(self, period: Period | str = DEFAULT_PERIOD,
                cancelled: Callable[[], bool] | None = None,
                progress: Callable[[int, int], None] | None = None) -> Insights:
        """Every figure for the period; `cancelled()` is asked between queries (then
        InsightsCancelled), `progress(done, total)` told after each.

        Two connections work side by side: this thread reads the purchases and builds the
        figures on them (the bulk of the work), a helper thread the rest. SQLite lets
        readers run at once and sqlite3 lets go of the GIL while a query runs, so with a
        core to spare the time is the longer of the two, not their sum. Each figure is
        consistent in itself; two read a moment apart may differ by what was saved between.
        """
        started = time.perf_counter()
        rng = self.period_range(period)
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("counts", lambda: stage_counts(self.db)),
            ("moves", lambda: stage_moves(self.db, rng)),
            ("losing", lambda: losing_touch(self.db, rng.today)),
            ("concerns", lambda: self.concerns(rng)),
            ("added", lambda: customers_added(self.db, rng)),
        ]
        # Purchases are read once for the three figures built on them (one transaction).
        purchase_steps: list[tuple[str, Callable[[Session], Any]]] = [
            ("load", lambda session: load_purchases(session, rng)),
            ("revenue", lambda session: revenue_in(session, rng)),
            ("best", lambda session: best_in(session, rng, TOP_CUSTOMERS)),
            ("gestures", lambda session: gestures_in(session, rng, DEFAULT_WINDOW_DAYS)),
        ]
        total = len(steps) + len(purchase_steps)
        lock = threading.Lock()
        finished = [0]

        def check() -> None:
            if cancelled is not None and cancelled():
                raise InsightsCancelled

        def one_done() -> None:
            with lock:
                finished[0] += 1
                if progress is not None:
                    progress(finished[0], total)

        def the_rest() -> dict[str, Any]:
            found: dict[str, Any] = {}
            for name, step in steps:
                check()
                found[name] = step()
                one_done()
            return found

        results: dict[str, Any] = {}
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="insights") as helper:
            rest = helper.submit(the_rest)
            with self.db.read() as session:
                for name, session_step in purchase_steps:
                    check()
                    results[name] = session_step(session)
                    one_done()
            results.update(rest.result())
        stages, counts = results["counts"]
        moves = results["moves"]
        return Insights(
            range=rng,
            journey=journey_figures(stages, counts, moves),
            concerns=results["concerns"],
            best=results["best"],
            gestures=results["gestures"],
            touch=touch_figures(stages, counts, results["losing"], moves),
            growth=growth_figures(rng, results["added"], results["revenue"]),
            sources=source_figures(results["added"]),
            computed_at=self.clock(),
            seconds=time.perf_counter() - started)

    # -- one figure at a time ---------------------------------------------------------------

    def journey(self, rng: PeriodRange) -> JourneyFigures:
        stages, counts = stage_counts(self.db)
        return journey_figures(stages, counts, stage_moves(self.db, rng))

    def concerns(self, rng: PeriodRange) -> ConcernFigures:
        """The one-business-day rule per month, as the Concerns page counts it."""
        months = ConcernService(self.db, self.clock).answered_in_time_by_month(
            start=rng.start, end=rng.months[-1], now=self.clock())
        return ConcernFigures(months=tuple(months),
                              answered_in_time=sum(m.answered_in_time for m in months),
                              decided=sum(m.decided for m in months),
                              received=sum(m.total for m in months))

    def best_customers(self, rng: PeriodRange, limit: int = TOP_CUSTOMERS) -> BestCustomerFigures:
        """The best customers by a recency / frequency / money (RFM) score; the rules are
        insights_best_customers.best_in's."""
        with self.db.read() as session:
            load_purchases(session, rng)
            return best_in(session, rng, limit)

    def gesture_figures(self, rng: PeriodRange,
                        window_days: int = DEFAULT_WINDOW_DAYS) -> GestureFigures:
        """Gesture spend per month beside what followed the gestures given that month; the
        rules are insights_gestures.gestures_in's."""
        with self.db.read() as session:
            load_purchases(session, rng)
            return gestures_in(session, rng, window_days)

    def touch(self, rng: PeriodRange) -> TouchFigures:
        stages, counts = stage_counts(self.db)
        return touch_figures(stages, counts, losing_touch(self.db, rng.today),
                             stage_moves(self.db, rng))

    def growth(self, rng: PeriodRange) -> GrowthFigures:
        """New customers and purchase revenue per month.

        New customers: added in the month, archived since or not (they were new then);
        customers brought in by an import are counted apart (`imported`): importing an old
        list is not a month of growth. Revenue: every purchase in the month, anyone's.
        """
        added = customers_added(self.db, rng)
        with self.db.read() as session:
            load_purchases(session, rng)
            revenue = revenue_in(session, rng)
        return growth_figures(rng, added, revenue)

    def sources(self, rng: PeriodRange) -> SourceFigures:
        """Where the period's new customers (as `growth` counts them) came from: the source
        noted on each, and how many of them name the customer who referred them."""
        return source_figures(customers_added(self.db, rng))


class InsightsCancelled(Exception):
    """compute() was asked to stop before it finished."""
