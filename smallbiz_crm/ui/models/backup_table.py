"""The backups as the restore dialog lists them: each in plain words, and their table model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from smallbiz_crm.services.backups import BackupInfo, BackupKind

COL_DATE, COL_KIND, COL_CUSTOMERS, COL_FOLLOW_UPS, COL_SIZE, COL_STATUS = range(6)
INFO_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex
Notify = Callable[[str], None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("RestoreDialog", text)


def size_text(size: int) -> str:
    """A file size the way a file manager shows it: "812 KB", "412.5 MB"."""
    if size < 1024:
        return _tr("{0} bytes").format(size)
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            shown = f"{value:.0f}" if value >= 100 else f"{value:.1f}"
            return f"{shown} {unit}"
    return f"{size} bytes"  # pragma: no cover - the loop always returns


def when_text(info: BackupInfo) -> str:
    return f"{info.created_at:%Y-%m-%d %H:%M}"


def count_or_unknown(count: int | None) -> str:
    return _tr("?") if count is None else f"{count:,}"


def kind_labels() -> dict[BackupKind, str]:
    return {
        BackupKind.AUTOMATIC: _tr("Daily"),
        BackupKind.MANUAL: _tr("By hand"),
        BackupKind.BEFORE_RESTORE: _tr("Before a restore"),
        BackupKind.BEFORE_UPGRADE: _tr("Before an upgrade"),
        BackupKind.OTHER: _tr("Other"),
    }


def status_text(info: BackupInfo) -> str:
    if not info.checked:
        return _tr("Checking…")
    return _tr("OK") if info.ok else _tr("Damaged")


def backup_summary(info: BackupInfo) -> str:
    """"the backup from 2026-11-20 10:00 (312 customers, 48 follow-ups)"."""
    return _tr("the backup from {0} ({1} customers, {2} follow-ups)").format(
        when_text(info), count_or_unknown(info.customers), count_or_unknown(info.follow_ups))


def fallback_text(info: BackupInfo) -> str:
    """The sentence that says a backup did not go to the owner's chosen folder, or ""."""
    if info.fell_back_from is None:
        return ""
    return _tr("Your backup folder {0} is not available (is the USB stick plugged in?), so "
               "the backup was saved in {1}.").format(str(info.fell_back_from),
                                                      str(info.path.parent))


class BackupTableModel(QAbstractTableModel):
    """The backups, newest first; a thin adapter over a list of frozen BackupInfo."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backups: list[BackupInfo] = []
        self._headers = (self.tr("Taken"), self.tr("Kind"), self.tr("Customers"),
                         self.tr("Follow-ups"), self.tr("Size"), self.tr("Check"))
        self._kinds = kind_labels()

    def set_backups(self, backups: list[BackupInfo]) -> None:
        self.beginResetModel()
        self._backups = list(backups)
        self.endResetModel()

    def backups(self) -> list[BackupInfo]:
        return list(self._backups)

    def info(self, row: int) -> BackupInfo | None:
        return self._backups[row] if 0 <= row < len(self._backups) else None

    def row_of(self, path: Path) -> int:
        return next((row for row, info in enumerate(self._backups) if info.path == path), -1)

    def replace(self, info: BackupInfo) -> None:
        row = self.row_of(info.path)
        if row < 0:
            return
        self._backups[row] = info
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    # -- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._backups)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        info = self.info(index.row())
        if info is None:
            return None
        column = index.column()
        if role == INFO_ROLE:
            return info
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(info, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = str(info.path)
            if info.checked and not info.ok and info.problem:
                tip += "\n" + self.tr("Problem: {0}").format(info.problem)
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
                COL_CUSTOMERS, COL_FOLLOW_UPS, COL_SIZE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if (role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS and info.checked
                and not info.ok):
            # The theme has no "error" role; a strong red reads in light and dark alike.
            return QBrush(QColor(Qt.GlobalColor.red))
        return None

    def _display(self, info: BackupInfo, column: int) -> str | None:
        if column == COL_DATE:
            return when_text(info)
        if column == COL_KIND:
            return self._kinds.get(info.kind, info.kind.value)
        if column == COL_CUSTOMERS:
            return count_or_unknown(info.customers)
        if column == COL_FOLLOW_UPS:
            return count_or_unknown(info.follow_ups)
        if column == COL_SIZE:
            return size_text(info.size)
        if column == COL_STATUS:
            return status_text(info)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None


