"""Start a cadence by hand: choose the cadence, the first day and the customers."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.cadences import step_due
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.follow_up_dialog import from_qdate, to_qdate
from smallbiz_crm.ui.models.follow_up_table import due_text, kind_label
from smallbiz_crm.ui.widgets.customer_picker import CustomerPicker
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen, named
from smallbiz_crm.user_errors import user_message

ID_ROLE = Qt.ItemDataRole.UserRole


class ApplyCadenceDialog(QDialog):
    """Start a cadence by hand for some customers from a chosen day; shows the dates first."""

    def __init__(self, services: Services, customer_ids: list[int] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("applyCadenceDialog")
        self.setWindowTitle(self.tr("Start a cadence"))
        self.services = services
        self.cadences = services.cadences
        self.calendar = services.calendar.calendar()
        self.created_ids: list[int] = []
        self._customers: dict[int, str] = {}

        self.errors = FieldErrors()
        self.cadence_combo = named(QComboBox(), "cadenceCombo")
        for record in self.cadences.all():
            self.cadence_combo.addItem(record.name, record.id)
        self.start_edit = named(QDateEdit(), "startEdit")
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("ddd yyyy-MM-dd")
        self.start_edit.setDate(to_qdate(services.clock().date()))
        self.customer_list = named(QListWidget(), "customerList")
        self.customer_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.customer_list.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        self.customer_list.setToolTip(self.tr("Archived and not-pursued customers are left "
                                              "out when the cadence starts."))
        self.picker = named(CustomerPicker(services, phone_first=True), "customerPicker")
        self.picker.setPlaceholderText(self.tr("Add a customer: type part of a name…"))
        self.remove_button = named(QPushButton(self.tr("Remove")), "removeCustomer")
        self.remove_button.setAutoDefault(False)
        pick_row = QHBoxLayout()
        pick_row.setContentsMargins(0, 0, 0, 0)
        pick_row.addWidget(self.picker, 1)
        pick_row.addWidget(self.remove_button)
        customers_box = QWidget()
        customers_column = QVBoxLayout(customers_box)
        customers_column.setContentsMargins(0, 0, 0, 0)
        customers_column.addWidget(self.customer_list, 1)
        customers_column.addLayout(pick_row)
        self.preview = named(QLabel(), "cadencePreview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.addRow(self.tr("Cadence"), self.cadence_combo)
        self.errors.add_row(form, self.tr("Starting"), "start", self.start_edit)
        self.errors.add_row(form, self.tr("Customers"), "customers", customers_box)
        form.addRow(self.tr("Follow-ups"), self.preview)

        buttons = QDialogButtonBox()
        self.apply_button = named(QPushButton(self.tr("Start cadence")), "applyButton")
        self.apply_button.setDefault(True)
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        buttons.rejected.connect(self.reject)
        self.apply_button.clicked.connect(self.apply)

        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        fit_to_screen(self, 600, 420)
        self.remove_button.setEnabled(False)
        self.customer_list.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.customer_list.selectedItems())))

        self.cadence_combo.currentIndexChanged.connect(self.update_preview)
        self.start_edit.dateChanged.connect(self.update_preview)
        self.picker.chosen.connect(self._on_picked)
        self.remove_button.clicked.connect(self.remove_selected)
        for customer_id in customer_ids or ():
            customer = services.customers.get(customer_id)
            self.add_customer(customer.id, customer.name)
        self.update_preview()

    def select_cadence(self, cadence_id: int) -> None:
        self.cadence_combo.setCurrentIndex(max(self.cadence_combo.findData(cadence_id), 0))

    def add_customer(self, customer_id: int, name: str) -> None:
        if customer_id in self._customers:
            return
        self._customers[customer_id] = name
        item = QListWidgetItem(name)
        item.setData(ID_ROLE, customer_id)
        self.customer_list.addItem(item)

    def customer_ids(self) -> list[int]:
        return list(self._customers)

    def _on_picked(self, customer_id: int | None) -> None:
        if customer_id is not None:
            self.add_customer(customer_id, self.picker.text())
            self.picker.clear()

    def remove_selected(self) -> None:
        for item in self.customer_list.selectedItems():
            self._customers.pop(int(item.data(ID_ROLE)), None)
            self.customer_list.takeItem(self.customer_list.row(item))

    def update_preview(self) -> None:
        cadence_id = self.cadence_combo.currentData()
        record = next((r for r in self.cadences.all() if r.id == cadence_id), None)
        if record is None:
            self.preview.setText(self.tr("There are no cadences yet."))
            return
        start = from_qdate(self.start_edit.date())
        lines = []
        for step in record.steps:
            due = step_due(self.calendar, start, step.offset_days)
            line = f"{due_text(due)}  {kind_label(step.kind)} — {step.reason}"
            if step.needs_consent:
                line += "  " + self.tr("(only with consent)")
            lines.append(line)
        self.preview.setText("\n".join(lines))

    def apply(self) -> bool:
        self.errors.clear()
        cadence_id = self.cadence_combo.currentData()
        if cadence_id is None:
            self.errors.show(ValidationError.single("cadence", self.tr("Choose a cadence.")))
            return False
        start: date = from_qdate(self.start_edit.date())
        try:
            self.created_ids = self.cadences.apply(int(cadence_id), self.customer_ids(), start)
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except NotFoundError as exc:
            self.errors.show_message(user_message(exc) or str(exc))
            return False
        self.accept()
        return True
