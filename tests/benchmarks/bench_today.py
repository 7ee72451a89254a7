"""Today benchmark at 100,000 customers: the sections (target ≤ 200 ms), the due-alert query
the tray watcher runs every minute (target ≤ 20 ms on the UI thread), and the Today page from
refresh() to painted on screen.

Uses a copy of /tmp/bench100k.db when it exists (made by bench_foundation.py or by hand),
else builds a 100,000-customer demo database first (about 80 s). Prints figures; asserts
nothing. Usage:
    python tests/benchmarks/bench_today.py [--db PATH] [--runs 10]
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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from smallbiz_crm.services.demo import fill_demo
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.today import TodayService
from smallbiz_crm.store.opening import open_database

DEFAULT_SOURCE = Path("/tmp/bench100k.db")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def timed(work: Callable[[], Any], runs: int) -> tuple[float, float, float, Any]:
    """(first, median, best) seconds over `runs` calls, and the last result."""
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return times[0], statistics.median(times), min(times), result


def prepare(source: Path, folder: Path) -> Path:
    target = folder / "today-bench.db"
    if source.exists():
        print(f"copying {source} ({source.stat().st_size / 1e6:.0f} MB)…", flush=True)
        # The backup API, not a file copy: a WAL may hold recent commits.
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return target
    print("building a 100,000-customer demo database (about 80 s)…", flush=True)
    db = open_database(target)
    try:
        fill_demo(db, customers=100_000)
    finally:
        db.close()
    return target


def bench_service(services: Services, runs: int) -> None:
    today = TodayService(services.db, services.clock)
    now = services.clock()
    first, median, best, data = timed(lambda: today.sections(now), runs)
    print(f"TodayData (every section):  first {ms(first)}  median {ms(median)}  "
          f"best {ms(best)}")
    counts = ", ".join(f"{name} {count:,}" for name, count in data.counts().items())
    print(f"  totals: {counts}")
    with services.db.read() as session:
        for name, query in (("birthdays", today._birthdays),
                            ("losing touch", today._losing_touch)):
            _first, median, _best, _ = timed(lambda q=query: q(session, now.date(), 50), runs)
            print(f"  {name:<12} median {ms(median)}")
    minute = timed(lambda: today.due_alerts(now, now - timedelta(minutes=1)), runs)
    print(f"due_alerts, one minute:     first {ms(minute[0])}  median {ms(minute[1])}")
    morning = timed(lambda: today.due_alerts(now), runs)
    print(f"due_alerts, since midnight: first {ms(morning[0])}  median {ms(morning[1])}  "
          f"({len(morning[3])} alerts, capped)")


def bench_page(services: Services, runs: int) -> None:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from smallbiz_crm.ui.pages.today import TodayPage
    from smallbiz_crm.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    tasks = TaskRunner()
    start = time.perf_counter()
    page = TodayPage(services, tasks)
    page.resize(1110, 740)
    page.show()
    app.processEvents()
    print(f"TodayPage built and shown (empty): {ms(time.perf_counter() - start)}")

    waiting = QEventLoop()
    page.loaded.connect(waiting.quit)
    times = []
    for run in range(runs):
        start = time.perf_counter()
        page.refresh()
        waiting.exec()  # sleeps until the load is on the page, as the UI thread would
        page.repaint()  # paint now, as the screen would
        times.append(time.perf_counter() - start)
        if run == 0:
            # The first load of the day then greets the birthdays, off the UI thread.
            greet_start = time.perf_counter()
            tasks.wait_all()
            app.processEvents()
            print(f"  birthday greetings after the first load: "
                  f"{ms(time.perf_counter() - greet_start)} (background)")
        # Let a reload started by new greetings finish before the next run.
        tasks.wait_all()
        app.processEvents()
    print(f"Today page refresh → shown: first {ms(times[0])}  "
          f"median {ms(statistics.median(times))}  best {ms(min(times))}")
    tasks.wait_all()
    page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=DEFAULT_SOURCE,
                        help="a 100k database to copy (default: /tmp/bench100k.db)")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-today-") as folder:
        path = prepare(args.db, Path(folder))
        db = open_database(path, create=False)
        now = datetime.now().replace(microsecond=0)
        services = Services(db, clock=lambda: now)
        print(f"database: {services.customers.count():,} customers; now = {now:%Y-%m-%d %H:%M}")
        try:
            bench_service(services, args.runs)
            bench_page(services, max(3, args.runs // 2))
        finally:
            db.close()


if __name__ == "__main__":
    main()
