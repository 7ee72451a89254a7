"""The customer timeline model: one row per timeline entry, newest first, with an icon per kind."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from html import escape
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from smallbiz_crm.domain.records.customers import TimelineEntry
from smallbiz_crm.paths import resource
from smallbiz_crm.ui.text import day_text

COL_WHEN, COL_TITLE, COL_DETAIL = range(3)
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # the entry's kind, e.g. "interaction:call"
REF_ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the id of the row in its own table
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 3  # the detail text, also on the title column
WHEN_ROLE = Qt.ItemDataRole.UserRole + 4  # the entry's datetime

Index = QModelIndex | QPersistentModelIndex

_icons: dict[str, QIcon] = {}


def icon_name(kind: str) -> str:
    """The icon file (without .svg) for a timeline kind: "interaction:call" → "call"."""
    source, _, sub = kind.partition(":")
    return sub or source


def kind_icon(kind: str) -> QIcon:
    """The kind's icon, loaded once; an unknown kind gets an empty icon."""
    name = icon_name(kind)
    icon = _icons.get(name)
    if icon is None:
        path = resource("icons", f"{name}.svg")
        icon = QIcon(str(path)) if path.is_file() else QIcon()
        _icons[name] = icon
    return icon


def entry_tooltip(entry: TimelineEntry) -> str:
    """All of the entry (the view elides long text), escaped: a tooltip renders markup."""
    when = (f"{entry.when:%Y-%m-%d %H:%M}" if entry.when.time() != time.min
            else day_text(entry.when))
    lines = [f"<b>{escape(entry.title)}</b>", escape(when)]
    if entry.detail:
        lines.append(escape(entry.detail).replace("\n", "<br>"))
    # <qt> forces rich text, which also makes Qt wrap a long tooltip.
    return "<qt>" + "<br>".join(lines) + "</qt>"


class TimelineTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[TimelineEntry] = []
        self._headers = (self.tr("Date"), self.tr("What"), self.tr("Details"))

    def set_entries(self, entries: Sequence[TimelineEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entries(self) -> list[TimelineEntry]:
        return list(self._entries)

    def entry(self, row: int) -> TimelineEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entry(index.row())
        if entry is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_WHEN:
                return day_text(entry.when)
            if column == COL_TITLE:
                return entry.title
            if column == COL_DETAIL:
                return entry.detail
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry_tooltip(entry)
        if role == Qt.ItemDataRole.DecorationRole and column == COL_TITLE:
            return kind_icon(entry.kind)
        if role == KIND_ROLE:
            return entry.kind
        if role == REF_ID_ROLE:
            return entry.ref_id
        if role == DETAIL_ROLE:
            return entry.detail
        if role == WHEN_ROLE:
            return entry.when
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None
