"""Running slow work off the UI thread: the work touches no widget; results come by signal."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from smallbiz_crm.logs import log

Progress = Callable[[int, int], None]


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class Task(QRunnable):
    """Runs `op(progress, cancelled)` on a pool thread; never touches widgets there."""

    def __init__(self, op: Callable[[Progress, Callable[[], bool]], Any]) -> None:
        super().__init__()
        self.op = op
        self.signals = _Signals()
        self._cancel = threading.Event()
        self.finished = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            result = self.op(self._progress, self._cancel.is_set)
        except BaseException as exc:  # noqa: BLE001 - handed back to the UI thread
            log.exception("background task failed")
            self._deliver(self.signals.failed, exc)
        else:
            self._deliver(self.signals.done, result)
        finally:
            self.finished.set()

    def _progress(self, done: int, total: int) -> None:
        self._deliver(self.signals.progress, done, total)

    @staticmethod
    def _deliver(signal: Any, *values: Any) -> None:
        # The window may have closed while the work ran (the app quitting): then there is
        # nobody to tell, and raising here, on a pool thread, would only crash the exit.
        try:
            signal.emit(*values)
        except RuntimeError:
            log.info("a background result arrived after its window closed")


class TaskRunner(QObject):
    """Starts tasks and keeps them alive until their result has been delivered."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._running: set[Task] = set()

    def run(self, op: Callable[[Progress, Callable[[], bool]], Any],
            on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None] | None = None,
            on_progress: Callable[[int, int], None] | None = None) -> Task:
        task = Task(op)
        task.setAutoDelete(False)
        self._running.add(task)

        def finish(callback: Callable[[Any], None] | None, value: Any) -> None:
            self._running.discard(task)
            if callback is not None:
                callback(value)
            elif isinstance(value, BaseException):
                raise value

        task.signals.done.connect(lambda result: finish(on_done, result))
        task.signals.failed.connect(lambda exc: finish(on_error, exc))
        if on_progress is not None:
            task.signals.progress.connect(on_progress)
        self.pool.start(task)
        return task

    def run_with_progress(self, parent: QWidget, label: str,
                          op: Callable[[Progress, Callable[[], bool]], Any],
                          on_done: Callable[[Any], None],
                          on_error: Callable[[BaseException], None] | None = None) -> Task:
        """Run with a modal progress bar and a Cancel button that asks the work to stop."""
        dialog = QProgressDialog(label, self.tr("Cancel"), 0, 0, parent)
        dialog.setWindowTitle(label)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)

        def progress(done: int, total: int) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, max(total, 1)))

        def close_then(callback: Callable[[Any], None] | None) -> Callable[[Any], None]:
            def handler(value: Any) -> None:
                dialog.close()
                dialog.deleteLater()
                if callback is not None:
                    callback(value)
                elif isinstance(value, BaseException):
                    raise value
            return handler

        task = self.run(op, close_then(on_done), close_then(on_error), progress)
        dialog.canceled.connect(task.cancel)
        return task

    def wait_all(self, msecs: int = 30_000) -> bool:
        return bool(self.pool.waitForDone(msecs))
