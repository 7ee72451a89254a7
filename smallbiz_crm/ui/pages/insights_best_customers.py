"""The best customers' table on the Insights page: rank, the parts of the RFM score, a gesture."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.domain.records.insights import BestCustomer
from smallbiz_crm.ui.pages.insights_cards import day_text

Index = QModelIndex | QPersistentModelIndex

COL_RANK = 0
COL_NAME = 1
COL_LAST = 2
COL_PURCHASES = 3
COL_MONEY = 4
COL_R = 5
COL_F = 6
COL_M = 7
COL_SCORE = 8
COL_GESTURE = 9
_COLUMNS = 10
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class BestCustomersModel(QAbstractTableModel):
    """The top customers by RFM score, with the parts of the score."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.customers: list[BestCustomer] = []
        self._headers = [self.tr("#"), self.tr("Customer"), self.tr("Last purchase"),
                         self.tr("Purchases"), self.tr("Money"), self.tr("R"), self.tr("F"),
                         self.tr("M"), self.tr("Score"), self.tr("Gesture")]
        self._tips = [self.tr("Rank"), "", self.tr("The day of their last purchase"),
                      self.tr("Purchases in the period"),
                      self.tr("What their purchases in the period came to"),
                      self.tr("Recency: 1–5 by fifths of the customers who bought"),
                      self.tr("Frequency: 1–5 by fifths of the customers who bought"),
                      self.tr("Money: 1–5 by fifths of the customers who bought"),
                      self.tr("R + F + M, 3–15"),
                      self.tr("Received a gesture in the period")]

    def set_customers(self, customers: Sequence[BestCustomer]) -> None:
        self.beginResetModel()
        self.customers = list(customers)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.customers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.customers):
            return None
        customer = self.customers[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = {
                COL_RANK: f"{index.row() + 1}", COL_NAME: customer.name,
                COL_LAST: day_text(customer.last_purchase),
                COL_PURCHASES: f"{customer.purchases:,}",
                COL_MONEY: format_cents(customer.money_cents),
                COL_R: f"{customer.recency}", COL_F: f"{customer.frequency}",
                COL_M: f"{customer.monetary}", COL_SCORE: f"{customer.score}",
                COL_GESTURE: self.tr("yes") if customer.received_gesture else ""}
            return values.get(column)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_NAME:
            return self.tr("{0} — double-click to open").format(customer.name)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            left = column in (COL_NAME, COL_LAST, COL_GESTURE)
            return int((Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignRight)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column == COL_SCORE:
            font = QFont()
            font.setBold(True)
            return font
        if role == CUSTOMER_ID_ROLE:
            return customer.customer_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _COLUMNS:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips[section] or None
        return None
