"""The Insights page: the shop's numbers as charts an owner can show a partner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCharts import QChart
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.periods import DEFAULT_PERIOD, Period
from smallbiz_crm.domain.records.insights import Insights
from smallbiz_crm.services.insights import InsightsCancelled
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.models.figures_table import FiguresModel
from smallbiz_crm.ui.pages.insights_best_customers import (
    COL_NAME,
    CUSTOMER_ID_ROLE,
    BestCustomersModel,
)
from smallbiz_crm.ui.pages.insights_cards import (
    day_text,
    show_best,
    show_concerns,
    show_gestures,
    show_growth,
    show_sources,
    show_stages,
    show_touch,
    source_colors,
)
from smallbiz_crm.ui.tasks import Task, TaskRunner
from smallbiz_crm.ui.widgets.chart_card import ChartCard, numbers_table

CHART_NAMES = ("stages", "touch", "growth", "sources", "concerns", "gestures", "best")


class InsightsPage(QWidget):
    """A period above a scrolling grid of chart cards; everything computed off the UI
    thread, with a busy bar meanwhile."""

    open_customer = Signal(int)
    data_changed = Signal()  # never emitted: the page only reads
    loaded = Signal()  # after a period's figures are on screen

    def __init__(self, services: Services, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("insightsPage")
        self.services = services
        self.tasks = tasks
        self.service = services.insights
        self.insights: Insights | None = None
        self._task: Task | None = None
        self._generation = 0
        self._build()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel(self.tr("Insights"), objectName="insightsTitle")
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        title.setFont(font)
        self.period_combo = QComboBox(objectName="periodCombo")
        for period, label in ((Period.LAST_3_MONTHS, self.tr("Last 3 months")),
                              (Period.LAST_6_MONTHS, self.tr("Last 6 months")),
                              (Period.LAST_12_MONTHS, self.tr("Last 12 months")),
                              (Period.ALL, self.tr("All time"))):
            self.period_combo.addItem(label, period.value)
        self.period_combo.setCurrentIndex(self.period_combo.findData(DEFAULT_PERIOD.value))
        self.period_combo.setToolTip(self.tr("Whole calendar months, up to today"))
        period_label = QLabel(self.tr("&Period:"))
        period_label.setBuddy(self.period_combo)
        self.busy = QProgressBar(objectName="insightsBusy")
        self.busy.setRange(0, 0)  # indeterminate: "working on it"
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(140)
        self.busy.setMaximumHeight(12)
        self.busy.hide()
        self.status_label = QLabel(objectName="insightsStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.print_button = QPushButton(self.tr("Print owner's report…"),
                                        objectName="printReportButton")
        self.print_button.setToolTip(self.tr("These charts and their numbers as a PDF to "
                                             "print or keep"))
        self.print_button.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(period_label)
        top.addWidget(self.period_combo)
        top.addSpacing(8)
        top.addWidget(self.busy)
        top.addWidget(self.status_label, 1)
        top.addWidget(self.print_button)

        # The numbers beside each chart.
        self.models: dict[str, FiguresModel] = {name: FiguresModel(parent=self)
                                                for name in CHART_NAMES if name != "best"}
        self.best_model = BestCustomersModel(self)
        self.best_table = QTableView(objectName="bestCustomersTable")
        self.best_table.setModel(self.best_model)
        self.best_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.best_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.best_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.best_table.setAlternatingRowColors(True)
        self.best_table.setWordWrap(False)
        self.best_table.setShowGrid(False)
        self.best_table.verticalHeader().setVisible(False)
        self.best_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.best_table.verticalHeader().setDefaultSectionSize(
            self.best_table.fontMetrics().height() + 6)
        header = self.best_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.best_table.doubleClicked.connect(self._open_best)

        def side(name: str) -> QTableView:
            return numbers_table(self.models[name], f"{name}Numbers")

        self.cards: dict[str, ChartCard] = {
            "stages": ChartCard("stages", self.tr("Customers per journey stage"),
                                side("stages"), 2, 3),
            "touch": ChartCard("touch", self.tr("Losing touch and lapsed, per stage"),
                               side("touch"), 2, 3),
            "growth": ChartCard("growth", self.tr("New customers and revenue per month"),
                                side("growth"), 2, 3),
            "sources": ChartCard("sources", self.tr("Where new customers came from"),
                                 side("sources"), chart_width=360),
            "concerns": ChartCard("concerns",
                                  self.tr("Concerns answered within one business day"),
                                  side("concerns"), 2, 3),
            "gestures": ChartCard("gestures",
                                  self.tr("Gesture spend and what followed, per month"),
                                  side("gestures"), 2, 3),
            "best": ChartCard("best", self.tr("Best customers (recency, frequency, money)"),
                              self.best_table, 3, 2),
        }
        for card in self.cards.values():
            card.save_requested.connect(self._ask_save_chart)
        self.cards["sources"].restyled.connect(self._recolor_sources)

        grid_host = QWidget(objectName="insightsGrid")
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 6, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        # One card per row, across the width: side by side, a chart and its numbers table
        # did not fit beside another pair at 1280 pixels, and months need room for names.
        placement = (("stages", 0, 0, 2), ("touch", 1, 0, 2), ("growth", 2, 0, 2),
                     ("sources", 3, 0, 2), ("concerns", 4, 0, 2), ("gestures", 5, 0, 2),
                     ("best", 6, 0, 2))
        # Heights fixed per row: a chart has no natural height, and the best customers'
        # table shows its twenty rows without scrolling.
        heights = {0: 320, 1: 320, 2: 380, 3: 380, 4: 380, 5: 380, 6: 520}
        for name, row, column, span in placement:
            grid.addWidget(self.cards[name], row, column, 1, span)
            self.cards[name].setFixedHeight(heights[row])
        grid.setRowStretch(len(heights), 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        self.scroll_area = QScrollArea(objectName="insightsScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(grid_host)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.scroll_area, 1)

        self.period_combo.currentIndexChanged.connect(lambda _index: self.refresh())
        self.print_button.clicked.connect(self.print_report)

    # -- loading ----------------------------------------------------------------------------

    def period(self) -> Period:
        return Period(self.period_combo.currentData())

    def set_period(self, key: Period | str) -> None:
        """Show another period (3m, 6m, 12m, all); loads it."""
        index = self.period_combo.findData(Period(key).value)
        if index == self.period_combo.currentIndex():
            self.refresh()
        else:
            self.period_combo.setCurrentIndex(index)  # → refresh()

    def is_loading(self) -> bool:
        return self._task is not None

    def refresh(self) -> None:
        """Compute the period's figures on a worker; an older request still running is asked
        to stop and its answer dropped."""
        if self._task is not None:
            self._task.cancel()
        self._generation += 1
        generation = self._generation
        period = self.period()
        service = self.service
        self.busy.show()
        self.status_label.setText(self.tr("Working out the figures…"))
        self.print_button.setEnabled(False)

        def compute(_progress: Any, cancelled: Callable[[], bool]) -> Insights | None:
            try:
                return service.compute(period, cancelled=cancelled)
            except InsightsCancelled:
                return None  # a newer request replaced this one: not an error

        def done(result: Any) -> None:
            if generation != self._generation or result is None:
                return
            self._task = None
            self.busy.hide()
            self.show_insights(result)
            self.loaded.emit()

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            self._task = None
            self.busy.hide()
            self.status_label.setText(self.tr("The figures could not be worked out."))
            raise exc  # to the app's error dialog, which logs it and keeps the app up

        self._task = self.tasks.run(compute, done, failed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.insights is None and self._task is None:
            self.refresh()

    # -- showing ----------------------------------------------------------------------------

    def show_insights(self, insights: Insights) -> None:
        self.insights = insights
        for name, show in (("stages", show_stages), ("touch", show_touch),
                           ("growth", show_growth), ("sources", show_sources),
                           ("concerns", show_concerns), ("gestures", show_gestures)):
            show(self.cards[name], self.models[name], insights)
        show_best(self.cards["best"], self.best_model, insights)
        rng = insights.range
        self.status_label.setText(self.tr("{0} – {1} · worked out in {2:.2f} s").format(
            day_text(rng.start), day_text(rng.today), insights.seconds))
        self.print_button.setEnabled(True)

    # -- for the owner and for tests --------------------------------------------------------

    def charts(self) -> dict[str, QChart]:
        return {name: card.chart() for name, card in self.cards.items()}

    def save_chart_png(self, name: str, path: str | Path) -> Path:
        """Save one chart ("stages", "growth", … see CHART_NAMES) as a PNG file."""
        return self.cards[name].save_png(path)

    def write_report(self, path: str | Path) -> Path:
        """Write the owner's report for the figures shown to `path` (a PDF)."""
        from smallbiz_crm.domain.settings import PAPER_SIZE, SHOP_NAME
        from smallbiz_crm.reports.owner_report import write_owner_report

        if self.insights is None:
            raise RuntimeError("The figures are not worked out yet.")
        target = Path(path)
        write_owner_report(self.insights, str(target), str(self.services.settings.get(SHOP_NAME)),
                           str(self.services.settings.get(PAPER_SIZE)))
        return target

    def print_report(self) -> None:
        """Build the owner's report on a worker and show it, ready to print or save."""
        from smallbiz_crm.domain.settings import PAPER_SIZE, SHOP_NAME
        from smallbiz_crm.reports.owner_report import period_label, write_owner_report
        from smallbiz_crm.ui.dialogs.pdf_preview import build_and_preview, temporary_pdf

        insights = self.insights
        if insights is None:
            return
        shop = str(self.services.settings.get(SHOP_NAME))
        paper_size = str(self.services.settings.get(PAPER_SIZE))

        def build(_progress: Any, _cancelled: Callable[[], bool]) -> Path:
            path = temporary_pdf("owners-report")
            try:
                write_owner_report(insights, str(path), shop, paper_size)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
            return path

        build_and_preview(self, self.tasks, build, self.tr("Owner's report: {0}").format(
            period_label(insights.range)))

    def _ask_save_chart(self, name: str) -> None:
        card = self.cards[name]
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save chart as PNG"),
            str(Path.home() / f"{card.title_label.text()}.png".replace("/", "-")),
            self.tr("PNG pictures (*.png)"))
        if not chosen:
            return
        try:
            self.save_chart_png(name, chosen)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Not saved"), str(exc))

    def _open_best(self, index: QModelIndex) -> None:
        customer_id = index.data(CUSTOMER_ID_ROLE)
        if customer_id is not None:
            self.open_customer.emit(int(customer_id))

    def _recolor_sources(self) -> None:
        """The pie's colours changed with the palette: mark the table's rows anew."""
        model = self.models["sources"]
        if model.rows:
            model.set_rows(model.rows, bold_last=True,
                           colors=source_colors(self.cards["sources"], self.insights))
