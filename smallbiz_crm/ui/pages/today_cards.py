"""The Today page's cards, the concerns list inside one, and the "what came of it?" line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from html import escape

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QPaintEvent, QPalette, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.concerns import ConcernRow
from smallbiz_crm.services.today import LIST_LIMIT
from smallbiz_crm.ui.pages.today_delegate import alert_colour
from smallbiz_crm.ui.profile.concerns_list import ConcernsList
from smallbiz_crm.ui.widgets.qt_helpers import named

CARD_RADIUS = 8


class OutcomeEditor(QFrame):
    """Over a follow-up's row after Done: what came of it, in a line; Enter saves."""

    saved = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomeEditor")
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.label = QLabel(self.tr("What came of it?"))
        self.edit = named(QLineEdit(), "outcomeEdit")
        self.edit.setPlaceholderText(self.tr("Optional, e.g. “ordered two more”"))
        self.save_button = named(QPushButton(self.tr("Mark done")), "outcomeSaveButton")
        self.save_button.setDefault(True)
        self.cancel_button = named(QToolButton(), "outcomeCancelButton")
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Leave it open (Esc)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self.label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.cancel_button)
        self.edit.returnPressed.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancelled)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancelled.emit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def save(self) -> None:
        self.saved.emit(self.edit.text())


class WaitingConcerns(ConcernsList):
    """The concerns list, fed by the page's background load; its own minute timer and its
    answer and resolve buttons read the first page of concerns only, not all of them."""

    def refresh(self) -> None:
        now = self.services.clock()
        self.show_rows(self.concerns.waiting(now, limit=LIST_LIMIT), now)

    def show_rows(self, rows: Sequence[ConcernRow], now: datetime) -> None:
        selected = self.selected_id()
        self.model.set_rows(list(rows), now)
        empty = not rows
        self.table.setVisible(not empty)
        self.button_row.setVisible(not empty)
        self.empty_label.setVisible(empty)
        if selected is not None:
            self.select_concern(selected)
        self._update_buttons()

    def set_waiting_rows(self, rows: Sequence[ConcernRow], now: datetime) -> None:
        """Rows from a load made `now`; 'due in 3 h' is counted again from the clock."""
        self.show_rows([replace(row, time_left=row.response_due_at - now,
                                overdue=now > row.response_due_at) for row in rows], now)


class TodayCard(QFrame):
    """A titled card: heading with its count, a note on the right, then the content."""

    link_activated = Signal(str)

    def __init__(self, title: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.title = title
        self.count = 0
        self.plain_heading = title
        self.heading = named(QLabel(title), f"{object_name}Heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.note = named(QLabel(), f"{object_name}Note")
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note.linkActivated.connect(self.link_activated)
        head = QHBoxLayout()
        head.setContentsMargins(14, 10, 14, 4)
        head.addWidget(self.heading)
        head.addStretch(1)
        head.addWidget(self.note)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(4, 0, 4, 6)
        self.empty_label = named(QLabel(self.tr("Loading…")), f"{object_name}Empty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_label.setContentsMargins(14, 2, 14, 10)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.empty_label, 0, Qt.AlignmentFlag.AlignTop)

    def paintEvent(self, event: QPaintEvent) -> None:
        # A rounded card in the theme's base colour on the window colour; painted here, not
        # by a style sheet, which would slow down every widget inside.
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5),
                                CARD_RADIUS, CARD_RADIUS)
        painter.end()

    def set_heading(self, count: int, red: bool = False, overdue: int = 0) -> None:
        """'Overdue (12)', the count in red when `red`; 'Waiting (5, 2 overdue)'."""
        self.count = count
        red_colour = alert_colour(self.palette()).name()

        def number(value: int, in_red: bool) -> str:
            text = f"{value:,}"
            return f'<span style="color:{red_colour}">{text}</span>' if in_red else text

        late = self.tr(", {0} overdue")
        self.plain_heading = f"{self.title} ({count:,}" + (
            late.format(f"{overdue:,}") if overdue else "") + ")"
        self.heading.setText(
            f"{escape(self.title)} <span style='font-weight:normal'>"
            f"({number(count, red and count > 0)}"
            + (escape(late).format(number(overdue, True)) if overdue else "") + ")</span>")
