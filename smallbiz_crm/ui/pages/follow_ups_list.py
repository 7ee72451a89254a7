"""The Follow-ups page's list: one row per follow-up, sortable, worked several at a time."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from smallbiz_crm.domain.records.follow_ups import FollowUpRow
from smallbiz_crm.ui.models.follow_up_table import (
    COL_CUSTOMER,
    COL_DUE,
    COL_KIND,
    COL_PHONE,
    COL_REASON,
    COL_STATUS,
    FollowUpTableModel,
)


class FollowUpListView(QTableView):
    """A table over a FollowUpTableModel, in the service's order until a header is clicked."""

    def __init__(self, model: FollowUpTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followUpTable")
        self.follow_up_model = model
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSortingEnabled(False)  # the service's order until a header is clicked
        self.horizontalHeader().setSectionsClickable(True)
        self.horizontalHeader().setSortIndicatorShown(True)
        self.horizontalHeader().sortIndicatorChanged.connect(model.sort)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        widths = {COL_DUE: 120, COL_CUSTOMER: 190, COL_PHONE: 140, COL_KIND: 140,
                  COL_STATUS: 200}
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        header.setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Stretch)

    def sort_as_shown(self) -> None:
        """After new rows arrive: sort them as the header says, if the owner chose a column."""
        header = self.horizontalHeader()
        if 0 <= header.sortIndicatorSection() < self.follow_up_model.columnCount():
            self.follow_up_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def selected_rows(self) -> list[FollowUpRow]:
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        found = [self.follow_up_model.row_record(row) for row in rows]
        return [record for record in found if record is not None]

    def current_row(self) -> FollowUpRow | None:
        index = self.currentIndex()
        return self.follow_up_model.row_record(index.row()) if index.isValid() else None

    def current_id(self) -> int | None:
        index = self.currentIndex()
        return self.follow_up_model.follow_up_id(index.row()) if index.isValid() else None

    def reselect(self, ids: Iterable[int], current: int | None) -> None:
        """Choose the rows of these follow-ups (and only these); `current` gets the focus."""
        wanted = set(ids)
        selection = self.selectionModel()
        selection.clearSelection()
        flags = (QItemSelectionModel.SelectionFlag.Select
                 | QItemSelectionModel.SelectionFlag.Rows)
        for row, record in enumerate(self.follow_up_model.rows()):
            if record.id in wanted:
                selection.select(self.follow_up_model.index(row, 0), flags)
        if current is not None:
            row = self.follow_up_model.row_of(current)
            if row >= 0:
                selection.setCurrentIndex(self.follow_up_model.index(row, 0),
                                          QItemSelectionModel.SelectionFlag.NoUpdate)
