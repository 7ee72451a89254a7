"""The Gestures page: every gesture with what followed it, spend per kind and month, logging."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.domain.records.gestures import (
    Followed,
    GestureFilter,
    GestureRow,
    GestureTotals,
    KindSummary,
)
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.gesture_dialog import GestureDialog, OutcomeDialog
from smallbiz_crm.ui.models.gesture_table import (
    COL_COST,
    COL_CUSTOMER,
    COL_DATE,
    COL_DESCRIPTION,
    COL_FOLLOWED,
    COL_KIND,
    COL_OCCASION,
    COL_OUTCOME,
    GestureTableModel,
)
from smallbiz_crm.ui.pages.gesture_filters import GestureFiltersBar
from smallbiz_crm.ui.pages.gesture_logging import LogGestureBox
from smallbiz_crm.ui.pages.gesture_totals import GestureTotalsPanel
from smallbiz_crm.ui.tasks import TaskRunner

LIST_LIMIT = 2000  # newest first; the totals always cover every gesture the filters match


@dataclass(frozen=True, slots=True)
class _Loaded:
    rows: list[GestureRow]
    matching: int
    followed: dict[int, Followed]
    totals: GestureTotals


class GesturesPage(QWidget):
    """Filters above the gesture table, totals and what followed below it, logging beside it."""

    open_customer = Signal(int)
    data_changed = Signal()
    loaded = Signal()  # after a refresh has shown everything (the list, totals, per kind)

    def __init__(self, services: Services, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gesturesPage")
        self.services = services
        self.tasks = tasks
        self.service = services.gestures
        self._generation = 0
        self._pending = 0
        self.summaries: list[KindSummary] = []
        self.totals: GestureTotals | None = None
        self.matching = 0
        self._build()
        self.refresh_filters()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.filters = GestureFiltersBar()
        # The filters by name, as the page has always offered them.
        self.kind_filter = self.filters.kind_filter
        self.period_filter = self.filters.period_filter
        self.stage_filter = self.filters.stage_filter
        self.customer_filter = self.filters.customer_filter
        self.window_combo = self.filters.window_combo

        # The list.
        self.model = GestureTableModel(self)
        self.table = QTableView(objectName="gestureTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in ((COL_DATE, 84), (COL_CUSTOMER, 150), (COL_KIND, 136),
                              (COL_DESCRIPTION, 200), (COL_COST, 60), (COL_FOLLOWED, 190),
                              (COL_OCCASION, 130), (COL_OUTCOME, 160)):
            self.table.setColumnWidth(column, width)
        self.count_label = QLabel(objectName="gestureCount")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.outcome_button = QPushButton(self.tr("Set outcome…"), objectName="setOutcomeButton")
        self.outcome_button.setToolTip(self.tr("Note how the selected gestures landed"))
        self.open_button = QPushButton(self.tr("Open customer"), objectName="openCustomerButton")
        actions = QHBoxLayout()
        actions.addWidget(self.count_label, 1)
        actions.addWidget(self.outcome_button)
        actions.addWidget(self.open_button)
        list_box = QWidget()
        list_column = QVBoxLayout(list_box)
        list_column.setContentsMargins(0, 0, 0, 0)
        list_column.addWidget(self.table, 1)
        list_column.addLayout(actions)

        # The totals, and what followed per kind.
        self.totals_panel = GestureTotalsPanel()
        self.kind_model = self.totals_panel.kind_model
        self.month_model = self.totals_panel.month_model
        self.followed_heading = self.totals_panel.followed_heading

        # Logging, beside the list.
        self.log_box = LogGestureBox(self.services)
        self.picker = self.log_box.picker
        self.log_button = self.log_box.log_button
        self.log_hint = self.log_box.log_hint

        # The list with logging beside it above; the totals below, across the whole width.
        top = QWidget()
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(0, 0, 0, 0)
        top_row.addWidget(list_box, 1)
        top_row.addWidget(self.log_box)
        self.vertical = QSplitter(Qt.Orientation.Vertical, objectName="gestureSplitter")
        self.vertical.addWidget(top)
        self.vertical.addWidget(self.totals_panel)
        self.vertical.setStretchFactor(0, 3)
        self.vertical.setStretchFactor(1, 2)
        self.vertical.setChildrenCollapsible(False)
        self.vertical.setSizes([440, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.vertical, 1)

        self.filters.changed.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.outcome_button.clicked.connect(self.open_outcome_dialog)
        self.open_button.clicked.connect(self._open_current_customer)
        self.log_button.clicked.connect(self.open_log_dialog)
        self.picker.changed.connect(self._update_buttons)
        self._update_buttons()

    def refresh_filters(self) -> None:
        """Fill the stage filter (stages may have been renamed), keeping the choice."""
        self.filters.set_stages(self.services.journey.stages())

    # -- what is shown ----------------------------------------------------------------------

    def current_filter(self) -> GestureFilter:
        return self.filters.current_filter(self.services.clock().date())

    def window_days(self) -> int:
        return self.filters.window_days()

    def refresh(self) -> None:
        """Reload everything off the UI thread; answers to an older request are dropped."""
        self.filters.stop_waiting()
        self.refresh_filters()
        self._generation += 1
        generation = self._generation
        flt = self.current_filter()
        window = self.window_days()
        service = self.service
        self._pending = 2
        self.totals_panel.start_loading(window)

        def load_list(_progress: Any, _cancelled: Any) -> _Loaded:
            rows = service.list(flt, limit=LIST_LIMIT)
            matching = service.count(flt) if len(rows) >= LIST_LIMIT else len(rows)
            followed = service.what_followed([row.id for row in rows], window)
            return _Loaded(rows, matching, followed, service.totals(flt))

        def list_done(result: Any) -> None:
            if generation == self._generation:
                self._show_list(result)
                self._one_done()

        def kinds_done(result: Any) -> None:
            if generation == self._generation:
                self.totals_panel.show_summaries(result, window)
                self.summaries = list(result)
                self._one_done()

        self.tasks.run(load_list, list_done, self._on_error)
        self.tasks.run(lambda _p, _c: service.followed_by_kind(flt, window), kinds_done,
                       self._on_error)

    def _on_error(self, exc: BaseException) -> None:
        self.count_label.setText(self.tr("Could not load the gestures."))
        raise exc  # to the app's error dialog, which logs it and keeps the app up

    def _one_done(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.loaded.emit()

    def _show_list(self, loaded: _Loaded) -> None:
        selected = set(self.selected_gesture_ids())
        self.model.set_rows(loaded.rows, loaded.followed)
        self.totals = loaded.totals
        self.matching = loaded.matching
        self.totals_panel.show_totals(loaded.totals)
        self.count_label.setText(self.count_text(len(loaded.rows), loaded.matching,
                                                 loaded.totals.cost_cents))
        for row in range(self.model.rowCount()):
            gesture = self.model.gesture(row)
            if gesture is not None and gesture.id in selected:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows)
        self._update_buttons()

    def count_text(self, shown: int, matching: int, cost_cents: int) -> str:
        """'451 gestures, total cost 2,443.40' (and a word when the list holds fewer)."""
        cost = format_cents(cost_cents)
        if shown < matching:
            return self.tr("{0} gestures, total cost {1}. The list shows the newest {2}; narrow "
                           "the filters to see older ones.").format(
                               f"{matching:,}", cost, f"{shown:,}")
        if matching == 1:
            return self.tr("1 gesture, total cost {0}").format(cost)
        return self.tr("{0} gestures, total cost {1}").format(f"{matching:,}", cost)

    def followed_sentences(self) -> list[str]:
        """The per-kind sentences as plain text."""
        return self.totals_panel.followed_sentences()

    # -- selection and actions --------------------------------------------------------------

    def selected_gesture_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [gesture.id for row in rows if (gesture := self.model.gesture(row)) is not None]

    def selected_customer_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = [gesture.customer_id for row in rows
               if (gesture := self.model.gesture(row)) is not None]
        return list(dict.fromkeys(ids))

    def customers_to_log_for(self) -> list[int]:
        """The customers picked beside the list, or else those of the selected gestures."""
        return self.picker.customer_ids() or self.selected_customer_ids()

    def _update_buttons(self) -> None:
        selected = self.selected_customer_ids()
        self.log_box.show_targets(len(self.picker.customer_ids()), len(selected))
        gestures = self.selected_gesture_ids()
        self.outcome_button.setEnabled(bool(gestures))
        self.open_button.setEnabled(len(selected) == 1)

    def open_log_dialog(self) -> GestureDialog | None:
        """Open the log dialog (window-modal, not blocking) for customers_to_log_for()."""
        customer_ids = self.customers_to_log_for()
        if not customer_ids:
            return None
        dialog = GestureDialog(self.services, customer_ids, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._after_log)
        dialog.open()
        return dialog

    def _after_log(self) -> None:
        self.picker.clear()
        self._after_write()

    def open_outcome_dialog(self) -> OutcomeDialog | None:
        ids = self.selected_gesture_ids()
        if not ids:
            return None
        try:
            dialog = OutcomeDialog(self.services, ids, self)
        except NotFoundError:
            self.refresh()
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._after_write)
        dialog.open()
        return dialog

    def _after_write(self) -> None:
        self.refresh()
        self.data_changed.emit()

    def _on_double_clicked(self, index: QModelIndex) -> None:
        gesture = self.model.gesture(index.row()) if index.isValid() else None
        if gesture is None:
            return
        if index.column() == COL_CUSTOMER:
            self.open_customer.emit(gesture.customer_id)
        else:
            self.open_outcome_dialog()

    def _open_current_customer(self) -> None:
        selected = self.selected_customer_ids()
        if len(selected) == 1:
            self.open_customer.emit(selected[0])
