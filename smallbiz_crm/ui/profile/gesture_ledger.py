"""One customer's own gesture ledger, for the profile: each gesture, what followed, total cost."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.what_followed import DEFAULT_WINDOW_DAYS
from smallbiz_crm.ui.dialogs.gesture_dialog import GestureDialog, OutcomeDialog
from smallbiz_crm.ui.models.gesture_table import (
    COL_COST,
    COL_CUSTOMER,
    COL_DATE,
    COL_DESCRIPTION,
    COL_FOLLOWED,
    COL_KIND,
    COL_OCCASION,
    COL_OUTCOME,
    GestureTableModel,
    ledger_total_text,
)


class GestureLedgerWidget(QWidget):
    """The gestures of the customer shown by show_customer(), newest first, with their total
    cost and what followed each (within `window_days`). Its buttons log a new gesture and note
    an outcome; `data_changed` is emitted after either wrote something."""

    data_changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gestureLedger")
        self.services = services
        self.gestures = services.gestures
        self.customer_id: int | None = None
        self.window_days = DEFAULT_WINDOW_DAYS
        self.total_cents = 0

        self.total_label = QLabel(objectName="gestureLedgerTotal")
        self.total_label.setTextFormat(Qt.TextFormat.PlainText)
        self.log_button = QPushButton(self.tr("Log gesture…"), objectName="ledgerLogButton")
        self.outcome_button = QPushButton(self.tr("Set outcome…"),
                                          objectName="ledgerOutcomeButton")
        self.model = GestureTableModel(self)
        self.table = QTableView(objectName="gestureLedgerTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setColumnHidden(COL_CUSTOMER, True)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        # Narrow enough for the profile panel to show date to what followed.
        for column, width in ((COL_DATE, 80), (COL_KIND, 136), (COL_DESCRIPTION, 170),
                              (COL_COST, 56), (COL_FOLLOWED, 200), (COL_OCCASION, 120),
                              (COL_OUTCOME, 150)):
            self.table.setColumnWidth(column, width)

        top = QHBoxLayout()
        top.addWidget(self.total_label, 1)
        top.addWidget(self.log_button)
        top.addWidget(self.outcome_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        self.log_button.clicked.connect(self.open_log_dialog)
        self.outcome_button.clicked.connect(self.open_outcome_dialog)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.show_customer(None)

    # -- content ----------------------------------------------------------------------------

    def show_customer(self, customer_id: int | None) -> None:
        """Show this customer's gestures (None: empty). One customer's ledger is small: read
        on this thread."""
        self.customer_id = customer_id
        if customer_id is None:
            self.model.set_rows([])
            self.total_cents = 0
            self.total_label.setText("")
        else:
            rows, self.total_cents = self.gestures.for_customer(customer_id)
            followed = self.gestures.what_followed([row.id for row in rows], self.window_days)
            self.model.set_rows(rows, followed)
            self.total_label.setText(ledger_total_text(len(rows), self.total_cents))
        self._update_buttons()

    def refresh(self) -> None:
        self.show_customer(self.customer_id)

    def set_window_days(self, days: int) -> None:
        self.window_days = days
        self.refresh()

    def selected_gesture_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [gesture.id for row in rows if (gesture := self.model.gesture(row)) is not None]

    def _update_buttons(self) -> None:
        self.log_button.setEnabled(self.customer_id is not None)
        self.outcome_button.setEnabled(bool(self.selected_gesture_ids()))

    # -- actions ----------------------------------------------------------------------------

    def open_log_dialog(self) -> GestureDialog | None:
        """Open the log dialog for this customer (window-modal, not blocking); returns it."""
        if self.customer_id is None:
            return None
        try:
            dialog = GestureDialog(self.services, [self.customer_id], self)
        except NotFoundError:
            self.refresh()
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._after_write)
        dialog.open()
        return dialog

    def open_outcome_dialog(self) -> OutcomeDialog | None:
        ids = self.selected_gesture_ids()
        if not ids:
            return None
        try:
            dialog = OutcomeDialog(self.services, ids, self)
        except NotFoundError:
            self.refresh()
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._after_write)
        dialog.open()
        return dialog

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.table.selectRow(index.row())
            self.open_outcome_dialog()

    def _after_write(self) -> None:
        self.refresh()
        self.data_changed.emit()
