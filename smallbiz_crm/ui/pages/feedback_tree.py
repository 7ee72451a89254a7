"""The Feedback page's tree: feedback grouped by product, then status, folded as left."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from smallbiz_crm.domain.records.feedback import FeedbackRow
from smallbiz_crm.ui.models.feedback_table import (
    COL_CUSTOMER,
    COL_KIND,
    COL_RATING,
    COL_RECEIVED,
    COL_TEXT,
    COL_TOLD,
    GROUP_KEY_ROLE,
    FeedbackTreeModel,
)


class GroupedFeedbackView(QTreeView):
    """A tree over a FeedbackTreeModel; group rows keep their folded state across reloads."""

    def __init__(self, model: FeedbackTreeModel, metrics: QFontMetrics,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackTable")
        self.feedback_model = model
        # Group rows the owner folded away stay folded across reloads.
        self._collapsed: set[str] = set()
        self.setModel(model)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        # Sized by the page's font: wide enough for a name, a kind, five stars and a date.
        self.setIndentation(metrics.horizontalAdvance("M") + 6)
        widths = {COL_CUSTOMER: metrics.horizontalAdvance("M" * 10),
                  COL_KIND: metrics.horizontalAdvance("Complaint") + 12,
                  COL_RATING: metrics.horizontalAdvance("★★★★★") + 16,
                  COL_RECEIVED: metrics.horizontalAdvance("2026-11-20") + 24,
                  COL_TOLD: metrics.horizontalAdvance("told 2026-11-20") + 24}
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.expanded.connect(lambda index: self._collapsed.discard(
            str(index.data(GROUP_KEY_ROLE))))
        self.collapsed.connect(lambda index: self._collapsed.add(
            str(index.data(GROUP_KEY_ROLE))))

    def show_rows(self, rows: Sequence[FeedbackRow]) -> None:
        """Show `rows`, unfolding every group the owner has not folded away."""
        self.feedback_model.set_rows(rows)
        for index in self.feedback_model.group_indexes():
            self.setExpanded(index, str(index.data(GROUP_KEY_ROLE)) not in self._collapsed)

    def selected_feedback_ids(self) -> list[int]:
        """The chosen items; a chosen product or status row stands for everything in it."""
        found: dict[int, None] = {}
        for index in self.selectionModel().selectedRows(COL_TEXT):
            for feedback_id in self.feedback_model.feedback_ids_under(index):
                found[feedback_id] = None
        return list(found)

    def select_feedback(self, feedback_ids: Sequence[int]) -> None:
        """Choose these items (and only these), scrolling to the first."""
        selection = QItemSelection()
        first: QModelIndex | None = None
        for feedback_id in feedback_ids:
            index = self.feedback_model.index_of_feedback(feedback_id)
            if index.isValid():
                selection.select(index, index)
                first = first or index
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.selectionModel().select(selection, flags)
        if first is not None:
            self.selectionModel().setCurrentIndex(
                first, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollTo(first)
