"""Logging a customer's concern with its live answer-by deadline, and marking it answered."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, Qt, QTime
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.calendar import END_OF_BUSINESS_DAY
from smallbiz_crm.domain.kinds import Channel, ConcernKind
from smallbiz_crm.domain.records.concerns import ConcernDraft, ConcernRecord
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import named

DATE_TIME_FORMAT = "yyyy-MM-dd HH:mm"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ConcernDialog", text)


def concern_kind_labels() -> dict[ConcernKind, str]:
    return {
        ConcernKind.QUESTION: _tr("Question"),
        ConcernKind.COMPLAINT: _tr("Complaint"),
        ConcernKind.REQUEST: _tr("Request"),
    }


def channel_labels() -> dict[Channel, str]:
    return {
        Channel.PHONE: _tr("Phone"),
        Channel.EMAIL: _tr("Email"),
        Channel.IN_PERSON: _tr("In person"),
        Channel.MESSAGE: _tr("Message"),
        Channel.SOCIAL: _tr("Social media"),
        Channel.LETTER: _tr("Letter"),
    }


def due_day_text(due: datetime, now: datetime) -> str:
    """"Monday 23 Nov, end of day"; the year only when it is not this year's."""
    pattern = "dddd d MMM" if due.year == now.year else "dddd d MMM yyyy"
    day = QLocale().toString(QDate(due.year, due.month, due.day), pattern)
    if due.time() == END_OF_BUSINESS_DAY:
        return _tr("{0}, end of day").format(day)
    return _tr("{0}, {1}").format(day, f"{due:%H:%M}")


def deadline_text(due: datetime, now: datetime) -> str:
    return _tr("Answer by {0}").format(due_day_text(due, now))


def _amount(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return _tr("{0} min").format(max(minutes, 1))
    hours = minutes // 60
    if hours < 24:
        return _tr("{0} h").format(hours)
    days = hours // 24
    return (_tr("1 day") if days == 1 else _tr("{0} days").format(days))


def time_left_text(time_left: timedelta) -> str:
    """"due in 5 h", "overdue by 1 day": rounded down, so never more time than there is."""
    seconds = time_left.total_seconds()
    if seconds >= 0:
        return _tr("due in {0}").format(_amount(seconds))
    return _tr("overdue by {0}").format(_amount(-seconds))


def set_red(label: QLabel, red: bool) -> None:
    if not red:
        label.setPalette(QPalette())  # nothing set: inherit the theme's colours again
        return
    palette = label.palette()
    # The theme has no "error" role; a strong red reads in light and dark themes alike.
    palette.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.red)
    label.setPalette(palette)


def _qdatetime(value: datetime) -> QDateTime:
    return QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute))


def _python_datetime(edit: QDateTimeEdit) -> datetime:
    value = edit.dateTime().toPython()
    assert isinstance(value, datetime)
    return value


