"""Logging a gesture from the Gestures page: the customers to log it for, and the button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.widgets.customer_picker import CustomerListPicker


class LogGestureBox(QGroupBox):
    """"Log a gesture", beside the list: the picked customers, a word on whom it is for, and
    the button that opens the form."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logGroup")
        self.setTitle(self.tr("Log a gesture"))
        self.picker = CustomerListPicker(services)
        self.log_button = QPushButton(self.tr("Log gesture…"), objectName="logGestureButton")
        self.log_button.setDefault(False)
        self.log_hint = QLabel(objectName="logHint")
        self.log_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.log_hint.setWordWrap(True)
        self.log_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        column = QVBoxLayout(self)
        column.addWidget(self.picker, 1)
        column.addWidget(self.log_hint)
        column.addWidget(self.log_button)
        self.setFixedWidth(270)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    def show_targets(self, picked: int, selected: int) -> None:
        """Say whom a gesture would be logged for: the picked customers, else the customers of
        the gestures selected in the list; the button only when there is someone."""
        self.log_button.setEnabled(bool(picked or selected))
        if picked:
            self.log_hint.setText(self.tr("For the {0} customers listed above.").format(
                picked) if picked != 1 else self.tr("For the customer listed above."))
        elif selected:
            self.log_hint.setText(self.tr(
                "For the customers of the selected gestures ({0}).").format(selected))
        else:
            self.log_hint.setText(self.tr(
                "Add customers above, or select gestures in the list to log one for the "
                "same customers."))
