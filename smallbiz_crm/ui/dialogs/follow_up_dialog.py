"""The follow-up form: who, when, what kind and why."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.follow_ups import FollowUpDraft, FollowUpRecord
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import ConflictError, NotFoundError
from smallbiz_crm.services.follow_ups import SnoozeChoice
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.models.follow_up_table import follow_up_icon, follow_up_kind_labels
from smallbiz_crm.ui.widgets.customer_picker import CustomerPicker
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import named


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class FollowUpDialog(QDialog):
    """Create a follow-up (follow_up_id None) or edit one; `saved` holds the result."""

    def __init__(self, services: Services, customer_id: int | None = None,
                 follow_up_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followUpDialog")
        self.services = services
        self.follow_ups = services.follow_ups
        self.follow_up_id = follow_up_id
        self.record: FollowUpRecord | None = (
            self.follow_ups.get(follow_up_id) if follow_up_id is not None else None)
        self.saved: FollowUpRecord | None = None
        today = services.clock().date()

        self.errors = FieldErrors()
        self.customer_picker = named(CustomerPicker(services, phone_first=True), "customerPicker")
        self.due_edit = named(QDateEdit(), "dueEdit")
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("ddd yyyy-MM-dd")
        self.due_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("Wed 0000-00-00") + 60)
        quick = QHBoxLayout()
        quick.setContentsMargins(0, 0, 0, 0)
        quick.addWidget(self.due_edit)
        self.quick_buttons: dict[str, QPushButton] = {}
        for choice, label in ((SnoozeChoice.TOMORROW, self.tr("Tomorrow")),
                              (SnoozeChoice.NEXT_BUSINESS_DAY, self.tr("Next business day")),
                              (SnoozeChoice.NEXT_WEEK, self.tr("Next week"))):
            button = named(QPushButton(label), f"{_camel(choice)}Button")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, c=choice: self.set_due_choice(c))
            quick.addWidget(button)
            self.quick_buttons[choice] = button
        quick.addStretch(1)
        due_box = QWidget()
        due_box.setLayout(quick)

        self.kind_combo = named(QComboBox(), "kindCombo")
        for value, label in follow_up_kind_labels().items():
            self.kind_combo.addItem(follow_up_icon(value), label, value)
        self.reason_edit = named(QPlainTextEdit(), "reasonEdit")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setPlaceholderText(
            self.tr("Why you will get in touch, e.g. ask how the gift went down"))
        self.reason_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.status_label = named(QLabel(), "statusLabel")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.errors.add_row(form, self.tr("Customer"), "customer", self.customer_picker)
        self.errors.add_row(form, self.tr("Due"), "due_on", due_box)
        self.errors.add_row(form, self.tr("Kind"), "kind", self.kind_combo)
        self.errors.add_row(form, self.tr("Reason"), "reason", self.reason_edit)
        form.addRow("", self.status_label)

        buttons = QDialogButtonBox()
        self.save_button = named(QPushButton(self.tr("Save")), "saveButton")
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

        if self.record is not None:
            self.setWindowTitle(self.tr("Edit follow-up — {0}").format(self.record.customer_name))
            self.customer_picker.choose(self.record.customer_id, self.record.customer_name)
            self.due_edit.setDate(to_qdate(self.record.due_on))
            self._select(self.record.kind)
            self.reason_edit.setPlainText(self.record.reason)
            self.status_label.setText(self._status_text(self.record))
            self.reason_edit.setFocus()
        else:
            self.setWindowTitle(self.tr("New follow-up"))
            self.due_edit.setDate(to_qdate(self.follow_ups.snooze_target(
                SnoozeChoice.NEXT_BUSINESS_DAY, today)))
            if customer_id is not None:
                record = services.customers.get(customer_id)
                self.customer_picker.choose(record.id, record.name)
                self.reason_edit.setFocus()
            else:
                self.customer_picker.setFocus()
        self.status_label.setVisible(bool(self.status_label.text()))

    def _select(self, kind: str) -> None:
        index = self.kind_combo.findData(kind)
        if index >= 0:
            self.kind_combo.setCurrentIndex(index)

    def _status_text(self, record: FollowUpRecord) -> str:
        closed_on = record.completed_at.date().isoformat() if record.completed_at else ""
        if record.status == "done":
            parts = [self.tr("Done on {0}").format(closed_on)]
        elif record.status == "skipped":
            parts = [self.tr("Skipped on {0}").format(closed_on)]
        else:
            parts = [self.tr("Open")]
        if record.snooze_count:
            parts.append(self.tr("snoozed {0}×").format(record.snooze_count))
        if record.source == "cadence":
            parts.append(self.tr("made by a cadence"))
        text = " · ".join(parts)
        if record.outcome:
            label = (self.tr("Why skipped: {0}") if record.status == "skipped"
                     else self.tr("Outcome: {0}"))
            text += "\n" + label.format(record.outcome)
        return text

    def set_due_choice(self, choice: str) -> None:
        self.due_edit.setDate(to_qdate(self.follow_ups.snooze_target(choice)))

    def draft(self) -> FollowUpDraft:
        return FollowUpDraft(customer_id=self.customer_picker.customer_id(),
                             due_on=from_qdate(self.due_edit.date()),
                             kind=str(self.kind_combo.currentData()),
                             reason=self.reason_edit.toPlainText())

    def save(self) -> bool:
        """Save; on a problem show it next to its field and keep everything typed."""
        self.errors.clear()
        draft = self.draft()
        try:
            if self.record is None:
                self.saved = self.follow_ups.create(draft)
            else:
                self.saved = self.follow_ups.edit(self.record.id, draft,
                                                  expected_version=self.record.version)
        except ValidationError as exc:
            fields = dict(exc.fields)
            if "customer" in fields and draft.customer_id is None:
                # The picker knows better than the service what went wrong with the text.
                fields["customer"] = self.customer_picker.problem(
                    empty=self.tr("Choose the customer to follow up with."))
            self.errors.show(ValidationError(fields))
            return False
        except (NotFoundError, ConflictError) as exc:
            self.errors.show_message(str(exc))
            return False
        self.accept()
        return True


def _camel(value: str) -> str:
    first, *rest = value.split("_")
    return first + "".join(part.capitalize() for part in rest)