class ConcernDialog(QDialog):
    """Log a question, complaint or request; shows when it must be answered as you type."""

    def __init__(self, services: Services, customer_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("concernDialog")
        self.services = services
        self.concerns = services.concerns
        self.customer_id = customer_id
        self.customer = services.customers.get(customer_id)
        self.logged: ConcernRecord | None = None
        self.setWindowTitle(self.tr("Log a concern — {0}").format(self.customer.name))

        self.errors = FieldErrors()
        self.kind_combo = named(QComboBox(), "kindCombo")
        for kind, label in concern_kind_labels().items():
            self.kind_combo.addItem(label, kind.value)
        self.channel_combo = named(QComboBox(), "channelCombo")
        for channel, label in channel_labels().items():
            self.channel_combo.addItem(label, channel.value)
        self.received_edit = named(QDateTimeEdit(), "receivedEdit")
        self.received_edit.setCalendarPopup(True)
        self.received_edit.setDisplayFormat(DATE_TIME_FORMAT)
        self.received_edit.setDateTime(_qdatetime(services.clock()))
        self.summary_edit = named(QPlainTextEdit(), "summaryEdit")
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.setPlaceholderText(self.tr("What they asked, complained about or "
                                                     "asked for"))
        self.summary_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.deadline_label = named(QLabel(), "deadlineLabel")
        font = QFont(self.deadline_label.font())
        font.setBold(True)
        self.deadline_label.setFont(font)
        self.deadline_label.setWordWrap(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors.add_row(form, self.tr("Kind"), "kind", self.kind_combo)
        self.errors.add_row(form, self.tr("How it came"), "channel", self.channel_combo)
        self.errors.add_row(form, self.tr("Received"), "received_at", self.received_edit)
        self.errors.add_row(form, self.tr("Summary"), "summary", self.summary_edit)
        form.addRow(self.tr("Deadline"), self.deadline_label)

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
        self.setMinimumWidth(480)

        self.received_edit.dateTimeChanged.connect(self.update_deadline)
        self.update_deadline()
        self.summary_edit.setFocus()

    def update_deadline(self) -> None:
        now = self.services.clock()
        try:
            due = self.concerns.due_for(_python_datetime(self.received_edit))
        except ValueError:
            self.deadline_label.setText(self.tr("The shop never opens in the next ten years: "
                                                "check the business calendar."))
            set_red(self.deadline_label, True)
            return
        text = deadline_text(due, now)
        overdue = due < now
        if overdue:
            text = self.tr("{0} — already overdue").format(text)
        self.deadline_label.setText(text)
        set_red(self.deadline_label, overdue)

    def save(self) -> bool:
        """Log the concern; on a problem show it next to its field and keep what was typed."""
        self.errors.clear()
        draft = ConcernDraft(customer_id=self.customer_id,
                             kind=str(self.kind_combo.currentData()),
                             channel=str(self.channel_combo.currentData()),
                             received_at=_python_datetime(self.received_edit),
                             summary=self.summary_edit.toPlainText())
        try:
            self.logged = self.concerns.log(draft)
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except NotFoundError as exc:
            self.errors.show_message(str(exc))
            return False
        self.accept()
        return True


class RespondDialog(QDialog):
    """Mark a concern answered (when and how), and resolved if that settled it."""

    def __init__(self, services: Services, concern_id: int, parent: QWidget | None = None,
                 resolved: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("respondDialog")
        self.services = services
        self.concerns = services.concerns
        self.concern_id = concern_id
        self.concern = self.concerns.get(concern_id)
        self.saved: ConcernRecord | None = None
        customer = services.customers.get(self.concern.customer_id)
        self.setWindowTitle(self.tr("Answer concern — {0}").format(customer.name))

        now = services.clock()
        kinds = {kind.value: label for kind, label in concern_kind_labels().items()}
        kind = kinds.get(self.concern.kind, self.concern.kind)
        self.concern_label = named(QLabel(self.concern.summary), "concernLabel")
        self.concern_label.setWordWrap(True)
        self.concern_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        received = QLabel(self.tr("{0}, received {1}").format(
            kind, f"{self.concern.received_at:%Y-%m-%d %H:%M}"))
        due = self.concern.response_due_at
        if self.concern.responded_at is None:
            status_text = self.tr("{0} ({1})").format(
                deadline_text(due, now), time_left_text(due - now))
        else:
            status_text = self.tr("Answered {0}").format(
                f"{self.concern.responded_at:%Y-%m-%d %H:%M}")
        self.status_label = named(QLabel(status_text), "statusLabel")

        self.errors = FieldErrors()
        self.responded_edit = named(QDateTimeEdit(), "respondedEdit")
        self.responded_edit.setCalendarPopup(True)
        self.responded_edit.setDisplayFormat(DATE_TIME_FORMAT)
        self.responded_edit.setDateTime(_qdatetime(self.concern.responded_at or now))
        self.note_edit = named(QPlainTextEdit(self.concern.response_note), "noteEdit")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText(self.tr("How you answered: called back, emailed a "
                                                  "quote, swapped the item…"))
        self.note_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.resolved_check = named(QCheckBox(self.tr("This settled it: mark it resolved too")),
                                    "resolvedCheck")
        self.resolved_check.setChecked(resolved)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Concern"), self.concern_label)
        form.addRow("", received)
        form.addRow(self.tr("Deadline"), self.status_label)
        self.errors.add_row(form, self.tr("Answered"), "responded_at", self.responded_edit)
        self.errors.add_row(form, self.tr("How"), "response_note", self.note_edit)
        form.addRow("", self.resolved_check)
        set_red(self.status_label, self.concern.is_overdue(now))

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
        self.setMinimumWidth(480)
        self.note_edit.setFocus()

    def save(self) -> bool:
        self.errors.clear()
        try:
            self.saved = self.concerns.respond(
                self.concern_id, _python_datetime(self.responded_edit),
                self.note_edit.toPlainText(), resolved=self.resolved_check.isChecked())
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except NotFoundError as exc:
            self.errors.show_message(str(exc))
            return False
        self.accept()
        return True
