"""The Customers page: search as you type, filters, and the lazy list of every customer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.customers import CustomerQuery
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.models.customer_table import SORT_KEYS, CustomerTableModel
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.text import count_text

SEARCH_DELAY_MS = 120


class CustomersPage(QWidget):
    """Search box and filters above the customer table; the profile panel sits beside it."""

    current_customer_changed = Signal(object)  # customer id or None
    list_reloaded = Signal(int)  # number of customers shown

    def __init__(self, services: Services, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self._generation = 0
        self._pending_select: int | None = None

        self.search = QLineEdit(objectName="customerSearch")
        self.search.setPlaceholderText(
            self.tr("Search name, company, email, phone or notes…"))
        self.search.setClearButtonEnabled(True)
        self.stage_filter = QComboBox(objectName="stageFilter")
        self.persona_filter = QComboBox(objectName="personaFilter")
        self.tag_filter = QComboBox(objectName="tagFilter")
        self.archived_filter = QCheckBox(self.tr("Archived"), objectName="archivedFilter")
        self.count_label = QLabel(objectName="customerCount")

        self.model = CustomerTableModel(services.customers.rows, self)
        self.model.sort_requested = lambda column, order: self.reload()
        self.table = QTableView(objectName="customerTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        # Fixed row height: per-row sizing would ask every one of 100,000 rows for its data.
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 10)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setDefaultSectionSize(140)
        self.table.setColumnWidth(0, 200)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for combo in (self.stage_filter, self.persona_filter, self.tag_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            filters.addWidget(combo, 1)
        filters.addWidget(self.archived_filter)
        filters.addWidget(self.count_label)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="customerSplitter")
        self.splitter.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        for combo in (self.stage_filter, self.persona_filter, self.tag_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.archived_filter.toggled.connect(lambda _on: self.reload())
        self.refresh_filters()

    # -- filters ----------------------------------------------------------------------------

    def refresh_filters(self) -> None:
        """Fill the stage, persona and tag filters, keeping what was chosen."""
        def fill(combo: QComboBox, everything: str, items: list[tuple[int, str]]) -> None:
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for item_id, name in items:
                combo.addItem(name, item_id)
            index = combo.findData(chosen)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

        fill(self.stage_filter, self.tr("All stages"),
             [(s.id, s.name) for s in self.services.journey.stages(with_counts=False)])
        fill(self.persona_filter, self.tr("All personas"),
             [(p.id, p.name) for p in self.services.personas.all(with_counts=False)])
        fill(self.tag_filter, self.tr("All tags"),
             [(t.id, t.name) for t in self.services.tags.all(with_counts=False)])

    def query(self) -> CustomerQuery:
        return CustomerQuery(
            text=self.search.text(), stage_id=self.stage_filter.currentData(),
            persona_id=self.persona_filter.currentData(),
            tag_id=self.tag_filter.currentData(), archived=self.archived_filter.isChecked(),
            sort=SORT_KEYS[self.model.sort_column],
            descending=self.model.sort_order == Qt.SortOrder.DescendingOrder)

    # -- loading ----------------------------------------------------------------------------

    def reload(self, select_id: int | None = None,
               then: Callable[[], None] | None = None) -> None:
        """Fetch the ids off the UI thread; a newer request makes older answers moot."""
        self._generation += 1
        generation = self._generation
        query = self.query()
        if select_id is None:
            select_id = self.current_customer_id()
        self._pending_select = select_id
        list_ids = self.services.customers.list_ids

        def done(ids: Any) -> None:
            if generation != self._generation:
                return
            self._show_ids(ids)
            if then is not None:
                then()

        self.tasks.run(lambda _progress, _cancelled: list_ids(query), done)

    def reload_now(self, select_id: int | None = None) -> None:
        """Same as reload() but on this thread: after an edit the list must be right at once."""
        self._generation += 1
        self._pending_select = select_id if select_id is not None else (
            self.current_customer_id())
        self._show_ids(self.services.customers.list_ids(self.query()))

    def _show_ids(self, ids: list[int]) -> None:
        self.model.set_ids(ids)
        self.count_label.setText(count_text(len(ids)))
        wanted = self._pending_select
        row = self.model.row_of(wanted) if wanted is not None else -1
        if row < 0 and ids:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self.current_customer_changed.emit(None)
        self.list_reloaded.emit(len(ids))

    # -- selection --------------------------------------------------------------------------

    def current_customer_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.customer_id(index.row()) if index.isValid() else None

    def selected_customer_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = [self.model.customer_id(row) for row in rows]
        return [cid for cid in ids if cid is not None]

    def _on_current_changed(self, current: Any, _previous: Any) -> None:
        self.current_customer_changed.emit(
            self.model.customer_id(current.row()) if current.isValid() else None)

    # -- remembered layout ------------------------------------------------------------------

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("customers/splitter", self.splitter.saveState())
        settings.setValue("customers/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        splitter = settings.value("customers/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
            if 0 in self.splitter.sizes():
                # Saved by a layout with fewer panes: never leave the profile collapsed.
                self.splitter.setSizes([700, 420])
        header = settings.value("customers/header")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)
            # The sort shown by the header is the sort the list must use.
            self.model.sort_column = self.table.horizontalHeader().sortIndicatorSection()
            self.model.sort_order = self.table.horizontalHeader().sortIndicatorOrder()
