"""What every action owner of a window shares: the shop, the task runner, operations, undo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow

from smallbiz_crm.ui.changes import ChangeChannel
from smallbiz_crm.ui.operations import Operations
from smallbiz_crm.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from smallbiz_crm.assembly import Shop
    from smallbiz_crm.services.registry import Services


@dataclass
class WindowContext:
    window: QMainWindow
    shop: Shop
    tasks: TaskRunner
    channel: ChangeChannel
    ops: Operations
    undo_stack: QUndoStack
    log_file: Path

    @property
    def services(self) -> Services:
        return self.shop.services

    def say(self, text: str, msecs: int = 30_000) -> None:
        """One sentence in the status bar: where a backup went, what an export wrote."""
        self.window.statusBar().showMessage(text, msecs)
