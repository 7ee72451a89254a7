"""The Gestures page: every gesture with what followed it, spend per kind and month, logging."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QFont,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.gestures import (
    DEFAULT_WINDOW_DAYS,
    Followed,
    GestureFilter,
    GestureRow,
    GestureTotals,
    KindSummary,
)
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
    KindSpendModel,
    MonthSpendModel,
    gesture_kind_labels,
    kind_summary_text,
)
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.widgets.customer_picker import CustomerListPicker

LIST_LIMIT = 2000  # newest first; the totals always cover every gesture the filters match
SEARCH_DELAY_MS = 150
BUSY_NOTE_DELAY_MS = 400
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


@dataclass(frozen=True, slots=True)
class _Loaded:
    rows: list[GestureRow]
    matching: int
    followed: dict[int, Followed]
    totals: GestureTotals


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
        self._sentences: list[str] = []
        self._window_shown = DEFAULT_WINDOW_DAYS
        self.totals: GestureTotals | None = None
        self.matching = 0
        self._build()
        self.refresh_filters()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
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

        filters = QHBoxLayout()
        for combo in (self.kind_filter, self.period_filter, self.stage_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            filters.addWidget(combo)
        filters.addWidget(self.customer_filter, 1)
        filters.addSpacing(12)
        filters.addWidget(window_label)
        filters.addWidget(self.window_combo)

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

        # The totals.
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

        totals = QWidget(objectName="gestureTotals")
        totals_column = QVBoxLayout(totals)
        totals_column.setContentsMargins(0, 4, 0, 0)
        totals_row = QHBoxLayout()
        titled(_heading(self.tr("Spend per kind")), self.kind_table, 3, 250)
        titled(_heading(self.tr("Spend per month")), self.month_table, 3, 230)
        titled(self.followed_heading, followed_scroll, 6)
        totals_column.addLayout(totals_row, 1)

        # Logging, beside the list.
        self.picker = CustomerListPicker(self.services)
        self.log_button = QPushButton(self.tr("Log gesture…"), objectName="logGestureButton")
        self.log_button.setDefault(False)
        self.log_hint = QLabel(objectName="logHint")
        self.log_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.log_hint.setWordWrap(True)
        self.log_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        log_group = QGroupBox(self.tr("Log a gesture"), objectName="logGroup")
        log_column = QVBoxLayout(log_group)
        log_column.addWidget(self.picker, 1)
        log_column.addWidget(self.log_hint)
        log_column.addWidget(self.log_button)
        log_group.setFixedWidth(270)
        log_group.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

        # The list with logging beside it above; the totals below, across the whole width.
        top = QWidget()
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(0, 0, 0, 0)
        top_row.addWidget(list_box, 1)
        top_row.addWidget(log_group)
        self.vertical = QSplitter(Qt.Orientation.Vertical, objectName="gestureSplitter")
        self.vertical.addWidget(top)
        self.vertical.addWidget(totals)
        self.vertical.setStretchFactor(0, 3)
        self.vertical.setStretchFactor(1, 2)
        self.vertical.setChildrenCollapsible(False)
        self.vertical.setSizes([440, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.vertical, 1)

        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_NOTE_DELAY_MS)
        self._busy_timer.timeout.connect(lambda: self.followed_heading.setText(
            self.tr("What followed within {0} days — working it out…").format(
                self._window_shown)))
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.customer_filter.textChanged.connect(lambda _text: self._search_timer.start())
        for combo in (self.kind_filter, self.period_filter, self.stage_filter,
                      self.window_combo):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.outcome_button.clicked.connect(self.open_outcome_dialog)
        self.open_button.clicked.connect(self._open_current_customer)
        self.log_button.clicked.connect(self.open_log_dialog)
        self.picker.changed.connect(self._update_buttons)
        self._update_buttons()

    def refresh_filters(self) -> None:
        """Fill the stage filter (stages may have been renamed), keeping the choice."""
        chosen = self.stage_filter.currentData()
        with QSignalBlocker(self.stage_filter):
            self.stage_filter.clear()
            self.stage_filter.addItem(self.tr("All stages"), None)
            for stage in self.services.journey.stages():
                self.stage_filter.addItem(stage.name, stage.id)
            self.stage_filter.setCurrentIndex(max(self.stage_filter.findData(chosen), 0))

    # -- what is shown ----------------------------------------------------------------------

    def current_filter(self) -> GestureFilter:
        date_from, date_to = period_range(self.services.clock().date(),
                                          self.period_filter.currentData())
        return GestureFilter(kind=self.kind_filter.currentData(), date_from=date_from,
                             date_to=date_to, stage_id=self.stage_filter.currentData(),
                             text=self.customer_filter.text())

    def window_days(self) -> int:
        return int(self.window_combo.currentData())

    def refresh(self) -> None:
        """Reload everything off the UI thread; answers to an older request are dropped."""
        self._search_timer.stop()
        self.refresh_filters()
        self._generation += 1
        generation = self._generation
        flt = self.current_filter()
        window = self.window_days()
        service = self.service
        self._pending = 2
        self._window_shown = window
        self.followed_heading.setText(self.tr("What followed within {0} days").format(window))
        # Over years of gestures this takes seconds: say so, but only if it does not flash by.
        self._busy_timer.start()

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
                self._busy_timer.stop()
                self.followed_heading.setText(
                    self.tr("What followed within {0} days").format(window))
                self._show_summaries(result)
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
        self.kind_model.set_items(loaded.totals.by_kind)
        self.month_model.set_items(list(reversed(loaded.totals.by_month)))
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

    def _show_summaries(self, summaries: list[KindSummary]) -> None:
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
        picked = self.picker.customer_ids()
        selected = self.selected_customer_ids()
        targets = picked or selected
        self.log_button.setEnabled(bool(targets))
        if picked:
            self.log_hint.setText(self.tr("For the {0} customers listed above.").format(
                len(picked)) if len(picked) != 1 else self.tr("For the customer listed above."))
        elif selected:
            self.log_hint.setText(self.tr(
                "For the customers of the selected gestures ({0}).").format(len(selected)))
        else:
            self.log_hint.setText(self.tr(
                "Add customers above, or select gestures in the list to log one for the "
                "same customers."))
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
