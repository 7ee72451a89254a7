"""The Follow-ups page's action bar (done, snooze, skip, reopen, cadences) and its date picker."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.services.follow_ups import SnoozeChoice
from smallbiz_crm.ui.dialogs.follow_up_dialog import from_qdate, to_qdate
from smallbiz_crm.ui.widgets.qt_helpers import named

PICK_DATE = "date"  # the snooze menu's "Pick a date…"


class DatePickDialog(QDialog):
    """A calendar to pick the day to snooze to; days before today cannot be picked."""

    def __init__(self, today: date, initial: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("snoozeDateDialog")
        self.setWindowTitle(self.tr("Snooze until"))
        self.calendar = named(QCalendarWidget(), "snoozeCalendar")
        self.calendar.setMinimumDate(to_qdate(today))
        self.calendar.setSelectedDate(to_qdate(initial))
        self.calendar.setGridVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Snooze"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.calendar.activated.connect(lambda _day: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.calendar)
        layout.addWidget(buttons)

    def chosen(self) -> date:
        return from_qdate(self.calendar.selectedDate())


class FollowUpActionBar(QWidget):
    """The buttons that work on the chosen follow-ups; the page connects what they do.

    `snooze_chosen` carries a SnoozeChoice value, or PICK_DATE."""

    snooze_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new_button = named(QPushButton(self.tr("&New follow-up…")), "newFollowUpButton")
        self.complete_button = named(QPushButton(self.tr("&Done…")), "completeButton")
        self.complete_button.setToolTip(self.tr("Mark the selected follow-ups done, with what "
                                                "came of them"))
        self.snooze_button = named(QPushButton(self.tr("S&nooze")), "snoozeButton")
        self.snooze_menu = named(QMenu(self), "snoozeMenu")
        self.snooze_actions: dict[str, QAction] = {}
        for choice, label in ((SnoozeChoice.TOMORROW, self.tr("Until tomorrow")),
                              (SnoozeChoice.NEXT_BUSINESS_DAY,
                               self.tr("Until the next business day")),
                              (SnoozeChoice.NEXT_WEEK, self.tr("Until next week")),
                              (PICK_DATE, self.tr("Pick a date…"))):
            action = self.snooze_menu.addAction(label)
            action.setObjectName(f"snooze_{choice}")
            action.triggered.connect(lambda _checked=False, c=choice: self.snooze_chosen.emit(c))
            self.snooze_actions[choice] = action
        self.snooze_button.setMenu(self.snooze_menu)
        self.skip_button = named(QPushButton(self.tr("S&kip…")), "skipButton")
        self.skip_button.setToolTip(self.tr("Close the selected follow-ups without doing them"))
        self.reopen_button = named(QPushButton(self.tr("&Reopen")), "reopenButton")
        self.apply_cadence_button = named(QPushButton(self.tr("Start &cadence…")),
                                          "applyCadenceButton")
        self.apply_cadence_button.setToolTip(self.tr(
            "Start a cadence of follow-ups for the selected rows' customers or others"))
        self.cadences_button = named(QPushButton(self.tr("Cadences…")), "cadencesButton")

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.new_button, self.complete_button, self.snooze_button,
                       self.skip_button, self.reopen_button):
            row.addWidget(button)
        row.addStretch(1)
        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.VLine)
        separator.setFrameShadow(QFrame.Shadow.Sunken)
        row.addWidget(self.apply_cadence_button)
        row.addWidget(separator)
        row.addWidget(self.cadences_button)
