"""The filters above the gesture list: kind, period, stage, customer, "what followed" window."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QSignalBlocker, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from smallbiz_crm.domain.records.customers import StageRecord
from smallbiz_crm.domain.records.gestures import GestureFilter
from smallbiz_crm.services.what_followed import DEFAULT_WINDOW_DAYS
from smallbiz_crm.ui.models.gesture_table import gesture_kind_labels

SEARCH_DELAY_MS = 150
WINDOW_CHOICES = (30, 60, 90, 180, 365)
PERIOD_MONTHS = (1, 3, 6, 12, None)  # None: all time
DEFAULT_PERIOD_MONTHS = 12


def period_range(today: date, months: int | None) -> tuple[date | None, date | None]:
    """Whole calendar months up to the end of this one: 3 → the 1st two months back … the end
    of this month. None → no limits."""
    if months is None:
        return None, None
    index = today.year * 12 + today.month - 1 - (months - 1)
    start = date(index // 12, index % 12 + 1, 1)
    end = date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    return start, end


class GestureFiltersBar(QWidget):
    """One row of filters; `changed` when a choice changes, or a moment after typing stops."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gestureFilters")
        self.kind_filter = QComboBox(objectName="kindFilter")
        self.kind_filter.addItem(self.tr("All kinds"), None)
        for value, label in gesture_kind_labels().items():
            self.kind_filter.addItem(label, value)
        self.period_filter = QComboBox(objectName="periodFilter")
        for months, label in zip(PERIOD_MONTHS, (
                self.tr("This month"), self.tr("Last 3 months"), self.tr("Last 6 months"),
                self.tr("Last 12 months"), self.tr("All time")), strict=True):
            self.period_filter.addItem(label, months)
        self.period_filter.setCurrentIndex(PERIOD_MONTHS.index(DEFAULT_PERIOD_MONTHS))
        self.period_filter.setToolTip(self.tr("Whole calendar months, up to the end of this "
                                              "one"))
        self.stage_filter = QComboBox(objectName="stageFilter")
        self.stage_filter.setToolTip(self.tr("The customer's journey stage today"))
        self.customer_filter = QLineEdit(objectName="customerFilter")
        self.customer_filter.setPlaceholderText(self.tr("Customer: name, company, email…"))
        self.customer_filter.setClearButtonEnabled(True)
        self.window_combo = QComboBox(objectName="windowCombo")
        for days in WINDOW_CHOICES:
            self.window_combo.addItem(self.tr("{0} days").format(days), days)
        self.window_combo.setCurrentIndex(WINDOW_CHOICES.index(DEFAULT_WINDOW_DAYS))
        self.window_combo.setToolTip(self.tr(
            "What followed: purchases, referrals and moves up the journey after the gesture "
            "day, up to this many days later"))
        window_label = QLabel(self.tr("What followed within"))
        window_label.setBuddy(self.window_combo)

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for combo in (self.kind_filter, self.period_filter, self.stage_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            row.addWidget(combo)
        row.addWidget(self.customer_filter, 1)
        row.addSpacing(12)
        row.addWidget(window_label)
        row.addWidget(self.window_combo)

        # Typing waits for a pause, so that a long name does not reload the page per letter.
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.changed)
        self.customer_filter.textChanged.connect(lambda _text: self._search_timer.start())
        for combo in (self.kind_filter, self.period_filter, self.stage_filter,
                      self.window_combo):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def stop_waiting(self) -> None:
        """Drop a pending search: whatever is typed is read by the reload under way."""
        self._search_timer.stop()

    def set_stages(self, stages: Iterable[StageRecord]) -> None:
        """Fill the stage filter (stages may have been renamed), keeping the choice."""
        chosen = self.stage_filter.currentData()
        with QSignalBlocker(self.stage_filter):
            self.stage_filter.clear()
            self.stage_filter.addItem(self.tr("All stages"), None)
            for stage in stages:
                self.stage_filter.addItem(stage.name, stage.id)
            self.stage_filter.setCurrentIndex(max(self.stage_filter.findData(chosen), 0))

    def current_filter(self, today: date) -> GestureFilter:
        date_from, date_to = period_range(today, self.period_filter.currentData())
        return GestureFilter(kind=self.kind_filter.currentData(), date_from=date_from,
                             date_to=date_to, stage_id=self.stage_filter.currentData(),
                             text=self.customer_filter.text())

    def window_days(self) -> int:
        return int(self.window_combo.currentData())
