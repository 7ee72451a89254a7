"""The Follow-ups page's filter bar: when (overdue, today, this week…), kind and customer."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from smallbiz_crm.domain.records.follow_ups import DueSummary, FollowUpScope
from smallbiz_crm.ui.models.follow_up_table import follow_up_icon, follow_up_kind_labels
from smallbiz_crm.ui.widgets.qt_helpers import named

SEARCH_DELAY_MS = 200


class FollowUpFilterBar(QWidget):
    """Scope buttons with their counts, the kind and the customer search, and the count shown.

    `scope_chosen` when a scope button is clicked; `changed` when the kind changes, or a
    moment after the customer search stops changing."""

    scope_chosen = Signal(str)
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scope_buttons: dict[str, QToolButton] = {}
        self.scope_group = QButtonGroup(self)
        self.scope_group.setExclusive(True)
        scopes = QHBoxLayout()
        scopes.setSpacing(2)
        for scope, object_name, tip in (
                (FollowUpScope.OVERDUE, "overdueButton", self.tr("Open follow-ups past their day")),
                (FollowUpScope.TODAY, "todayButton", self.tr("Open follow-ups due today")),
                (FollowUpScope.THIS_WEEK, "thisWeekButton",
                 self.tr("Open follow-ups due today or in the next six days")),
                (FollowUpScope.OPEN, "openButton", self.tr("Every open follow-up")),
                (FollowUpScope.DONE, "doneButton", self.tr("Done and skipped follow-ups"))):
            button = named(QToolButton(), object_name)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumWidth(96)
            self.scope_group.addButton(button)
            self.scope_buttons[scope] = button
            scopes.addWidget(button)
            button.clicked.connect(lambda _checked=False, s=scope: self.scope_chosen.emit(s))
        self.update_scope_labels(None)

        self.kind_filter = named(QComboBox(), "kindFilter")
        self.kind_filter.addItem(self.tr("All kinds"), None)
        for value, label in follow_up_kind_labels().items():
            self.kind_filter.addItem(follow_up_icon(value), label, value)
        self.kind_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.customer_filter = named(QLineEdit(), "customerFilter")
        self.customer_filter.setPlaceholderText(self.tr("Customer name or phone…"))
        self.customer_filter.setClearButtonEnabled(True)
        self.count_label = named(QLabel(), "followUpCount")

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(scopes)
        row.addSpacing(12)
        row.addWidget(self.kind_filter)
        row.addWidget(self.customer_filter, 1)
        row.addWidget(self.count_label)

        # Typing a name reloads once the owner pauses, not on every key.
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.changed.emit)
        self.customer_filter.textChanged.connect(lambda _text: self._search_timer.start())
        self.kind_filter.currentIndexChanged.connect(lambda _index: self.changed.emit())

    def check_scope(self, scope: str) -> None:
        """Show `scope`'s button as the chosen one (without emitting scope_chosen)."""
        button = self.scope_buttons.get(scope)
        if button is not None and not button.isChecked():
            button.setChecked(True)

    def filtered(self) -> bool:
        """Whether a kind or customer narrows the list beyond its scope."""
        return bool(self.customer_filter.text().strip() or self.kind_filter.currentData())

    def update_scope_labels(self, summary: DueSummary | None) -> None:
        counts = {FollowUpScope.OVERDUE: summary.overdue if summary else None,
                  FollowUpScope.TODAY: summary.today if summary else None,
                  FollowUpScope.THIS_WEEK: summary.this_week if summary else None}
        names = {FollowUpScope.OVERDUE: self.tr("Overdue"), FollowUpScope.TODAY: self.tr("Today"),
                 FollowUpScope.THIS_WEEK: self.tr("This week"),
                 FollowUpScope.OPEN: self.tr("All open"), FollowUpScope.DONE: self.tr("Done")}
        for scope, button in self.scope_buttons.items():
            count = counts.get(FollowUpScope(scope))
            name = names[FollowUpScope(scope)]
            button.setText(f"{name} ({count:,})" if count else name)
