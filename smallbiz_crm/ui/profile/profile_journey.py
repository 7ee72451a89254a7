"""The profile's journey: the stage the customer is at, its playbook, and how they got there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from smallbiz_crm.domain.labels import stage_reason_label
from smallbiz_crm.domain.records.customers import StageChangeRecord, StageRecord
from smallbiz_crm.ui.profile.profile_parts import (
    QUOTE_STYLE,
    bold_label,
    plain_label,
    section_column,
)
from smallbiz_crm.ui.text import day_text


class JourneySection(QWidget):
    """The stage in bold, its playbook set off as a quotation, then each move with its date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("journeySection")
        column = section_column(self, self.tr("Journey"))
        self.stage_label = bold_label("profileStage")
        self.playbook_label = plain_label("stagePlaybook")
        self.playbook_label.setStyleSheet(QUOTE_STYLE)
        self.history_grid = QGridLayout()
        self.history_grid.setContentsMargins(0, 6, 0, 0)
        self.history_grid.setHorizontalSpacing(12)
        self.history_grid.setVerticalSpacing(2)
        self.history_grid.setColumnStretch(1, 1)
        self._history_rows: list[tuple[QLabel, QLabel]] = []
        self.history_widget = QWidget(objectName="stageHistory")
        self.history_widget.setLayout(self.history_grid)
        column.addWidget(self.stage_label)
        column.addWidget(self.playbook_label)
        column.addWidget(self.history_widget)

    def fill(self, stage: StageRecord, history: tuple[StageChangeRecord, ...]) -> None:
        self.stage_label.setText(stage.name)
        self.playbook_label.setText(stage.playbook)
        self.playbook_label.setVisible(bool(stage.playbook))
        self._fill_history(history)

    def _fill_history(self, history: tuple[StageChangeRecord, ...]) -> None:
        # Labels are reused from customer to customer: creating and styling fresh ones each
        # time costs more than everything else the panel does.
        while len(self._history_rows) < len(history):
            row = len(self._history_rows)
            when = plain_label("historyDate", muted=True, wrap=False)
            when.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
            what = plain_label("historyChange")
            self.history_grid.addWidget(when, row, 0, Qt.AlignmentFlag.AlignTop)
            self.history_grid.addWidget(what, row, 1, Qt.AlignmentFlag.AlignTop)
            self._history_rows.append((when, what))
        for row, (when, what) in enumerate(self._history_rows):
            if row < len(history):
                change = history[row]
                when.setText(day_text(change.changed_at))
                text = (self.tr("{0} → {1}").format(change.from_stage_name,
                                                    change.to_stage_name)
                        if change.from_stage_name
                        else self.tr("Started at {0}").format(change.to_stage_name))
                reason = stage_reason_label(change.reason)
                what.setText(f"{text} · {reason}" if reason else text)
            else:
                when.clear()
                what.clear()
            when.setVisible(row < len(history))
            what.setVisible(row < len(history))
        self.history_widget.setVisible(bool(history))
