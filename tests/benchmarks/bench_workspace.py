"""Customer workspace at 100k: list open, search while typing, scrolling, memory. Prints figures.

Usage: python tests/benchmarks/bench_workspace.py --db BIG.db
(build one with: smallbiz-crm-cli --db BIG.db demo --customers 100000)
Opens the real main window offscreen. A 2 ms heartbeat timer measures the longest time the
event loop was blocked, which is what the owner feels as a freeze.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


class Heartbeat:
    """Records the longest gap between timer ticks: the longest freeze of the window."""

    def __init__(self) -> None:
        self.timer = QTimer(interval=2)
        self.clock = QElapsedTimer()
        self.longest = 0
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        if self.clock.isValid():
            self.longest = max(self.longest, self.clock.restart())
        else:
            self.clock.start()

    def start(self) -> None:
        self.longest = 0
        self.clock.invalidate()
        self.timer.start()

    def stop(self) -> int:
        self.timer.stop()
        return self.longest


def spin_until(app: QApplication, done, timeout: float = 30.0) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    while not done() and time.perf_counter() - start < timeout:
        app.processEvents()
        time.sleep(0.001)
    return time.perf_counter() - start


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    args = ap.parse_args()
    app = QApplication(sys.argv[:1])
    from smallbiz_crm.app import build_main_window

    window = build_main_window(Path(args.db))
    window.resize(1280, 800)
    window.show()
    page = window.customers_page
    spin_until(app, lambda: page.model.rowCount() > 0)
    beat = Heartbeat()

    # Page open: from asking for the list to rows on screen.
    opens = []
    for _ in range(5):
        page.model.set_ids([])
        start = time.perf_counter()
        page.reload()
        opens.append(spin_until(app, lambda: page.model.rowCount() > 0) * 1000)
    print(f"customer list open (all {page.model.rowCount():,} customers, rows on screen): "
          f"median {statistics.median(opens):.0f} ms, max {max(opens):.0f} ms")

    # Typing: one key every 80 ms, as a quick typist; the list follows after a short pause.
    search = page.search
    reloaded: list[float] = []
    page.list_reloaded.connect(lambda _count: reloaded.append(time.perf_counter()))
    for word in ("maria", "5550142", "bakery", "o'b"):
        search.clear()
        spin_until(app, lambda: page.model.rowCount() > 50_000)
        beat.start()
        for char in word:
            QTest.keyClicks(search, char)
            last_key = time.perf_counter()
            spin_until(app, lambda: False, timeout=0.08)
        reloaded.clear()
        spin_until(app, lambda: bool(reloaded), timeout=10)
        spin_until(app, lambda: False, timeout=0.2)
        freeze = beat.stop()
        print(f"typing '{word}': longest freeze {freeze} ms while typing and searching; "
              f"{page.model.rowCount():,} matches on screen {(reloaded[-1] - last_key) * 1000:.0f}"
              f" ms after the last key (of which {120} ms is the deliberate typing pause)")
    search.clear()
    spin_until(app, lambda: page.model.rowCount() > 50_000)

    # Scrolling to the end and back.
    bar = page.table.verticalScrollBar()
    beat.start()
    start = time.perf_counter()
    for value in range(0, bar.maximum(), max(1, bar.maximum() // 200)):
        bar.setValue(value)
        app.processEvents()
    bar.setValue(bar.maximum())
    app.processEvents()
    print(f"scrolling through {page.model.rowCount():,} rows in 200 jumps: "
          f"{(time.perf_counter() - start) * 1000:.0f} ms in all, longest freeze "
          f"{beat.stop()} ms")

    # Selecting customers: the profile loads on the UI thread.
    loads = []
    for row in range(0, 2000, 100):
        start = time.perf_counter()
        page.table.selectRow(row)
        app.processEvents()
        loads.append((time.perf_counter() - start) * 1000)
    print(f"selecting a customer (profile shown): median {statistics.median(loads):.0f} ms, "
          f"max {max(loads):.0f} ms")
    print(f"resident memory with the list open: {rss_mb():.0f} MB")
    window.close()


if __name__ == "__main__":
    main()
