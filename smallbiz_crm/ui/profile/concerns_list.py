"""Concerns waiting for an answer, the most urgent first, overdue ones in red."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.concerns import ConcernRow
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.concern_dialog import (
    RespondDialog,
    channel_labels,
    concern_kind_labels,
    due_day_text,
    time_left_text,
)
from smallbiz_crm.ui.widgets.qt_helpers import named

Index = QModelIndex | QPersistentModelIndex

COL_TIME_LEFT = 0
COL_CUSTOMER = 1
COL_SUMMARY = 2
COL_DUE = 3
COLUMN_COUNT = 4

ID_ROLE = Qt.ItemDataRole.UserRole
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 2

# The theme has no "error" colour; a strong red reads on light and dark backgrounds alike.
OVERDUE_COLOR = QColor(Qt.GlobalColor.red)
REFRESH_MS = 60_000


class ConcernsTableModel(QAbstractTableModel):
    """A thin adapter over ConcernRow records; texts are worked out against `now`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ConcernRow] = []
        self._now = datetime.min
        self._kinds = {kind.value: label for kind, label in concern_kind_labels().items()}
        self._channels = {channel.value: label for channel, label in channel_labels().items()}
        self._headers = {COL_TIME_LEFT: self.tr("Time left"), COL_CUSTOMER: self.tr("Customer"),
                         COL_SUMMARY: self.tr("Concern"), COL_DUE: self.tr("Answer by")}

    def set_rows(self, rows: list[ConcernRow], now: datetime) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._now = now
        self.endResetModel()

    def row_at(self, row: int) -> ConcernRow:
        return self._rows[row]

    def rows(self) -> list[ConcernRow]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and section in self._headers):
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_TIME_LEFT:
                return time_left_text(row.time_left)
            if column == COL_CUSTOMER:
                return row.customer_name
            if column == COL_SUMMARY:
                return " ".join(row.summary.split())
            if column == COL_DUE:
                return due_day_text(row.response_due_at, self._now)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(OVERDUE_COLOR) if row.overdue else None
        if role == Qt.ItemDataRole.ToolTipRole:
            kind = self._kinds.get(row.kind, row.kind)
            channel = self._channels.get(row.channel, row.channel)
            lines = [row.summary,
                     self.tr("{0} by {1}, received {2}").format(
                         kind, channel.lower(), f"{row.received_at:%Y-%m-%d %H:%M}")]
            if row.customer_phone:
                lines.append(self.tr("Phone: {0}").format(row.customer_phone))
            return "\n".join(lines)
        if role == ID_ROLE:
            return row.id
        if role == CUSTOMER_ID_ROLE:
            return row.customer_id
        if role == OVERDUE_ROLE:
            return row.overdue
        return None


MAX_SHOWN = 300


class ConcernsList(QWidget):
    """The waiting concerns with one-click actions; give it a customer to show only theirs."""

    open_customer = Signal(int)
    data_changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None,
                 customer_id: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("concernsList")
        self.services = services
        self.concerns = services.concerns
        self.customer_id = customer_id
        self.respond_dialog: RespondDialog | None = None

        self.model = ConcernsTableModel(self)
        self.table = named(QTableView(), "concernsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(COL_TIME_LEFT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_CUSTOMER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_SUMMARY, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_DUE, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(COL_CUSTOMER, 170)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())

        self.empty_label = named(QLabel(self.tr("No concern is waiting for an answer.")),
                                 "concernsEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.respond_button = named(QPushButton(self.tr("Answered…")), "respondButton")
        self.respond_button.setToolTip(self.tr("Record when and how you answered"))
        self.resolve_button = named(QPushButton(self.tr("Resolved")), "resolveButton")
        self.resolve_button.setToolTip(self.tr("Sorted out now: marks it answered and resolved"))
        self.open_button = named(QPushButton(self.tr("Open customer")), "openCustomerButton")
        self.respond_button.clicked.connect(self.respond_selected)
        self.resolve_button.clicked.connect(self.resolve_selected)
        self.open_button.clicked.connect(self.open_selected)

        for button in (self.respond_button, self.resolve_button, self.open_button):
            action = QAction(button.text(), self.table)
            action.triggered.connect(button.click)
            self.table.addAction(action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.button_row = QWidget()
        buttons = QHBoxLayout(self.button_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.respond_button)
        buttons.addWidget(self.resolve_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.button_row)

        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        # "due in 3 h" goes stale while the list sits on screen.
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.refresh()

    def set_customer(self, customer_id: int | None) -> None:
        self.customer_id = customer_id
        self.refresh()

    def refresh(self) -> None:
        """Reload the waiting concerns, keeping the selected one selected."""
        selected = self.selected_id()
        now = self.services.clock()
        # The most urgent few hundred: a shop with 10,000 waiting has other problems, and
        # loading them all took ~240 ms on the UI thread every minute.
        rows = self.concerns.waiting(now, customer_id=self.customer_id, limit=MAX_SHOWN)
        self.model.set_rows(rows, now)
        empty = not rows
        self.table.setVisible(not empty)
        self.button_row.setVisible(not empty)
        self.empty_label.setVisible(empty)
        if selected is not None:
            for number, row in enumerate(rows):
                if row.id == selected:
                    self.table.selectRow(number)
                    break
        self._update_buttons()

    def _tick(self) -> None:
        if self.isVisible():
            self.refresh()

    def selected_row(self) -> ConcernRow | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        return self.model.row_at(indexes[0].row())

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return None if row is None else row.id

    def select_concern(self, concern_id: int) -> bool:
        for number, row in enumerate(self.model.rows()):
            if row.id == concern_id:
                self.table.selectRow(number)
                return True
        return False

    def _update_buttons(self) -> None:
        has = self.selected_row() is not None
        for button in (self.respond_button, self.resolve_button, self.open_button):
            button.setEnabled(has)

    def respond_selected(self) -> RespondDialog | None:
        """Open the answer dialog (not modal-blocking) for the selected concern."""
        row = self.selected_row()
        if row is None:
            return None
        try:
            dialog = RespondDialog(self.services, row.id, self)
        except NotFoundError:
            self.refresh()
            return None
        dialog.accepted.connect(self._changed)
        self.respond_dialog = dialog
        dialog.open()
        return dialog

    def resolve_selected(self) -> bool:
        row = self.selected_row()
        if row is None:
            return False
        try:
            self.concerns.resolve(row.id, self.services.clock())
        except NotFoundError:
            self.refresh()  # removed elsewhere in the meantime
            return False
        except ValidationError as exc:
            QMessageBox.warning(self, self.tr("Cannot mark it resolved"), str(exc))
            return False
        self._changed()
        return True

    def open_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.open_customer.emit(row.customer_id)

    def _changed(self) -> None:
        self.refresh()
        self.data_changed.emit()
