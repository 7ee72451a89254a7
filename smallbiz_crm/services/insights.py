"""Insights: a period's numbers — journey, concerns, best customers, gestures, growth."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from smallbiz_crm.domain.journey import is_move_up
from smallbiz_crm.domain.kinds import StageChangeReason
from smallbiz_crm.domain.records.concerns import MonthShare
from smallbiz_crm.domain.records.customers import StageRecord
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.concerns import ConcernService
from smallbiz_crm.services.gestures import DEFAULT_WINDOW_DAYS
from smallbiz_crm.services.journey import stage_record
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import JourneyStage

TOP_CUSTOMERS = 20
# Stage changes that are bookkeeping, not a customer moving: a new or imported record, a
# merge, the owner removing a stage. The same rule GestureService uses for "moved up".
BOOKKEEPING_REASONS = (StageChangeReason.CREATED.value, StageChangeReason.IMPORT.value,
                       StageChangeReason.MERGE.value, StageChangeReason.STAGE_REMOVED.value)
# Text that sorts before any stored date or timestamp: "no lower limit" for "all time".
_BEGINNING = "0001-01-01"
# Temporary tables (see "purchases and gestures" in the service).
_PURCHASES = "insights_purchase"
_GIVEN = "insights_given"
_CUSTOMERS = "insights_customer"
# More than any count or amount of cents: a cut no value reaches.
_NEVER = 2**62


class Period(StrEnum):
    """Whole calendar months up to and including the current one, or everything."""

    LAST_3_MONTHS = "3m"
    LAST_6_MONTHS = "6m"
    LAST_12_MONTHS = "12m"
    ALL = "all"

    @property
    def months(self) -> int | None:
        return {"3m": 3, "6m": 6, "12m": 12}.get(self.value)


DEFAULT_PERIOD = Period.LAST_12_MONTHS


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> tuple[date, ...]:
    """The first day of every month from first's through last's, oldest first."""
    result = []
    month = month_start(first)
    while month <= last:
        result.append(month)
        month = add_months(month, 1)
    return tuple(result)


# -- records ----------------------------------------------------------------------------------

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
    customers: tuple[BestCustomer, ...]  # the best first, at most TOP_CUSTOMERS
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


# -- the service ------------------------------------------------------------------------------

def _bounds(rng: PeriodRange) -> dict[str, str]:
    """SQL parameters: the period as text, comparable with stored dates and timestamps."""
    start = _BEGINNING if rng.period is Period.ALL else rng.start.isoformat()
    return {"start": start, "end": rng.end.isoformat()}


def _stages(session: Session) -> list[StageRecord]:
    return [stage_record(stage) for stage in
            session.scalars(select(JourneyStage).order_by(JourneyStage.position))]


def _direction(before: StageRecord | None, after: StageRecord | None) -> int:
    """+1 a move up (domain.journey.is_move_up), -1 down (to an earlier stage, or to lapsed
    from a stage that was not), 0 neither or unknown (the target stage was removed since)."""
    if after is None:
        return 0
    if is_move_up(before, after):
        return 1
    if before is None or before.is_lapsed:
        return 0
    if after.is_lapsed or after.position < before.position:
        return -1
    return 0


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
            ("counts", self._stage_counts),
            ("moves", lambda: self._moves(rng)),
            ("losing", lambda: self._losing_touch(rng.today)),
            ("concerns", lambda: self.concerns(rng)),
            ("added", lambda: self._added(rng)),
        ]
        # Purchases are read once for the three figures built on them (one transaction).
        purchase_steps: list[tuple[str, Callable[[Session], Any]]] = [
            ("load", lambda session: self._load_purchases(session, rng)),
            ("revenue", lambda session: self._revenue_in(session, rng)),
            ("best", lambda session: self._best_in(session, rng, TOP_CUSTOMERS)),
            ("gestures", lambda session: self._gestures_in(session, rng, DEFAULT_WINDOW_DAYS)),
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
            journey=self._journey(stages, counts, moves),
            concerns=results["concerns"],
            best=results["best"],
            gestures=results["gestures"],
            touch=self._touch(stages, counts, results["losing"], moves),
            growth=self._growth(rng, results["added"], results["revenue"]),
            sources=self._sources(results["added"]),
            computed_at=self.clock(),
            seconds=time.perf_counter() - started)

    # -- journey ----------------------------------------------------------------------------

    def journey(self, rng: PeriodRange) -> JourneyFigures:
        stages, counts = self._stage_counts()
        return self._journey(stages, counts, self._moves(rng))

    def _stage_counts(self) -> tuple[list[StageRecord], dict[int, int]]:
        """Customers per stage today, archived ones left out (as JourneyService counts)."""
        with self.db.read() as session:
            stages = _stages(session)
            # All customers off the (stage_id) index, minus the few archived: a scan of the
            # customer rows themselves reads every wide row.
            counts = {int(sid): int(n) for sid, n in session.execute(text(
                "SELECT stage_id, count(*) FROM customer GROUP BY stage_id"))}
            for sid, n in session.execute(text(
                    "SELECT stage_id, count(*) FROM customer WHERE archived = 1 "
                    "GROUP BY stage_id")):
                counts[int(sid)] = counts.get(int(sid), 0) - int(n)
        return stages, counts

    def _moves(self, rng: PeriodRange) -> list[tuple[int | None, int | None, int]]:
        """(from stage id, to stage id, how many) for the period's real moves."""
        reasons = ", ".join(f"'{reason}'" for reason in BOOKKEEPING_REASONS)
        # The unary + scans the table: over months, most of the 300,000 rows of a big shop
        # are in range, and fetching each through the changed_at index costs twice as much.
        sql = ("SELECT from_stage_id, to_stage_id, count(*) FROM stage_change "
               "WHERE +changed_at >= :start AND +changed_at < :end "
               f"AND reason NOT IN ({reasons}) GROUP BY from_stage_id, to_stage_id")
        with self.db.read() as session:
            return [(f, t, int(n)) for f, t, n in session.execute(text(sql), _bounds(rng))]

    @staticmethod
    def _journey(stages: Sequence[StageRecord], counts: dict[int, int],
                 moves: Sequence[tuple[int | None, int | None, int]]) -> JourneyFigures:
        by_id = {stage.id: stage for stage in stages}
        up_into: dict[int, int] = {}
        down_into: dict[int, int] = {}
        for from_id, to_id, count in moves:
            after = by_id.get(to_id) if to_id is not None else None
            before = by_id.get(from_id) if from_id is not None else None
            direction = _direction(before, after)
            if after is None or direction == 0:
                continue
            target = up_into if direction > 0 else down_into
            target[after.id] = target.get(after.id, 0) + count
        figures = tuple(StageFigure(stage_id=s.id, name=s.name, position=s.position,
                                    is_lapsed=s.is_lapsed, customers=counts.get(s.id, 0),
                                    moved_up_into=up_into.get(s.id, 0),
                                    moved_down_into=down_into.get(s.id, 0)) for s in stages)
        return JourneyFigures(stages=figures, customers=sum(f.customers for f in figures),
                              moved_up=sum(up_into.values()),
                              moved_down=sum(down_into.values()))

    # -- concerns ---------------------------------------------------------------------------

    def concerns(self, rng: PeriodRange) -> ConcernFigures:
        """The one-business-day rule per month, as the Concerns page counts it."""
        months = ConcernService(self.db, self.clock).answered_in_time_by_month(
            start=rng.start, end=rng.months[-1], now=self.clock())
        return ConcernFigures(months=tuple(months),
                              answered_in_time=sum(m.answered_in_time for m in months),
                              decided=sum(m.decided for m in months),
                              received=sum(m.total for m in months))

    # -- purchases and gestures -----------------------------------------------------------
    #
    # Revenue, the best customers and what followed gestures all read the shop's purchases:
    # a third of a million rows in a year at 100,000 customers. They are read once, by one
    # scan of the interaction table, into a narrow temporary table of this connection, and
    # every figure is aggregated from that. Fetching a year of purchases through the
    # (kind, occurred_at) index instead costs four times the scan (a random lookup per row
    # for the amount). The temporary tables live in the read transaction: they vanish when
    # it ends, and the shop's file is never written.

    @staticmethod
    def _load_purchases(session: Session, rng: PeriodRange) -> None:
        session.execute(text(f"DROP TABLE IF EXISTS temp.{_PURCHASES}"))
        session.execute(text(
            f"CREATE TEMP TABLE {_PURCHASES} AS "
            "SELECT customer_id, substr(occurred_at, 1, 10) AS day, "
            "coalesce(amount_cents, 0) AS amount "
            "FROM interaction NOT INDEXED "
            "WHERE +kind = 'purchase' AND +occurred_at >= :start"), _bounds(rng))
        # In customer order, with everything the figures read: grouping per customer needs
        # no sort, and purchases after a gesture are found without a lookup.
        session.execute(text(f"CREATE INDEX temp.{_PURCHASES}_by_customer "
                             f"ON {_PURCHASES} (customer_id, day, amount)"))

    def _revenue(self, rng: PeriodRange) -> dict[str, tuple[int, int]]:
        with self.db.read() as session:
            self._load_purchases(session, rng)
            return self._revenue_in(session, rng)

    @staticmethod
    def _revenue_in(session: Session, rng: PeriodRange) -> dict[str, tuple[int, int]]:
        """Month → (purchases, revenue in cents)."""
        sql = (f"SELECT substr(day, 1, 7) AS month, count(*), sum(amount) FROM {_PURCHASES} "
               "WHERE day < :end GROUP BY month")
        return {str(m): (int(n), int(c)) for m, n, c in session.execute(text(sql), _bounds(rng))}

    def best_customers(self, rng: PeriodRange, limit: int = TOP_CUSTOMERS) -> BestCustomerFigures:
        """The best customers by a recency / frequency / money (RFM) score.

        Who is scored: customers, not archived, with at least one purchase in the period
        ("all time": ever). For each of them, over their purchases in the period:
          recency   = the day of their last purchase (later is better),
          frequency = how many purchases they made,
          money     = what those purchases came to (a purchase without an amount counts 0).
        Each part becomes a score of 1–5 by fifths (quintiles) of the N scored customers:
          part = 1 + floor(5 × (customers with a strictly lower value) / N)
        so ties share a score, the best fifth gets 5, and a lone customer gets 1 on each part
        (there is nobody to be better than). score = R + F + M, 3–15.
        The best come first: highest score, then most money, then the latest purchase, then
        the most purchases, then the customer added first.
        """
        with self.db.read() as session:
            self._load_purchases(session, rng)
            return self._best_in(session, rng, limit)

    @staticmethod
    def _best_in(session: Session, rng: PeriodRange, limit: int) -> BestCustomerFigures:
        params: dict[str, Any] = {**_bounds(rng), "limit": limit}
        session.execute(text(f"DROP TABLE IF EXISTS temp.{_CUSTOMERS}"))
        # Archived customers are dropped after grouping: fewer rows to check.
        session.execute(text(
            f"CREATE TEMP TABLE {_CUSTOMERS} AS SELECT * FROM ("
            "SELECT customer_id, max(day) AS last_day, count(*) AS purchases, "
            f"sum(amount) AS money FROM {_PURCHASES} WHERE day < :end GROUP BY customer_id) "
            "WHERE customer_id NOT IN (SELECT id FROM customer WHERE archived = 1)"), params)
        scored = int(session.execute(text(f"SELECT count(*) FROM {_CUSTOMERS}")).scalar_one())
        if not scored:
            return BestCustomerFigures(customers=(), scored=0)
        # part = 1 + floor(5·below/N) = 1 + the number of k in 1..4 with 5·below >= k·N.
        # As `below` grows with the value, that is 1 + the number of cuts c_k the value
        # reaches, c_k being the lowest value with 5·below >= k·N. The cuts come from each
        # part's histogram (a GROUP BY, cheap), so no customer is ranked by a window
        # function: three of those over every customer took most of the time.
        cuts: dict[str, Any] = {"n": scored}
        for part in ("last_day", "purchases", "money"):
            picks = ", ".join(f"min(CASE WHEN 5 * below >= {k} * :n THEN value END)"
                              for k in range(1, 5))
            found = session.execute(text(
                f"SELECT {picks} FROM ("
                "SELECT value, sum(customers) OVER (ORDER BY value) - customers AS below "
                f"FROM (SELECT {part} AS value, count(*) AS customers FROM {_CUSTOMERS} "
                f"GROUP BY {part}))"), cuts).one()
            for k, cut in enumerate(found, start=1):
                # No value reaches a missing cut ("~" sorts after every date).
                cuts[f"{part}_{k}"] = cut if cut is not None else (
                    "~" if part == "last_day" else _NEVER)
        reached = {part: " + ".join(f"({part} >= :{part}_{k})" for k in range(1, 5))
                   for part in ("last_day", "purchases", "money")}
        # Names and gestures are looked up for the chosen few only.
        sql = f"""
            WITH scored AS (
                SELECT customer_id, last_day, purchases, money,
                       1 + {reached["last_day"]} AS r, 1 + {reached["purchases"]} AS f,
                       1 + {reached["money"]} AS m
                FROM {_CUSTOMERS}),
            top AS (
                SELECT * FROM scored
                ORDER BY r + f + m DESC, money DESC, last_day DESC, purchases DESC, customer_id
                LIMIT :limit)
            SELECT t.customer_id, c.name, t.last_day, t.purchases, t.money, t.r, t.f, t.m,
                   EXISTS (SELECT 1 FROM gesture g WHERE g.customer_id = t.customer_id
                           AND g.given_on >= :start AND g.given_on < :end)
            FROM top t JOIN customer c ON c.id = t.customer_id
            ORDER BY t.r + t.f + t.m DESC, t.money DESC, t.last_day DESC, t.purchases DESC,
                     t.customer_id"""
        rows = session.execute(text(sql), {**params, **cuts}).all()
        best = tuple(BestCustomer(customer_id=int(row[0]), name=str(row[1]),
                                  last_purchase=date.fromisoformat(str(row[2])),
                                  purchases=int(row[3]), money_cents=int(row[4]),
                                  recency=int(row[5]), frequency=int(row[6]),
                                  monetary=int(row[7]), received_gesture=bool(row[8]))
                     for row in rows)
        return BestCustomerFigures(customers=best, scored=scored)

    def gesture_figures(self, rng: PeriodRange,
                        window_days: int = DEFAULT_WINDOW_DAYS) -> GestureFigures:
        """Gesture spend per month beside what followed the gestures given that month.

        Spend: how many gestures were given in the month and what they cost, as
        GestureService.totals sums them. What followed, by GestureService.what_followed's
        rules: the customer's purchases, and the customers they referred (added), after the
        gesture day and within `window_days` days of it. Each purchase or referral counts
        once per month however many of that month's gestures it followed (as
        followed_by_kind counts once per kind); one that followed gestures given in two
        months counts in both. Recent months are still counting: their window is not over.
        """
        with self.db.read() as session:
            self._load_purchases(session, rng)
            return self._gestures_in(session, rng, window_days)

    @staticmethod
    def _gestures_in(session: Session, rng: PeriodRange, window_days: int) -> GestureFigures:
        if window_days < 31:
            # Below a month, one month's windows could leave gaps between them, and the
            # single interval per customer and month below would count too much.
            raise ValueError("The what-followed window must be at least 31 days.")
        params: dict[str, Any] = {**_bounds(rng), "upper": f"+{window_days + 1} days"}
        # One row per customer and month. A customer's gestures of one month lie within 31
        # days of each other, closer than the window is long, so the days that follow any
        # of them form one interval: after the month's first gesture day, up to the window
        # after its last. Joining purchases to that interval counts each purchase once per
        # month, with no DISTINCT over every (gesture, purchase) pair.
        session.execute(text(f"DROP TABLE IF EXISTS temp.{_GIVEN}"))
        session.execute(text(
            f"CREATE TEMP TABLE {_GIVEN} AS "
            "SELECT customer_id, substr(given_on, 1, 7) AS month, "
            "min(given_on) AS first_day, max(given_on) AS last_day, "
            "count(*) AS given, coalesce(sum(cost_cents), 0) AS cost "
            "FROM gesture NOT INDEXED WHERE +given_on >= :start AND +given_on < :end "
            "GROUP BY customer_id, month"), params)
        # A purchase on day D follows a gesture on day G when G < D <= G + window.
        sql = f"""
            SELECT 'spend', month, sum(given), sum(cost) FROM {_GIVEN} GROUP BY month
            UNION ALL
            SELECT 'purchases', g.month, count(*), sum(p.amount)
            FROM {_GIVEN} g JOIN {_PURCHASES} p ON p.customer_id = g.customer_id
                 AND p.day > g.first_day AND p.day < date(g.last_day, :upper)
            GROUP BY g.month
            UNION ALL
            SELECT 'referrals', g.month, count(*), 0
            FROM {_GIVEN} g JOIN customer r ON r.referred_by_id = g.customer_id
                 AND r.created_at >= date(g.first_day, '+1 day')
                 AND r.created_at < date(g.last_day, :upper)
            GROUP BY g.month"""
        found = {(str(figure), str(month)): (int(count), int(cents))
                 for figure, month, count, cents in session.execute(text(sql), params)}
        months = []
        for month in rng.months:
            key = f"{month:%Y-%m}"
            given, cost = found.get(("spend", key), (0, 0))
            purchases, purchase_cents = found.get(("purchases", key), (0, 0))
            months.append(GestureMonth(month=month, given=given, cost_cents=cost,
                                       purchases=purchases, purchase_cents=purchase_cents,
                                       referrals=found.get(("referrals", key), (0, 0))[0]))
        return GestureFigures(months=tuple(months), window_days=window_days,
                              given=sum(m.given for m in months),
                              cost_cents=sum(m.cost_cents for m in months),
                              purchases=sum(m.purchases for m in months),
                              purchase_cents=sum(m.purchase_cents for m in months),
                              referrals=sum(m.referrals for m in months))

    # -- staying in touch -------------------------------------------------------------------

    def touch(self, rng: PeriodRange) -> TouchFigures:
        stages, counts = self._stage_counts()
        return self._touch(stages, counts, self._losing_touch(rng.today), self._moves(rng))

    def _losing_touch(self, today: date) -> dict[int, int]:
        """Customers losing touch today, per stage: by StayingInTouchService's rule — not
        archived, not "not pursuing", at a stage with a contact rhythm, and their last
        contact (or, never contacted, their being added) before today minus the rhythm."""
        with self.db.read() as session:
            rhythms = session.execute(
                select(JourneyStage.id, JourneyStage.contact_rhythm_days)
                .where(JourneyStage.contact_rhythm_days.is_not(None))).all()
            if not rhythms:
                return {}
            params: dict[str, Any] = {}
            whens = []
            for number, (stage_id, rhythm) in enumerate(rhythms):
                params[f"stage_{number}"] = stage_id
                params[f"cutoff_{number}"] = (today - timedelta(days=rhythm or 0)).isoformat()
                whens.append(f"WHEN :stage_{number} THEN :cutoff_{number}")
            # The cutoff day per stage is worked out here: per row, only a text comparison.
            sql = ("SELECT c.stage_id, count(*) FROM customer c "
                   "WHERE +c.archived = 0 AND c.not_pursuing = 0 "
                   "AND coalesce(c.last_contact_at, c.created_at) < "
                   f"(CASE c.stage_id {' '.join(whens)} END) GROUP BY c.stage_id")
            return {int(sid): int(n) for sid, n in session.execute(text(sql), params)}

    @staticmethod
    def _touch(stages: Sequence[StageRecord], counts: dict[int, int], losing: dict[int, int],
               moves: Sequence[tuple[int | None, int | None, int]]) -> TouchFigures:
        by_id = {stage.id: stage for stage in stages}
        lapsed_from: dict[int | None, int] = {}
        for from_id, to_id, count in moves:
            after = by_id.get(to_id) if to_id is not None else None
            before = by_id.get(from_id) if from_id is not None else None
            if after is not None and after.is_lapsed and _direction(before, after) < 0:
                key = before.id if before is not None else None
                lapsed_from[key] = lapsed_from.get(key, 0) + count
        rows = tuple(TouchStage(stage_id=s.id, name=s.name, position=s.position,
                                is_lapsed=s.is_lapsed, rhythm_days=s.contact_rhythm_days,
                                customers=counts.get(s.id, 0), losing_touch=losing.get(s.id, 0),
                                lapsed_from=lapsed_from.get(s.id, 0)) for s in stages)
        return TouchFigures(stages=rows, losing_touch=sum(r.losing_touch for r in rows),
                            lapsed_now=sum(r.customers for r in rows if r.is_lapsed),
                            lapsed_in_period=sum(lapsed_from.values()))

    # -- growth ---------------------------------------------------------------------------

    def growth(self, rng: PeriodRange) -> GrowthFigures:
        """New customers and purchase revenue per month.

        New customers: added in the month, archived since or not (they were new then);
        customers brought in by an import are counted apart (`imported`): importing an old
        list is not a month of growth. Revenue: every purchase in the month, anyone's.
        """
        return self._growth(rng, self._added(rng), self._revenue(rng))

    def sources(self, rng: PeriodRange) -> SourceFigures:
        """Where the period's new customers (as `growth` counts them) came from: the source
        noted on each, and how many of them name the customer who referred them."""
        return self._sources(self._added(rng))

    def _added(self, rng: PeriodRange) -> list[tuple[str, str, bool, int, int]]:
        """(month, source, imported, customers, of them referred) of customers added in the
        period: one query for both the growth and the sources figures."""
        sql = ("SELECT substr(created_at, 1, 7) AS month, trim(source) AS src, "
               "import_batch_id IS NOT NULL AS imported, count(*), "
               "sum(referred_by_id IS NOT NULL) "
               "FROM customer WHERE created_at >= :start AND created_at < :end "
               "GROUP BY month, src, imported")
        with self.db.read() as session:
            return [(str(m), str(s), bool(i), int(n), int(r)) for m, s, i, n, r in
                    session.execute(text(sql), _bounds(rng))]

    @staticmethod
    def _growth(rng: PeriodRange, added: Sequence[tuple[str, str, bool, int, int]],
                revenue: dict[str, tuple[int, int]]) -> GrowthFigures:
        new: dict[str, int] = {}
        imported: dict[str, int] = {}
        for key, _source, was_imported, count, _referred in added:
            target = imported if was_imported else new
            target[key] = target.get(key, 0) + count
        months = []
        for month in rng.months:
            key = f"{month:%Y-%m}"
            purchases, cents = revenue.get(key, (0, 0))
            months.append(GrowthMonth(month=month, new_customers=new.get(key, 0),
                                      imported=imported.get(key, 0), purchases=purchases,
                                      revenue_cents=cents))
        return GrowthFigures(months=tuple(months),
                             new_customers=sum(m.new_customers for m in months),
                             imported=sum(m.imported for m in months),
                             purchases=sum(m.purchases for m in months),
                             revenue_cents=sum(m.revenue_cents for m in months))

    @staticmethod
    def _sources(added: Sequence[tuple[str, str, bool, int, int]]) -> SourceFigures:
        merged: dict[str, list[int]] = {}
        spellings: dict[str, Counter[str]] = {}
        for _month, source, was_imported, count, referred in added:
            if was_imported:
                continue
            # Sources are typed freely: "Walk-in" and "walk-in" are one source, shown as most
            # of its customers have it (on a tie, the spelling that sorts first).
            key = source.casefold()
            spellings.setdefault(key, Counter())[source] += count
            totals = merged.setdefault(key, [0, 0])
            totals[0] += count
            totals[1] += referred
        names = {key: min(found, key=lambda spelling: (-found[spelling], spelling))
                 for key, found in spellings.items()}
        rows = tuple(sorted((SourceCount(source=names[key], customers=n, referred=r)
                             for key, (n, r) in merged.items()),
                            key=lambda row: (-row.customers, row.source == "",
                                             row.source.casefold())))
        return SourceFigures(sources=rows, new_customers=sum(r.customers for r in rows),
                             referred=sum(r.referred for r in rows))


class InsightsCancelled(Exception):
    """compute() was asked to stop before it finished."""
