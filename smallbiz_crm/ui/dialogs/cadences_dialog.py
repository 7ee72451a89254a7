"""Cadences: edit the templates and their steps, and start one by hand for chosen customers."""

from __future__ import annotations

import contextlib
from datetime import date

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.kinds import CadenceTrigger, FollowUpKind
from smallbiz_crm.domain.records.cadences import CadenceDraft, CadenceRecord, CadenceStepDraft
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.cadences import MAX_OFFSET_DAYS, step_due
from smallbiz_crm.services.errors import ConflictError, NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.settings import AUTO_PURCHASE_CADENCE
from smallbiz_crm.ui.dialogs.follow_up_dialog import CustomerPicker, from_qdate, to_qdate
from smallbiz_crm.ui.models.follow_up_table import (
    due_text,
    follow_up_icon,
    follow_up_kind_labels,
    kind_label,
)
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import named
from smallbiz_crm.user_errors import user_message

COL_DAY, COL_KIND, COL_REASON, COL_CONSENT = range(4)
ID_ROLE = Qt.ItemDataRole.UserRole


def _tr(text: str) -> str:
    return QCoreApplication.translate("Cadences", text)


def trigger_labels() -> dict[str, str]:
    return {
        CadenceTrigger.PURCHASE.value: _tr("After a purchase is logged"),
        CadenceTrigger.NEW_PROSPECT.value: _tr("For a new prospect"),
        CadenceTrigger.BIRTHDAY.value: _tr("On each birthday"),
        CadenceTrigger.MANUAL.value: _tr("Only when started by hand"),
    }


def step_text(offset_days: int, kind: str, reason: str) -> str:
    return _tr("Day {0}: {1} — {2}").format(offset_days, kind_label(kind), reason)


