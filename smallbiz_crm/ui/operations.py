"""User actions as operations: a service call, on the task runner when it may be slow, that
returns what changed; the change channel publishes it (Anki's CollectionOp is the model)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtWidgets import QWidget

from smallbiz_crm.domain.records.changes import Changes
from smallbiz_crm.ui.changes import ChangeChannel
from smallbiz_crm.ui.errors import show_error
from smallbiz_crm.ui.tasks import TaskRunner

T = TypeVar("T")


class Operations:
    """Runs operations for one window. `changes` is the Changes the work makes, or a function
    of its result (a merge knows which customer survived only afterwards)."""

    def __init__(self, channel: ChangeChannel, tasks: TaskRunner, parent: QWidget,
                 log_file: Path) -> None:
        self.channel = channel
        self.tasks = tasks
        self.parent = parent
        self.log_file = log_file

    def run(self, work: Callable[[], T], changes: Changes | Callable[[T], Changes], *,
            background: bool = False, done: Callable[[T], Any] | None = None) -> None:
        """Do `work`; publish its changes; then `done(result)`. An error is explained in a
        dialog and nothing is published (a failed unit of work wrote nothing)."""

        def finished(result: T) -> None:
            self.channel.publish(changes(result) if callable(changes) else changes)
            if done is not None:
                done(result)

        def failed(exc: BaseException) -> None:
            show_error(self.parent, exc, self.log_file)

        if background:
            self.tasks.run(lambda _progress, _cancelled: work(), finished, failed)
            return
        try:
            result = work()
        except Exception as exc:  # noqa: BLE001 - explained in a dialog, the app goes on
            failed(exc)
            return
        finished(result)

    def announce(self, changes: Changes) -> None:
        """A dialog saved on its own (its form shows errors next to the field): publish what
        its save changed."""
        self.channel.publish(changes)
