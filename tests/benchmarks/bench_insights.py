"""Insights benchmark: how long the Insights page takes to load on a 100,000-customer /
~1,000,000-interaction database (target ≤ 1 s), and whether the window stays responsive.

Measures, per period: InsightsService.compute (each step too), and the page itself: from
choosing the period to every chart drawn, with the longest pause of the UI thread meanwhile
(a 10 ms timer that should keep firing). Prints figures; asserts nothing.

The database: --db PATH (copied first, never touched), else a copy of /tmp/bench100k.db when
it exists, else one made with fill_demo(db, customers=100_000) (~80 s). Usage:
    python tests/benchmarks/bench_insights.py [--db PATH] [--customers 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from smallbiz_crm.domain.periods import Period
from smallbiz_crm.services.demo import fill_demo
from smallbiz_crm.services.insights import TOP_CUSTOMERS, InsightsService
from smallbiz_crm.services.insights_best_customers import best_in
from smallbiz_crm.services.insights_gestures import gestures_in
from smallbiz_crm.services.insights_growth import customers_added
from smallbiz_crm.services.insights_purchases import load_purchases, revenue_in
from smallbiz_crm.services.insights_stages import losing_touch, stage_counts, stage_moves
from smallbiz_crm.services.what_followed import DEFAULT_WINDOW_DAYS
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.opening import open_database

SHARED = Path("/tmp/bench100k.db")


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (the WAL included), source read-only."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def prepare(args: argparse.Namespace, folder: Path) -> Database:
    path = folder / "insights-bench.db"
    source = Path(args.db) if args.db else (SHARED if SHARED.exists() else None)
    if source is not None:
        started = time.perf_counter()
        copy_database(source, path)
        print(f"copied {source} in {time.perf_counter() - started:.1f} s")
        return open_database(path, create=False)
    db = open_database(path)
    started = time.perf_counter()
    fill_demo(db, customers=args.customers)
    print(f"made a demo database of {args.customers:,} customers in "
          f"{time.perf_counter() - started:.0f} s")
    return db


def table_sizes(db: Database) -> str:
    raw = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
    try:
        counts = {table: raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("customer", "interaction", "gesture", "concern",
                                "stage_change")}
        purchases = raw.execute(
            "SELECT count(*) FROM interaction WHERE kind = 'purchase'").fetchone()[0]
    finally:
        raw.close()
    return (", ".join(f"{n:,} {t}" for t, n in counts.items())
            + f" ({purchases:,} purchases)")


def breakdown(service: InsightsService, period: Period) -> str:
    """Each figure's queries timed one by one (compute runs two groups side by side)."""
    rng = service.period_range(period)
    timings: list[tuple[str, float]] = []

    def timed(name: str, call: Callable[[], object]) -> None:
        started = time.perf_counter()
        call()
        timings.append((name, time.perf_counter() - started))

    timed("stage counts", lambda: stage_counts(service.db))
    timed("moves", lambda: stage_moves(service.db, rng))
    timed("losing touch", lambda: losing_touch(service.db, rng.today))
    timed("concerns", lambda: service.concerns(rng))
    timed("new customers", lambda: customers_added(service.db, rng))
    with service.db.read() as session:
        timed("read purchases", lambda: load_purchases(session, rng))
        timed("revenue", lambda: revenue_in(session, rng))
        timed("best customers", lambda: best_in(session, rng, TOP_CUSTOMERS))
        timed("gestures", lambda: gestures_in(session, rng, DEFAULT_WINDOW_DAYS))
    return ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in timings)


def bench_service(db: Database, runs: int) -> None:
    service = InsightsService(db)
    print("\nInsightsService.compute (the worker's work), seconds; then each figure alone, ms:")
    for period in Period:
        totals = [service.compute(period).seconds for _ in range(runs)]
        print(f"  {period.value:>3}: median {statistics.median(totals):.3f}, best "
              f"{min(totals):.3f}  [{breakdown(service, period)}]")


def bench_page(db: Database, runs: int) -> None:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from smallbiz_crm.services.registry import Services
    from smallbiz_crm.ui.pages.insights import InsightsPage
    from smallbiz_crm.ui.tasks import TaskRunner
    from smallbiz_crm.ui.widgets.charts import point_count

    app = QApplication.instance() or QApplication(sys.argv)
    services = Services(db)
    tasks = TaskRunner()
    page = InsightsPage(services, tasks)
    page.resize(1280, 800)
    page.show()
    app.processEvents()
    # The UI thread's heartbeat: the longest gap between ticks is the longest freeze.
    heartbeat = QTimer(interval=10)
    clock = QElapsedTimer()
    gaps: list[int] = []
    last = [0]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    heartbeat.timeout.connect(tick)
    print("\nInsights page: choose a period → every chart drawn (seconds), longest UI pause:")
    for period in (Period.LAST_12_MONTHS, Period.LAST_3_MONTHS, Period.LAST_6_MONTHS,
                   Period.ALL):
        loads = []
        pauses = []
        for _ in range(runs):
            loop = QEventLoop()
            page.loaded.connect(loop.quit)
            gaps.clear()
            clock.start()
            last[0] = 0
            heartbeat.start()
            started = time.perf_counter()
            page.set_period(period)
            QTimer.singleShot(120_000, loop.quit)
            loop.exec()
            app.processEvents()  # the charts painted
            loads.append(time.perf_counter() - started)
            heartbeat.stop()
            page.loaded.disconnect(loop.quit)
            pauses.append(max(gaps, default=0))
        drawn = all(point_count(chart) > 0 for chart in page.charts().values())
        print(f"  {period.value:>3}: median {statistics.median(loads):.3f}, best "
              f"{min(loads):.3f}; longest UI pause {max(pauses)} ms; every chart drawn: "
              f"{drawn}")
    tasks.wait_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing database to copy and measure")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="insights-bench-") as folder:
        db = prepare(args, Path(folder))
        try:
            print(table_sizes(db))
            print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
                  f"{os.cpu_count()} CPUs")
            bench_service(db, args.runs)
            bench_page(db, args.runs)
        finally:
            db.close()


if __name__ == "__main__":
    main()
