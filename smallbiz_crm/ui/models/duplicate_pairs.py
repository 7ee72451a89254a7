"""The table of possible duplicates: each pair, who the two are, and why they look alike."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from smallbiz_crm.domain.records.duplicates import (
    REASON_EMAIL,
    REASON_NAME,
    REASON_PHONE,
    DuplicatePair,
)

COL_LEFT_NAME, COL_LEFT_CONTACT, COL_RIGHT_NAME, COL_RIGHT_CONTACT, COL_REASON = range(5)
PAIR_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def contact_text(email: str, phone: str) -> str:
    return " · ".join(part for part in (email, phone) if part)


class DuplicatePairModel(QAbstractTableModel):
    """The pairs found, surest first; a thin adapter over a list of frozen DuplicatePairs."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pairs: list[DuplicatePair] = []
        self._headers = (self.tr("Left customer"), self.tr("Email / phone"),
                         self.tr("Right customer"), self.tr("Email / phone"), self.tr("Why"))
        self._reasons = {REASON_EMAIL: self.tr("Same email"),
                         REASON_PHONE: self.tr("Same phone"),
                         REASON_NAME: self.tr("Similar names")}

    def set_pairs(self, pairs: list[DuplicatePair]) -> None:
        self.beginResetModel()
        self._pairs = list(pairs)
        self.endResetModel()

    def pairs(self) -> list[DuplicatePair]:
        return list(self._pairs)

    def pair(self, row: int) -> DuplicatePair | None:
        return self._pairs[row] if 0 <= row < len(self._pairs) else None

    def reason_text(self, reason: str) -> str:
        return self._reasons.get(reason, reason)

    def remove_rows_where(self, involved: set[int] | None = None,
                          pair_ids: frozenset[int] | None = None) -> None:
        """Drop the pairs naming any of `involved`, or the one pair `pair_ids`."""
        for row in range(len(self._pairs) - 1, -1, -1):
            pair = self._pairs[row]
            if (involved is not None and (pair.left_id in involved
                                          or pair.right_id in involved)) or (
                    pair_ids is not None and pair.ids == pair_ids):
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._pairs[row]
                self.endRemoveRows()

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._pairs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        pair = self.pair(index.row())
        if pair is None:
            return None
        if role == PAIR_ROLE:
            return pair
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_REASON:
            return self.tr("{0} ({1:.0%} sure)").format(self.reason_text(pair.reason),
                                                        pair.score)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == COL_LEFT_NAME:
            return pair.left_name
        if column == COL_LEFT_CONTACT:
            return contact_text(pair.left_email, pair.left_phone)
        if column == COL_RIGHT_NAME:
            return pair.right_name
        if column == COL_RIGHT_CONTACT:
            return contact_text(pair.right_email, pair.right_phone)
        if column == COL_REASON:
            return self.reason_text(pair.reason)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None
