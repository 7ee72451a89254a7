"""The customer list model: every id in display order, row details fetched a page at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from smallbiz_crm.domain.records.customers import CustomerListRow

COL_NAME, COL_COMPANY, COL_STAGE, COL_PERSONA, COL_TAGS, COL_LAST_CONTACT, COL_NEXT = range(7)
# The service's sort keys, one per column.
SORT_KEYS = ("name", "company", "stage", "persona", "tags", "last_contact", "next_follow_up")
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE_SIZE = 200
CACHE_LIMIT = 5_000

Index = QModelIndex | QPersistentModelIndex
RowFetcher = Callable[[Sequence[int]], list[CustomerListRow]]


def _short_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    return day.isoformat()


class CustomerTableModel(QAbstractTableModel):
    """Holds only ids (100,000 ints are cheap); asks the service for the rows being looked at.

    Sorting and filtering happen in SQL: a proxy model over 100k Python rows is far too slow.
    """

    def __init__(self, fetch_rows: RowFetcher, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fetch_rows = fetch_rows
        self._ids: list[int] = []
        self._cache: dict[int, CustomerListRow] = {}
        self._headers = (self.tr("Name"), self.tr("Company"), self.tr("Stage"),
                         self.tr("Persona"), self.tr("Tags"), self.tr("Last contact"),
                         self.tr("Next follow-up"))
        self.sort_column = COL_NAME
        self.sort_order = Qt.SortOrder.AscendingOrder
        # Called with (column, order) when a header is clicked; the page reloads the ids.
        self.sort_requested: Callable[[int, Qt.SortOrder], None] | None = None

    # -- content ----------------------------------------------------------------------------

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._cache.clear()
        self.endResetModel()

    def ids(self) -> list[int]:
        return self._ids

    def refresh_rows(self, customer_ids: Sequence[int] | None = None) -> None:
        """Forget cached rows (all, or these customers) so they are read again."""
        if customer_ids is None:
            self._cache.clear()
        else:
            for cid in customer_ids:
                self._cache.pop(cid, None)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(self._headers) - 1))

    def customer_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, customer_id: int) -> int:
        try:
            return self._ids.index(customer_id)
        except ValueError:
            return -1

    def row_record(self, row: int) -> CustomerListRow | None:
        cid = self.customer_id(row)
        if cid is None:
            return None
        record = self._cache.get(cid)
        if record is None:
            self._load_page(row)
            record = self._cache.get(cid)
        return record

    def _load_page(self, row: int) -> None:
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        start = max(0, row - PAGE_SIZE // 4)
        wanted = [cid for cid in self._ids[start:start + PAGE_SIZE] if cid not in self._cache]
        for record in self._fetch_rows(wanted):
            self._cache[record.id] = record
        for cid in wanted:
            # A customer deleted meanwhile: remember a blank so the view does not ask again.
            self._cache.setdefault(cid, CustomerListRow(cid, "", "", "", "", "", None, None,
                                                        False))

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == CUSTOMER_ID_ROLE:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        record = self.row_record(index.row())
        if record is None:
            return None
        column = index.column()
        if column == COL_NAME:
            return record.name
        if column == COL_COMPANY:
            return record.company
        if column == COL_STAGE:
            return record.stage_name
        if column == COL_PERSONA:
            return record.persona_name
        if column == COL_TAGS:
            return record.tags
        if column == COL_LAST_CONTACT:
            return _short_date(record.last_contact_at)
        if column == COL_NEXT:
            return _short_date(record.next_follow_up_on)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(SORT_KEYS):
            return
        self.sort_column, self.sort_order = column, order
        if self.sort_requested is not None:
            self.sort_requested(column, order)