class CadencesDialog(QDialog):
    """The templates beside an editor for the chosen one's steps; the purchase switch below."""

    changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cadencesDialog")
        self.setWindowTitle(self.tr("Cadences"))
        self.services = services
        self.cadences = services.cadences
        self._records: list[CadenceRecord] = []
        self._current: CadenceRecord | None = None
        self._dirty = False
        self.resize(980, 560)

        intro = QLabel(self.tr(
            "A cadence is a series of follow-ups, each so many days after it starts. A day "
            "the shop is closed moves to the next business day. Steps marked “only with "
            "consent” are left out for customers who did not agree to be contacted."))
        intro.setWordWrap(True)

        self.cadence_list = named(QListWidget(), "cadenceList")
        self.cadence_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.new_button = named(QPushButton(self.tr("&New cadence")), "newCadence")
        self.delete_button = named(QPushButton(self.tr("&Delete…")), "deleteCadence")
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.new_button)
        list_buttons.addWidget(self.delete_button)
        list_buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.cadence_list, 1)
        left_layout.addLayout(list_buttons)

        self.errors = FieldErrors()
        self.name_edit = named(QLineEdit(), "cadenceName")
        self.name_edit.setPlaceholderText(self.tr("e.g. After a repair"))
        self.trigger_combo = named(QComboBox(), "triggerCombo")
        for value, label in trigger_labels().items():
            self.trigger_combo.addItem(label, value)
        self.active_check = named(QCheckBox(self.tr("In use")), "activeCheck")
        self.active_check.setToolTip(self.tr(
            "Switched off, the cadence never starts on its own; you can still start it by "
            "hand."))
        starts_box = QWidget()
        starts_row = QHBoxLayout(starts_box)
        starts_row.setContentsMargins(0, 0, 0, 0)
        starts_row.addWidget(self.trigger_combo, 1)
        starts_row.addWidget(self.active_check)

        self.steps_table = named(QTableWidget(0, 4), "stepsTable")
        self.steps_table.setHorizontalHeaderLabels(
            [self.tr("Day"), self.tr("Kind"), self.tr("What for"),
             self.tr("Only with consent")])
        self.steps_table.verticalHeader().setVisible(False)
        self.steps_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.steps_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.steps_table.horizontalHeader()
        header.setSectionResizeMode(COL_DAY, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_KIND, QHeaderView.ResizeMode.Fixed)
        self.steps_table.setColumnWidth(COL_KIND, 170)
        header.setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_CONSENT, QHeaderView.ResizeMode.ResizeToContents)
        self.steps_table.verticalHeader().setDefaultSectionSize(
            self.fontMetrics().height() + 16)
        self.add_step_button = named(QPushButton(self.tr("&Add step")), "addStep")
        self.remove_step_button = named(QPushButton(self.tr("&Remove step")), "removeStep")
        step_buttons = QHBoxLayout()
        step_buttons.setContentsMargins(0, 0, 0, 0)
        step_buttons.addWidget(self.add_step_button)
        step_buttons.addWidget(self.remove_step_button)
        step_buttons.addStretch(1)
        steps_box = QWidget()
        steps_column = QVBoxLayout(steps_box)
        steps_column.setContentsMargins(0, 0, 0, 0)
        steps_column.addWidget(self.steps_table, 1)
        steps_column.addLayout(step_buttons)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.errors.add_row(form, self.tr("Na&me"), "name", self.name_edit)
        self.errors.add_row(form, self.tr("Starts"), "trigger", starts_box)
        self.errors.add_row(form, self.tr("Steps"), "steps", steps_box)
        self.save_button = named(QPushButton(self.tr("&Save cadence")), "saveCadence")
        self.save_button.setDefault(True)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(form, 1)
        right_layout.addWidget(self.errors.general)
        right_layout.addLayout(save_row)

        splitter = named(QSplitter(Qt.Orientation.Horizontal), "cadencesSplitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([220, 760])

        self.auto_purchase_check = named(QCheckBox(self.tr(
            "Start the after-purchase cadence automatically whenever a purchase is logged")),
            "autoPurchaseCheck")
        self.auto_purchase_check.setChecked(bool(services.settings.get(AUTO_PURCHASE_CADENCE)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.auto_purchase_check, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self.name_edit.textEdited.connect(self._mark_dirty)
        self.trigger_combo.currentIndexChanged.connect(self._on_trigger_changed)
        self.active_check.toggled.connect(self._mark_dirty)
        self.cadence_list.currentItemChanged.connect(self._on_current_changed)
        self.new_button.clicked.connect(self._on_new_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.add_step_button.clicked.connect(lambda: self.add_step())
        self.remove_step_button.clicked.connect(self.remove_current_step)
        self.save_button.clicked.connect(self.save)
        self.auto_purchase_check.toggled.connect(self.set_auto_purchase)

        self.reload()
        if self._records:
            self.select_cadence(self._records[0].id)
        else:
            self.start_new()

    # -- the list ---------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        self._records = self.cadences.all()
        wanted = select_id if select_id is not None else (
            self._current.id if self._current is not None else None)
        labels = trigger_labels()
        self.cadence_list.blockSignals(True)
        self.cadence_list.clear()
        for record in self._records:
            item = QListWidgetItem(record.name)
            item.setData(ID_ROLE, record.id)
            starts = labels.get(record.trigger, record.trigger)
            if not record.active:
                starts = self.tr("{0} (switched off)").format(starts)
                item.setForeground(self.palette().brush(QPalette.ColorRole.PlaceholderText))
            item.setToolTip("\n".join(
                [starts, *(step_text(s.offset_days, s.kind, s.reason) for s in record.steps)]))
            self.cadence_list.addItem(item)
            if record.id == wanted:
                self.cadence_list.setCurrentItem(item)
        self.cadence_list.blockSignals(False)
        self.delete_button.setEnabled(self._current is not None)

    def cadence_names(self) -> list[str]:
        return [record.name for record in self._records]

    def select_cadence(self, cadence_id: int) -> None:
        for row in range(self.cadence_list.count()):
            item = self.cadence_list.item(row)
            if item is not None and item.data(ID_ROLE) == cadence_id:
                self.cadence_list.setCurrentItem(item)
                return

    def current_cadence_id(self) -> int | None:
        return self._current.id if self._current is not None else None

    def _on_current_changed(self, current: QListWidgetItem | None,
                            previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        cadence_id = current.data(ID_ROLE)
        if self._current is not None and cadence_id == self._current.id:
            return
        if not self._settle_unsaved():
            self.cadence_list.blockSignals(True)
            if previous is not None:
                self.cadence_list.setCurrentItem(previous)
            else:
                self.cadence_list.clearSelection()
            self.cadence_list.blockSignals(False)
            return
        self._load(next((r for r in self._records if r.id == cadence_id), None))
        self.cadence_list.blockSignals(True)
        self.select_cadence(cadence_id)
        self.cadence_list.blockSignals(False)

    # -- the editor -------------------------------------------------------------------------

    def _load(self, record: CadenceRecord | None) -> None:
        self._current = record
        self.name_edit.setText(record.name if record else "")
        self.trigger_combo.blockSignals(True)
        index = self.trigger_combo.findData(
            record.trigger if record else CadenceTrigger.MANUAL.value)
        self.trigger_combo.setCurrentIndex(max(index, 0))
        self.trigger_combo.blockSignals(False)
        self.active_check.blockSignals(True)
        self.active_check.setChecked(record.active if record else True)
        self.active_check.blockSignals(False)
        self._update_active()
        self.steps_table.setRowCount(0)
        for step in record.steps if record else ():
            self.add_step(step.offset_days, step.kind, step.reason, step.needs_consent, step.id)
        self.errors.clear()
        self._dirty = False
        self.delete_button.setEnabled(record is not None)

    def _on_trigger_changed(self) -> None:
        self._update_active()
        self._mark_dirty()

    def _update_active(self) -> None:
        # A by-hand cadence has nothing to switch on or off.
        self.active_check.setVisible(self.trigger_combo.currentData()
                                     != CadenceTrigger.MANUAL.value)

    def _mark_dirty(self, *_args: object) -> None:
        self._dirty = True

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    def add_step(self, offset_days: int | None = None, kind: str = FollowUpKind.CALL.value,
                 reason: str = "", needs_consent: bool = False,
                 step_id: int | None = None) -> int:
        """Append a step row of editable widgets; a new one starts a week after the last."""
        row = self.steps_table.rowCount()
        if offset_days is None:
            offset_days = (self.step_drafts_unchecked()[-1].offset_days + 7) if row else 1
        self.steps_table.insertRow(row)
        day = named(QSpinBox(), f"stepDay{row}")
        day.setRange(0, MAX_OFFSET_DAYS)
        day.setPrefix(self.tr("day "))
        day.setValue(offset_days)
        day.setProperty("stepId", step_id)
        kinds = named(QComboBox(), f"stepKind{row}")
        for value, label in follow_up_kind_labels().items():
            kinds.addItem(follow_up_icon(value), label, value)
        kinds.setCurrentIndex(max(kinds.findData(kind), 0))
        what = named(QLineEdit(reason), f"stepReason{row}")
        what.setCursorPosition(0)  # show the start of a long reason, not its end
        what.setPlaceholderText(self.tr("e.g. Ask how it is going"))
        consent_box = QWidget()
        consent = named(QCheckBox(), f"stepConsent{row}")
        consent.setChecked(needs_consent)
        consent.setToolTip(self.tr("A marketing touch: only for customers who agreed to be "
                                   "contacted."))
        centred = QHBoxLayout(consent_box)
        centred.setContentsMargins(0, 0, 0, 0)
        centred.addWidget(consent, 0, Qt.AlignmentFlag.AlignCenter)
        self.steps_table.setCellWidget(row, COL_DAY, day)
        self.steps_table.setCellWidget(row, COL_KIND, kinds)
        self.steps_table.setCellWidget(row, COL_REASON, what)
        self.steps_table.setCellWidget(row, COL_CONSENT, consent_box)
        day.valueChanged.connect(self._mark_dirty)
        kinds.currentIndexChanged.connect(self._mark_dirty)
        what.textEdited.connect(self._mark_dirty)
        consent.toggled.connect(self._mark_dirty)
        self._dirty = True
        return row

    def remove_current_step(self) -> None:
        row = self.steps_table.currentRow()
        if row < 0:
            row = self.steps_table.rowCount() - 1
        if row >= 0:
            self.steps_table.removeRow(row)
            self._dirty = True

    def step_widgets(self, row: int) -> tuple[QSpinBox, QComboBox, QLineEdit, QCheckBox]:
        day = self.steps_table.cellWidget(row, COL_DAY)
        kind = self.steps_table.cellWidget(row, COL_KIND)
        what = self.steps_table.cellWidget(row, COL_REASON)
        box = self.steps_table.cellWidget(row, COL_CONSENT)
        consent = box.findChild(QCheckBox) if box is not None else None
        assert isinstance(day, QSpinBox) and isinstance(kind, QComboBox)
        assert isinstance(what, QLineEdit) and isinstance(consent, QCheckBox)
        return day, kind, what, consent

    def step_drafts_unchecked(self) -> list[CadenceStepDraft]:
        drafts = []
        for row in range(self.steps_table.rowCount()):
            day, kind, what, consent = self.step_widgets(row)
            step_id = day.property("stepId")
            drafts.append(CadenceStepDraft(
                offset_days=day.value(), kind=str(kind.currentData()), reason=what.text(),
                needs_consent=consent.isChecked(),
                id=int(step_id) if step_id is not None else None))
        return drafts

    def draft(self) -> CadenceDraft:
        return CadenceDraft(name=self.name_edit.text(),
                            trigger=str(self.trigger_combo.currentData()),
                            active=self.active_check.isChecked(),
                            steps=tuple(self.step_drafts_unchecked()))

    def save(self) -> bool:
        """Save the template; problems show under their fields and nothing is lost."""
        self.errors.clear()
        current_id = self._current.id if self._current is not None else None
        try:
            saved = self.cadences.save(
                current_id, self.draft(),
                expected_version=self._current.version if self._current else None)
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except (ConflictError, NotFoundError) as exc:
            self.errors.show_message(str(exc))
            return False
        self._current = saved
        self.reload(saved.id)
        self._load(saved)
        self.changed.emit()
        return True

    def start_new(self) -> None:
        self.cadence_list.blockSignals(True)
        self.cadence_list.setCurrentItem(None)
        self.cadence_list.clearSelection()
        self.cadence_list.blockSignals(False)
        self._load(None)
        self.add_step()
        self._dirty = False
        self.name_edit.setFocus()

    def _on_new_clicked(self) -> None:
        if self._settle_unsaved():
            self.start_new()

    def delete_current(self) -> bool:
        """Delete the template in the editor (the follow-ups it made stay)."""
        if self._current is None:
            return False
        # Already gone is fine: the list reloaded below shows the truth.
        with contextlib.suppress(NotFoundError):
            self.cadences.delete(self._current.id)
        self._current = None
        self.reload()
        if self._records:
            self._dirty = False
            self.select_cadence(self._records[0].id)
        else:
            self.start_new()
        self.changed.emit()
        return True

    def _on_delete_clicked(self) -> None:
        if self._current is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete cadence"),
            self.tr("Delete the cadence '{0}'? The follow-ups it already made stay.").format(
                self._current.name))
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_current()

    def _settle_unsaved(self) -> bool:
        """True when it is fine to leave the editor: nothing unsaved, saved, or discarded."""
        if not self._dirty:
            return True
        answer = QMessageBox.question(
            self, self.tr("Unsaved changes"),
            self.tr("Save the changes to this cadence first?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # -- the purchase switch ----------------------------------------------------------------

    def set_auto_purchase(self, on: bool) -> None:
        self.services.settings.set(AUTO_PURCHASE_CADENCE, bool(on))
        if self.auto_purchase_check.isChecked() != on:
            self.auto_purchase_check.setChecked(on)
        self.changed.emit()

    def reject(self) -> None:
        if self._settle_unsaved():
            super().reject()


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
        self.picker = named(CustomerPicker(services), "customerPicker")
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
        self.resize(600, 420)
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
