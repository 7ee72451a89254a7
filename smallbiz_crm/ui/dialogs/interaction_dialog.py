"""Logging one interaction with a customer: a call, a visit, a purchase with its amount…"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.kinds import InteractionKind, Sentiment
from smallbiz_crm.domain.money import parse_cents
from smallbiz_crm.domain.records.customers import InteractionDraft, LoggedInteraction
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.widgets.form import FieldErrors
from smallbiz_crm.ui.widgets.qt_helpers import named


def _tr(text: str) -> str:
    return QCoreApplication.translate("InteractionDialog", text)


def interaction_kind_labels() -> dict[InteractionKind, str]:
    return {
        InteractionKind.CALL: _tr("Call"),
        InteractionKind.VISIT: _tr("Visit"),
        InteractionKind.EMAIL: _tr("Email"),
        InteractionKind.MESSAGE: _tr("Message"),
        InteractionKind.MEETING: _tr("Meeting"),
        InteractionKind.PURCHASE: _tr("Purchase"),
        InteractionKind.EVENT: _tr("Event"),
    }


def sentiment_labels() -> dict[Sentiment, str]:
    return {
        Sentiment.DELIGHTED: _tr("Delighted"),
        Sentiment.HAPPY: _tr("Happy"),
        Sentiment.NEUTRAL: _tr("Neutral"),
        Sentiment.UNSURE: _tr("Unsure"),
        Sentiment.UPSET: _tr("Upset"),
    }


class InteractionDialog(QDialog):
    """Log what happened with one customer; `logged` holds the result (and any stage move)."""

    def __init__(self, services: Services, customer_id: int, parent: QWidget | None = None,
                 kind: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("interactionDialog")
        self.services = services
        self.customer_id = customer_id
        self.customer = services.customers.get(customer_id)
        self.logged: LoggedInteraction | None = None
        self.setWindowTitle(self.tr("Log interaction — {0}").format(self.customer.name))

        self.errors = FieldErrors()
        self.kind_combo = named(QComboBox(), "kindCombo")
        for value, label in interaction_kind_labels().items():
            self.kind_combo.addItem(label, value.value)
        self.when_edit = named(QDateTimeEdit(), "whenEdit")
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when_edit.setDateTime(QDateTime(services.clock().replace(second=0, microsecond=0)))
        self.summary_edit = named(QPlainTextEdit(), "summaryEdit")
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.setPlaceholderText(self.tr("What happened, in a line or two"))
        self.summary_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.sentiment_combo = named(QComboBox(), "sentimentCombo")
        self.sentiment_combo.addItem("", None)
        for sentiment, label in sentiment_labels().items():
            self.sentiment_combo.addItem(label, sentiment.value)
        self.amount_edit = named(QLineEdit(), "amountEdit")
        self.amount_edit.setPlaceholderText(self.tr("e.g. 12.50"))

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors.add_row(self.form, self.tr("Kind"), "kind", self.kind_combo)
        self.errors.add_row(self.form, self.tr("When"), "occurred_at", self.when_edit)
        self.errors.add_row(self.form, self.tr("Amount"), "amount", self.amount_edit)
        self.errors.add_row(self.form, self.tr("Summary"), "summary", self.summary_edit)
        self.errors.add_row(self.form, self.tr("How they felt"), "sentiment",
                            self.sentiment_combo)

        buttons = QDialogButtonBox()
        self.save_button = named(QPushButton(self.tr("Save")), "saveButton")
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.errors.general)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        if kind is not None:
            index = self.kind_combo.findData(kind)
            if index >= 0:
                self.kind_combo.setCurrentIndex(index)
        self._on_kind_changed()
        self.summary_edit.setFocus()

    def _is_purchase(self) -> bool:
        return bool(self.kind_combo.currentData() == InteractionKind.PURCHASE.value)

    def _on_kind_changed(self) -> None:
        purchase = self._is_purchase()
        self.amount_edit.setEnabled(purchase)
        row_box = self.amount_edit.parentWidget()
        if row_box is not None:
            self.form.setRowVisible(row_box, purchase)
        if not purchase:
            self.errors.label("amount").hide()
        self.adjustSize()

    def save(self) -> bool:
        """Log the interaction; on a problem show it next to its field and keep what was typed."""
        self.errors.clear()
        amount: int | None = None
        try:
            if self._is_purchase() and self.amount_edit.text().strip():
                try:
                    amount = parse_cents(self.amount_edit.text())
                except ValueError as exc:
                    raise ValidationError.single("amount", str(exc)) from None
            when = self.when_edit.dateTime().toPython()
            assert isinstance(when, datetime)
            draft = InteractionDraft(
                customer_id=self.customer_id, kind=str(self.kind_combo.currentData()),
                occurred_at=when,
                summary=self.summary_edit.toPlainText(),
                sentiment=self.sentiment_combo.currentData(), amount_cents=amount)
            self.logged = self.services.interactions.log(draft)
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except NotFoundError as exc:
            self.errors.show_message(str(exc))
            return False
        self.accept()
        return True
