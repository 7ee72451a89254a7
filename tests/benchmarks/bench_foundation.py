"""Foundation benchmark: demo generation, search, window start and memory at 100k customers.

Prints figures; asserts nothing. Usage:
    python tests/benchmarks/bench_foundation.py [--customers 100000] [--db PATH] [--keep]
An existing --db file is reused (no regeneration) so repeated runs are quick.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERIES = ["a", "an", "ann", "smi", "mül", "jose", "zoë", "café", "bakery", "5550", "202 555",
           "0143", "example", "gmail", "daughter", "univers", "prefers phone", "vip", "xyzzy",
           "o'brien", "m", "ca", "ber", "lo", "pe", "ri", "ta", "ka", "s", "j"]

WINDOW_SCRIPT = r"""
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
{body}
"""
BARE_BODY = r"""
from PySide6.QtWidgets import QMainWindow, QTableView
w = QMainWindow(); w.setCentralWidget(QTableView()); w.resize(1200, 760); w.show()
app.processEvents()
print("shown", flush=True)
"""
APP_BODY = r"""
from pathlib import Path
from smallbiz_crm.app import build_main_window
w = build_main_window(Path(sys.argv[1])); w.resize(1200, 760); w.show()
app.processEvents()
print("shown", flush=True)
page = w.customers_page
t = time.perf_counter()
while page.model.rowCount() == 0 and time.perf_counter() - t < 30:
    app.processEvents(); time.sleep(0.001)
print("rows", page.model.rowCount(), flush=True)
with open("/proc/self/status") as f:
    rss = [l for l in f if l.startswith("VmRSS")][0].split()[1]
print("rss_kb", rss, flush=True)
w.close()
"""


def time_until_shown(body: str, *args: str) -> tuple[float, float, dict[str, str]]:
    """Seconds from launching a fresh interpreter to 'shown', to the rows, and other output."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", WINDOW_SCRIPT.format(body=body), *args],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    shown = rows = 0.0
    extra: dict[str, str] = {}
    for line in proc.stdout:
        key, _, value = line.strip().partition(" ")
        if key == "shown":
            shown = time.perf_counter() - start
        elif key == "rows":
            rows = time.perf_counter() - start
            extra["rows"] = value
        else:
            extra[key] = value
    proc.wait()
    return shown, rows, extra


def time_real_start(db_path: Path) -> tuple[float, float]:
    """The app as the owner starts it: seconds to the window on screen and to its list."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SMALLBIZ_CRM_STARTUP_PROBE="1")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "smallbiz_crm", "--db", str(db_path)],
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    shown = ready = 0.0
    for line in proc.stderr:
        if line.startswith("shown"):
            shown = time.perf_counter() - start
        elif line.startswith("ready"):
            ready = time.perf_counter() - start
    proc.wait()
    return shown, ready


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--db")
    args = ap.parse_args()
    from smallbiz_crm.services.demo import fill_demo
    from smallbiz_crm.services.registry import Services
    from smallbiz_crm.store.opening import open_database

    db_path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench.db"
    if not db_path.exists():
        start = time.perf_counter()
        db = open_database(db_path)
        summary = fill_demo(db, customers=args.customers, seed=7)
        db.close()
        print(f"demo: {args.customers:,} customers in {time.perf_counter() - start:.1f} s "
              f"({summary})")
    print(f"database: {db_path} ({db_path.stat().st_size / 1e6:.0f} MB)")

    services = Services(open_database(db_path))
    from smallbiz_crm.domain.records.customers import CustomerQuery
    from smallbiz_crm.domain.search import fts_query

    service_ms, raw_ms, counts = [], [], []
    raw = sqlite3.connect(db_path)
    for round_ in range(3):
        for query in QUERIES:
            start = time.perf_counter()
            ids = services.customers.list_ids(CustomerQuery(text=query))
            rows = services.customers.rows(ids[:60])  # what the first screen shows
            elapsed = (time.perf_counter() - start) * 1000
            match = fts_query(query)
            start = time.perf_counter()
            raw.execute("SELECT c.id FROM customer c WHERE c.archived = 0 AND c.id IN "
                        "(SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?) "
                        "ORDER BY c.name, c.id", (match,)).fetchall()
            raw_elapsed = (time.perf_counter() - start) * 1000
            if round_ > 0:  # the first round warms the page cache
                service_ms.append(elapsed)
                raw_ms.append(raw_elapsed)
                counts.append(len(ids))
            assert len(rows) <= 60
    print(f"search ({len(service_ms)} queries, 1–13 characters, {min(counts):,}–"
          f"{max(counts):,} matches): service median {statistics.median(service_ms):.1f} ms, "
          f"p95 {percentile(service_ms, 0.95):.1f} ms, max {max(service_ms):.1f} ms; "
          f"sqlite3 directly median {statistics.median(raw_ms):.1f} ms, "
          f"p95 {percentile(raw_ms, 0.95):.1f} ms")
    selective = [ms for ms, n in zip(service_ms, counts, strict=True) if n <= 5_000]
    if selective:
        print(f"search, queries with ≤ 5,000 matches: median "
              f"{statistics.median(selective):.1f} ms, p95 {percentile(selective, 0.95):.1f} ms")
    start = time.perf_counter()
    all_ids = services.customers.list_ids(CustomerQuery())
    print(f"full list ids ({len(all_ids):,}): {(time.perf_counter() - start) * 1000:.0f} ms")
    for sort in ("company", "stage", "last_contact", "tags"):
        start = time.perf_counter()
        services.customers.list_ids(CustomerQuery(sort=sort))
        print(f"  sorted by {sort}: {(time.perf_counter() - start) * 1000:.0f} ms")
    services.close()

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    os.environ.update(env)
    bare = [time_until_shown(BARE_BODY)[0] for _ in range(3)]
    runs = [time_until_shown(APP_BODY, str(db_path)) for _ in range(3)]
    app_shown = [r[0] for r in runs]
    app_rows = [r[1] for r in runs]
    real = [time_real_start(db_path) for _ in range(3)]
    bare_s = statistics.median(bare)
    real_shown = statistics.median(r[0] for r in real)
    real_ready = statistics.median(r[1] for r in real)
    print(f"start (fresh process to window on screen, median of 3): bare PySide6 window "
          f"{bare_s:.2f} s; `smallbiz-crm` window {real_shown:.2f} s "
          f"({real_shown / bare_s:.2f}×), its customer list filled at {real_ready:.2f} s")
    print(f"build_main_window (synchronous, as tests use it): shown at "
          f"{statistics.median(app_shown):.2f} s, rows at {statistics.median(app_rows):.2f} s; "
          f"resident memory {int(runs[-1][2]['rss_kb']) / 1024:.0f} MB with "
          f"{int(runs[-1][2]['rows']):,} customers listed")


if __name__ == "__main__":
    main()
