"""Below the gesture list: spend per kind and per month, and what followed each kind of gesture."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.gestures import GestureTotals, KindSummary
from smallbiz_crm.services.what_followed import DEFAULT_WINDOW_DAYS
from smallbiz_crm.ui.models.gesture_table import (
    KindSpendModel,
    MonthSpendModel,
    kind_summary_text,
)

BUSY_NOTE_DELAY_MS = 400


def _small_table(model: Any, object_name: str) -> QTableView:
    view = QTableView(objectName=object_name)
    view.setModel(model)
    view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    return view


def _heading(text: str, object_name: str = "") -> QLabel:
    label: QLabel = QLabel(text, objectName=object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


class GestureTotalsPanel(QWidget):
    """Spend per kind, spend per month, and one sentence per kind on what followed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gestureTotals")
        self.summaries: list[KindSummary] = []
        self._sentences: list[str] = []
        self._window_shown = DEFAULT_WINDOW_DAYS
        self.kind_model = KindSpendModel(self)
        self.month_model = MonthSpendModel(self)
        self.kind_table = _small_table(self.kind_model, "kindTotalsTable")
        self.month_table = _small_table(self.month_model, "monthTotalsTable")
        self.followed_heading = _heading("", "followedHeading")
        self.followed_box = QWidget(objectName="followedByKind")
        self.followed_column = QVBoxLayout(self.followed_box)
        self.followed_column.setContentsMargins(0, 0, 0, 0)
        self.followed_column.setSpacing(6)
        self.followed_labels: list[QLabel] = []
        followed_scroll = QScrollArea()
        followed_scroll.setWidgetResizable(True)
        followed_scroll.setFrameShape(QFrame.Shape.NoFrame)
        followed_scroll.setWidget(self.followed_box)
        followed_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        def titled(title: QLabel, body: QWidget, stretch: int, width: int | None = None) -> None:
            column = QVBoxLayout()
            column.addWidget(title)
            column.addWidget(body, 1)
            if width is not None:
                body.setMinimumWidth(width)
            totals_row.addLayout(column, stretch)

        totals_column = QVBoxLayout(self)
        totals_column.setContentsMargins(0, 4, 0, 0)
        totals_row = QHBoxLayout()
        titled(_heading(self.tr("Spend per kind")), self.kind_table, 3, 250)
        titled(_heading(self.tr("Spend per month")), self.month_table, 3, 230)
        titled(self.followed_heading, followed_scroll, 6)
        totals_column.addLayout(totals_row, 1)

        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_NOTE_DELAY_MS)
        self._busy_timer.timeout.connect(lambda: self.followed_heading.setText(
            self.tr("What followed within {0} days — working it out…").format(
                self._window_shown)))

    def start_loading(self, window: int) -> None:
        """Head the sentences with the window about to be worked out."""
        self._window_shown = window
        self.followed_heading.setText(self.tr("What followed within {0} days").format(window))
        # Over years of gestures this takes seconds: say so, but only if it does not flash by.
        self._busy_timer.start()

    def show_totals(self, totals: GestureTotals) -> None:
        self.kind_model.set_items(totals.by_kind)
        self.month_model.set_items(list(reversed(totals.by_month)))

    def show_summaries(self, summaries: Sequence[KindSummary], window: int) -> None:
        self._busy_timer.stop()
        self.followed_heading.setText(self.tr("What followed within {0} days").format(window))
        self.summaries = list(summaries)
        for label in self.followed_labels:
            label.deleteLater()
        self.followed_labels = []
        texts = [kind_summary_text(summary) for summary in summaries] or [
            self.tr("No gestures match the filters.")]
        self._sentences = texts
        for text in texts:
            label = QLabel(objectName="followedSentence")
            label.setTextFormat(Qt.TextFormat.RichText)
            # The kind in bold; everything is escaped (the labels are translatable text).
            head, colon, rest = text.partition(": ")
            label.setText(f"<b>{escape(head)}</b>{colon}{escape(rest)}" if colon
                          else escape(text))
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.followed_column.addWidget(label)
            self.followed_labels.append(label)
        self._restretch()

    def _restretch(self) -> None:
        """One stretch after the sentences, so they sit at the top."""
        for i in reversed(range(self.followed_column.count())):
            item = self.followed_column.itemAt(i)
            if item is not None and item.spacerItem() is not None:
                self.followed_column.takeAt(i)
        self.followed_column.addStretch(1)

    def followed_sentences(self) -> list[str]:
        """The per-kind sentences as plain text."""
        return list(self._sentences)
