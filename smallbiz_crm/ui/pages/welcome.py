"""The first-run welcome: add a first customer, import contacts, or explore with sample data."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from smallbiz_crm import APP_NAME


class WelcomePage(QWidget):
    add_customer = Signal()
    import_contacts = Signal()
    explore_sample = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        title = QLabel(self.tr("<h1>Welcome to {0}</h1>").format(APP_NAME))
        text = QLabel(self.tr(
            "Keep who your customers are, what you did to earn their trust, and what to "
            "follow up and when. Everything stays on this computer.\n\nHow would you like "
            "to start?"))
        text.setWordWrap(True)
        text.setMaximumWidth(520)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for label in (title, text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(16)
        for name, caption, hint, signal in (
            ("addFirstCustomerButton", self.tr("Add your first customer"),
             self.tr("Type in one customer's details."), self.add_customer),
            ("importContactsButton", self.tr("Import contacts…"),
             self.tr("Bring in a spreadsheet saved as CSV."), self.import_contacts),
            ("sampleDataButton", self.tr("Explore with sample data"),
             self.tr("Opens a separate sample database; your own stays empty."),
             self.explore_sample),
        ):
            button = QPushButton(caption, objectName=name)
            button.setMinimumWidth(320)
            button.setMinimumHeight(40)
            button.setToolTip(hint)
            button.clicked.connect(signal.emit)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
            note = QLabel(hint)
            note.setEnabled(False)  # the palette's muted text colour
            layout.addWidget(note, 0, Qt.AlignmentFlag.AlignHCenter)
            layout.addSpacing(8)
        layout.addStretch(2)
