"""Python's garbage collection on the UI thread only: a cycle holding a Qt object must never be
freed on a task runner's thread (Qt objects die where they live; elsewhere the app crashes)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """Turns off automatic collection (which runs on whichever thread allocates) and collects
    from a timer on the UI thread instead, by the same thresholds Python would use."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        count0, count1, count2 = gc.get_count()
        if count0 > self.threshold[0]:
            generation = 0
            if count1 > self.threshold[1]:
                generation = 2 if count2 > self.threshold[2] else 1
            gc.collect(generation)


_installed: list[MainThreadCollector] = []


def collect_on_main_thread(app: QObject) -> None:
    """Once per QApplication (the app's start, a window built directly by a test)."""
    if not _installed or _installed[0].parent() is not app:
        _installed[:] = [MainThreadCollector(app)]
