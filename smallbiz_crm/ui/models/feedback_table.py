"""Feedback models: a tree grouped by product then status, with counts, and the owed-news list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from smallbiz_crm.domain.kinds import FeedbackKind, FeedbackStatus
from smallbiz_crm.domain.records.feedback import NO_PRODUCT, FeedbackRow
from smallbiz_crm.services.feedback import STATUS_ORDER
from smallbiz_crm.ui.text import day_text

Index = QModelIndex | QPersistentModelIndex

COL_TEXT, COL_CUSTOMER, COL_KIND, COL_RATING, COL_RECEIVED, COL_TOLD = range(6)
FEEDBACK_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # on item rows; None on group rows
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 2
NODE_KIND_ROLE = Qt.ItemDataRole.UserRole + 3  # PRODUCT_NODE, STATUS_NODE or ITEM_NODE
STATUS_ROLE = Qt.ItemDataRole.UserRole + 4  # the status value, on status and item rows
GROUP_KEY_ROLE = Qt.ItemDataRole.UserRole + 5  # stable key of a group row, for expand state
COUNT_ROLE = Qt.ItemDataRole.UserRole + 6  # items under a group row

PRODUCT_NODE, STATUS_NODE, ITEM_NODE = "product", "status", "item"


def _tr(text: str) -> str:
    return QCoreApplication.translate("Feedback", text)


def status_labels() -> dict[FeedbackStatus, str]:
    return {
        FeedbackStatus.NEW: _tr("New"),
        FeedbackStatus.CONSIDERED: _tr("Considered"),
        FeedbackStatus.PLANNED: _tr("Planned"),
        FeedbackStatus.DONE: _tr("Done"),
        FeedbackStatus.DECLINED: _tr("Declined"),
    }


def kind_labels() -> dict[FeedbackKind, str]:
    return {
        FeedbackKind.IDEA: _tr("Idea"),
        FeedbackKind.COMPLAINT: _tr("Complaint"),
        FeedbackKind.PRAISE: _tr("Praise"),
    }


def label_of(labels: dict[Any, str], value: str) -> str:
    return labels.get(value, value)


def stars(rating: int | None) -> str:
    return "" if rating is None else "★" * rating + "☆" * (5 - rating)


def feedback_tooltip(row: FeedbackRow) -> str:
    """Everything about one item (the view elides long text), escaped for rich text."""
    about = row.product_name or _tr("no particular product")
    lines = [f"<b>{escape(row.customer_name)}</b> — {escape(about)}",
             escape(row.text).replace("\n", "<br>"),
             escape(_tr("{0}, received {1}").format(
                 label_of(kind_labels(), row.kind), day_text(row.received_on)))]
    if row.rating is not None:
        lines.append(escape(_tr("Rating: {0} of 5").format(row.rating)))
    return "<qt>" + "<br>".join(lines) + "</qt>"


def told_text(row: FeedbackRow) -> str:
    if row.customer_told_at is not None:
        return _tr("told {0}").format(day_text(row.customer_told_at))
    if row.is_closed:
        return _tr("not yet")
    return ""


class _Node:
    """One row of the tree; the model keeps every node alive while it is shown."""

    __slots__ = ("children", "count", "key", "kind", "label", "parent", "record", "row",
                 "status")

    def __init__(self, kind: str, parent: _Node | None, row: int, label: str = "",
                 key: str = "", status: str = "", record: FeedbackRow | None = None) -> None:
        self.kind = kind
        self.parent = parent
        self.row = row
        self.label = label
        self.key = key
        self.status = status
        self.record = record
        self.children: list[_Node] = []
        self.count = 0


class FeedbackTreeModel(QAbstractItemModel):
    """Products (by name; "no product" last) → statuses (in lifecycle order) → feedback."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Node("root", None, 0)
        self._rows: list[FeedbackRow] = []
        self._headers = (self.tr("Feedback"), self.tr("Customer"), self.tr("Kind"),
                         self.tr("Rating"), self.tr("Received"), self.tr("Customer told"))

    # -- content ----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[FeedbackRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._root = self._build(self._rows)
        self.endResetModel()

    def rows(self) -> list[FeedbackRow]:
        return list(self._rows)

    @staticmethod
    def _build(rows: Sequence[FeedbackRow]) -> _Node:
        root = _Node("root", None, 0)
        grouped: dict[int | None, dict[str, list[FeedbackRow]]] = {}
        names: dict[int | None, str] = {}
        for row in rows:
            grouped.setdefault(row.product_id, {}).setdefault(row.status, []).append(row)
            names[row.product_id] = row.product_name
        product_ids = sorted(grouped, key=lambda pid: (pid is None, names[pid].casefold()))
        statuses = status_labels()
        for product_id in product_ids:
            product = _Node(PRODUCT_NODE, root, len(root.children),
                            names[product_id] or _tr("No particular product"),
                            key=f"p{product_id if product_id is not None else NO_PRODUCT}")
            root.children.append(product)
            by_status = grouped[product_id]
            for status in STATUS_ORDER:
                items = by_status.get(status.value)
                if not items:
                    continue
                group = _Node(STATUS_NODE, product, len(product.children),
                              statuses[status], key=f"{product.key}/{status.value}",
                              status=status.value)
                product.children.append(group)
                group.children = [_Node(ITEM_NODE, group, i, status=status.value, record=item)
                                  for i, item in enumerate(items)]
                group.count = len(items)
                product.count += group.count
        return root

    def node(self, index: Index) -> _Node:
        if index.isValid():
            node = index.internalPointer()
            assert isinstance(node, _Node)
            return node
        return self._root

    def feedback_ids_under(self, index: Index) -> list[int]:
        """The feedback at `index`: one item, or everything in a product or status group."""
        found: list[int] = []
        stack = [self.node(index)]
        while stack:
            node = stack.pop()
            if node.record is not None:
                found.append(node.record.id)
            stack.extend(reversed(node.children))
        return found

    def record(self, index: Index) -> FeedbackRow | None:
        return self.node(index).record if index.isValid() else None

    def index_of_feedback(self, feedback_id: int) -> QModelIndex:
        for product in self._root.children:
            for group in product.children:
                for item in group.children:
                    if item.record is not None and item.record.id == feedback_id:
                        return self.createIndex(item.row, 0, item)
        return QModelIndex()

    def group_indexes(self) -> Iterable[QModelIndex]:
        """Every product and status row, parents before children."""
        for product in self._root.children:
            yield self.createIndex(product.row, 0, product)
            for group in product.children:
                yield self.createIndex(group.row, 0, group)

    # -- Qt model interface -----------------------------------------------------------------

    def index(self, row: int, column: int,
              parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008 - Qt signature
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        node = self.node(parent)
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        up = self.node(index).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return len(self._headers)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        column = index.column()
        if role == NODE_KIND_ROLE:
            return node.kind
        if role == GROUP_KEY_ROLE:
            return node.key or None
        if role == STATUS_ROLE:
            return node.status or None
        if node.record is None:
            return self._group_data(node, column, role)
        return self._item_data(node.record, column, role)

    def _group_data(self, node: _Node, column: int, role: int) -> Any:
        if role == COUNT_ROLE:
            return node.count
        if role == Qt.ItemDataRole.DisplayRole and column == COL_TEXT:
            return self.tr("{0}  ({1})").format(node.label, f"{node.count:,}")
        if role == Qt.ItemDataRole.FontRole and column == COL_TEXT:
            font = QFont(QApplication.font())
            font.setBold(True)
            return font
        if (role == Qt.ItemDataRole.ForegroundRole and node.kind == STATUS_NODE
                and FeedbackStatus(node.status).is_closed):
            return QApplication.palette().brush(QPalette.ColorGroup.Active,
                                                QPalette.ColorRole.PlaceholderText)
        return None

    def _item_data(self, record: FeedbackRow, column: int, role: int) -> Any:
        if role == FEEDBACK_ID_ROLE:
            return record.id
        if role == CUSTOMER_ID_ROLE:
            return record.customer_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return feedback_tooltip(record)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_TEXT:
                return " ".join(record.text.split())
            if column == COL_CUSTOMER:
                return record.customer_name
            if column == COL_KIND:
                return label_of(kind_labels(), record.kind)
            if column == COL_RATING:
                return stars(record.rating)
            if column == COL_RECEIVED:
                return day_text(record.received_on)
            if column == COL_TOLD:
                return told_text(record)
        if role == Qt.ItemDataRole.FontRole and column == COL_TOLD and record.owes_news:
            font = QFont(QApplication.font())
            font.setItalic(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None


class OwedNewsModel(QAbstractTableModel):
    """Done or declined feedback whose customer has not heard yet, oldest news first.

    One column of two-line entries (who, outcome and follow-up; then what it was about), so
    the list reads well in a narrow side panel.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[FeedbackRow] = []
        self._today: date | None = None

    def set_rows(self, rows: Sequence[FeedbackRow], today: date | None = None) -> None:
        """`today` lets a follow-up already past its date read as overdue."""
        self.beginResetModel()
        self._rows = list(rows)
        self._today = today
        self.endResetModel()

    def rows(self) -> list[FeedbackRow]:
        return list(self._rows)

    def record(self, row: int) -> FeedbackRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else 1

    def heading(self, record: FeedbackRow) -> str:
        outcome = label_of(status_labels(), record.status)
        due = record.tell_them_due_on
        if due is None:
            follow_up = _tr("no follow-up yet")
        elif self._today is not None and due < self._today:
            follow_up = _tr("overdue since {0}").format(day_text(due))
        else:
            follow_up = _tr("follow-up due {0}").format(day_text(record.tell_them_due_on))
        return f"{record.customer_name} · {outcome} · {follow_up}"

    @staticmethod
    def about(record: FeedbackRow) -> str:
        text = " ".join(record.text.split())
        return f"{record.product_name}: {text}" if record.product_name else text

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        if role == FEEDBACK_ID_ROLE:
            return record.id
        if role == CUSTOMER_ID_ROLE:
            return record.customer_id
        if role == STATUS_ROLE:
            return record.status
        if role == Qt.ItemDataRole.ToolTipRole:
            return feedback_tooltip(record)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{self.heading(record)}\n{self.about(record)}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and section == 0):
            return self.tr("Owed news")
        return None
