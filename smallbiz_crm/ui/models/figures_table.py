"""A chart's numbers as a read-only table model: display strings under headers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

Index = QModelIndex | QPersistentModelIndex


class FiguresModel(QAbstractTableModel):
    """A chart's numbers as a read-only table: rows of display strings under headers; the
    columns in `numeric` are right-aligned."""

    def __init__(self, headers: Sequence[str] = (), numeric: Sequence[int] = (),
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.numeric = set(numeric)
        self.rows: list[tuple[str, ...]] = []
        self.colors: list[QColor] = []
        self.bold_last = False

    def set_rows(self, rows: Sequence[Sequence[str]], headers: Sequence[str] | None = None,
                 numeric: Sequence[int] | None = None, bold_last: bool = False,
                 colors: Sequence[QColor] = ()) -> None:
        """Show `rows`; `colors` mark the first cell of the first rows (a chart's legend)."""
        self.beginResetModel()
        self.colors = list(colors)
        if headers is not None:
            self.headers = list(headers)
        if numeric is not None:
            self.numeric = set(numeric)
        self.rows = [tuple(str(cell) for cell in row) for row in rows]
        self.bold_last = bold_last
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if index.column() >= len(row):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (Qt.AlignmentFlag.AlignRight if index.column() in self.numeric
                          else Qt.AlignmentFlag.AlignLeft)
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0 and \
                index.row() < len(self.colors):
            return self.colors[index.row()]
        if role == Qt.ItemDataRole.FontRole and self.bold_last and \
                index.row() == len(self.rows) - 1:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (Qt.AlignmentFlag.AlignRight if section in self.numeric
                          else Qt.AlignmentFlag.AlignLeft)
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None
