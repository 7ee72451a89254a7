"""The Insights page: the shop's numbers as charts an owner can show a partner."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCharts import QChart
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QShowEvent
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

from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.domain.periods import DEFAULT_PERIOD, Period
from smallbiz_crm.domain.records.insights import BestCustomer, Insights
from smallbiz_crm.services.insights import InsightsCancelled
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.models.figures_table import FiguresModel
from smallbiz_crm.ui.tasks import Task, TaskRunner
from smallbiz_crm.ui.widgets.chart_card import ChartCard, numbers_table
from smallbiz_crm.ui.widgets.charts import add_line, bar_chart, pie_chart, slice_colors

Index = QModelIndex | QPersistentModelIndex

CHART_NAMES = ("stages", "touch", "growth", "sources", "concerns", "gestures", "best")
TOP_IN_CHART = 10  # the best customers drawn as bars; the table lists all twenty
MONTHS_IN_FULL = 12  # more months than this, and their names shrink to initials

COL_RANK = 0
COL_NAME = 1
COL_LAST = 2
COL_PURCHASES = 3
COL_MONEY = 4
COL_R = 5
COL_F = 6
COL_M = 7
COL_SCORE = 8
COL_GESTURE = 9
_COLUMNS = 10
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def month_text(month: date, with_year: bool = True) -> str:
    """'Sep 2026' (or 'Sep'), in the language of the app's locale."""
    return QLocale().toString(QDate(month.year, month.month, 1),
                              "MMM yyyy" if with_year else "MMM")


def day_text(day: date) -> str:
    """'18 Nov 2026', in the language of the app's locale."""
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMM yyyy")


def month_names(months: Sequence[date]) -> list[str]:
    """Category labels for months: 'Sep', 'Oct' …, with the year under the first month and
    under each January (QtCharts draws the labels as rich text). Past a year of months only
    the initial fits ('S', 'O' …); zero-width spaces keep the labels apart, as a category
    axis needs them to be."""
    many = len(months) > MONTHS_IN_FULL
    names = []
    for index, month in enumerate(months):
        name = month_text(month, False)[:1] + "\u200b" * index if many \
            else month_text(month, False)
        year = f"’{month.year % 100:02d}" if many else f"{month.year}"
        names.append(f"{name}<br>{year}" if index == 0 or month.month == 1 else name)
    return names


def percent(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def money_units(cents: int) -> float:
    return cents / 100


class BestCustomersModel(QAbstractTableModel):
    """The top customers by RFM score, with the parts of the score."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.customers: list[BestCustomer] = []
        self._headers = [self.tr("#"), self.tr("Customer"), self.tr("Last purchase"),
                         self.tr("Purchases"), self.tr("Money"), self.tr("R"), self.tr("F"),
                         self.tr("M"), self.tr("Score"), self.tr("Gesture")]
        self._tips = [self.tr("Rank"), "", self.tr("The day of their last purchase"),
                      self.tr("Purchases in the period"),
                      self.tr("What their purchases in the period came to"),
                      self.tr("Recency: 1–5 by fifths of the customers who bought"),
                      self.tr("Frequency: 1–5 by fifths of the customers who bought"),
                      self.tr("Money: 1–5 by fifths of the customers who bought"),
                      self.tr("R + F + M, 3–15"),
                      self.tr("Received a gesture in the period")]

    def set_customers(self, customers: Sequence[BestCustomer]) -> None:
        self.beginResetModel()
        self.customers = list(customers)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.customers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.customers):
            return None
        customer = self.customers[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = {
                COL_RANK: f"{index.row() + 1}", COL_NAME: customer.name,
                COL_LAST: day_text(customer.last_purchase),
                COL_PURCHASES: f"{customer.purchases:,}",
                COL_MONEY: format_cents(customer.money_cents),
                COL_R: f"{customer.recency}", COL_F: f"{customer.frequency}",
                COL_M: f"{customer.monetary}", COL_SCORE: f"{customer.score}",
                COL_GESTURE: self.tr("yes") if customer.received_gesture else ""}
            return values.get(column)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_NAME:
            return self.tr("{0} — double-click to open").format(customer.name)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            left = column in (COL_NAME, COL_LAST, COL_GESTURE)
            return int((Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignRight)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column == COL_SCORE:
            font = QFont()
            font.setBold(True)
            return font
        if role == CUSTOMER_ID_ROLE:
            return customer.customer_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _COLUMNS:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips[section] or None
        return None


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
        for show in (self._show_stages, self._show_touch, self._show_growth,
                     self._show_sources, self._show_concerns, self._show_gestures,
                     self._show_best):
            show(insights)
        rng = insights.range
        self.status_label.setText(self.tr("{0} – {1} · worked out in {2:.2f} s").format(
            day_text(rng.start), day_text(rng.today), insights.seconds))
        self.print_button.setEnabled(True)

    def _show_stages(self, insights: Insights) -> None:
        journey = insights.journey
        stages = journey.stages
        card = self.cards["stages"]
        card.set_chart(bar_chart([s.name for s in stages],
                                 [(self.tr("Customers"), [s.customers for s in stages])],
                                 horizontal=True))
        card.set_summary(self.tr("{0} customers today · {1} moves up and {2} down the journey "
                                 "in the period").format(
            f"{journey.customers:,}", f"{journey.moved_up:,}", f"{journey.moved_down:,}"))
        rows = [(s.name, f"{s.customers:,}", f"{s.moved_up_into:,}", f"{s.moved_down_into:,}")
                for s in stages]
        rows.append((self.tr("Total"), f"{journey.customers:,}", f"{journey.moved_up:,}",
                     f"{journey.moved_down:,}"))
        self.models["stages"].set_rows(
            rows, [self.tr("Stage"), self.tr("Customers"), self.tr("Up into"),
                   self.tr("Down into")], (1, 2, 3), bold_last=True)

    def _show_touch(self, insights: Insights) -> None:
        touch = insights.touch
        stages = touch.stages
        card = self.cards["touch"]
        card.set_chart(bar_chart(
            [s.name for s in stages],
            [(self.tr("Losing touch"), [s.losing_touch for s in stages]),
             (self.tr("Lapsed from here"), [s.lapsed_from for s in stages])],
            horizontal=True))
        card.set_summary(self.tr("{0} past their stage's contact rhythm today · {1} lapsed "
                                 "now · {2} lapsed in the period").format(
            f"{touch.losing_touch:,}", f"{touch.lapsed_now:,}", f"{touch.lapsed_in_period:,}"))
        rows = [(s.name, f"{s.losing_touch:,}", f"{s.lapsed_from:,}") for s in stages]
        rows.append((self.tr("Total"), f"{touch.losing_touch:,}",
                     f"{touch.lapsed_in_period:,}"))
        self.models["touch"].set_rows(
            rows, [self.tr("Stage"), self.tr("Losing touch"), self.tr("Lapsed from")],
            (1, 2), bold_last=True)

    def _show_growth(self, insights: Insights) -> None:
        growth = insights.growth
        months = growth.months
        card = self.cards["growth"]
        chart = bar_chart(month_names([m.month for m in months]),
                          [(self.tr("New customers"), [m.new_customers for m in months])])
        add_line(chart, self.tr("Revenue"), [money_units(m.revenue_cents) for m in months])
        card.set_chart(chart)
        summary = self.tr("{0} new customers · {1} purchases worth {2}").format(
            f"{growth.new_customers:,}", f"{growth.purchases:,}",
            format_cents(growth.revenue_cents))
        if growth.imported:
            summary += self.tr(" · {0} more came in by an import").format(
                f"{growth.imported:,}")
        card.set_summary(summary)
        rows = [(month_text(m.month), f"{m.new_customers:,}", f"{m.purchases:,}",
                 format_cents(m.revenue_cents)) for m in reversed(months)]
        rows.append((self.tr("Total"), f"{growth.new_customers:,}", f"{growth.purchases:,}",
                     format_cents(growth.revenue_cents)))
        self.models["growth"].set_rows(
            rows, [self.tr("Month"), self.tr("New customers"), self.tr("Purchases"),
                   self.tr("Revenue")], (1, 2, 3), bold_last=True)

    def _show_sources(self, insights: Insights) -> None:
        sources = insights.sources
        total = sources.new_customers
        not_noted = self.tr("Not noted")
        card = self.cards["sources"]
        card.set_chart(pie_chart([(s.source or not_noted, s.customers)
                                  for s in sources.sources]))
        card.set_summary(self.tr("{0} new customers · {1} of them name the customer who "
                                 "referred them").format(f"{total:,}",
                                                         f"{sources.referred:,}"))
        rows = [(s.source or not_noted, f"{s.customers:,}", percent(s.customers, total),
                 f"{s.referred:,}") for s in sources.sources]
        rows.append((self.tr("Total"), f"{total:,}", percent(total, total),
                     f"{sources.referred:,}"))
        self.models["sources"].set_rows(
            rows, [self.tr("Source"), self.tr("Customers"), self.tr("Share"),
                   self.tr("Referred")], (1, 2, 3), bold_last=True,
            colors=self._source_colors())

    def _source_colors(self) -> list[QColor]:
        """Each source row marked in its slice's colour (the sources past the pie's last
        slice share the "Other" slice's)."""
        colors = slice_colors(self.cards["sources"].chart())
        if self.insights is None or not colors:
            return []
        count = len(self.insights.sources.sources)
        return [colors[min(row, len(colors) - 1)] for row in range(count)]

    def _show_concerns(self, insights: Insights) -> None:
        concerns = insights.concerns
        months = concerns.months
        card = self.cards["concerns"]
        # A month with none due has no bar (and no label) rather than a share of 0 %; the
        # table beside gives the counts behind each share.
        card.set_chart(bar_chart(
            month_names([m.month for m in months]), [(self.tr("Answered in time (%)"),
                     [round(100 * m.share) if m.share is not None else 0 for m in months])],
            labels_format="@value%", value_max=118, tick=20, axis_format="%.0f%%"))
        card.set_summary(self.tr("{0} answered within one business day ({1} of {2} whose "
                                 "answer is due) · {3} received").format(
            percent(concerns.answered_in_time, concerns.decided),
            f"{concerns.answered_in_time:,}", f"{concerns.decided:,}",
            f"{concerns.received:,}"))
        rows = [(month_text(m.month), f"{m.answered_in_time:,}", f"{m.decided:,}",
                 percent(m.answered_in_time, m.decided)) for m in reversed(months)]
        rows.append((self.tr("Total"), f"{concerns.answered_in_time:,}",
                     f"{concerns.decided:,}",
                     percent(concerns.answered_in_time, concerns.decided)))
        self.models["concerns"].set_rows(
            rows, [self.tr("Month"), self.tr("In time"), self.tr("Due"), self.tr("Share")],
            (1, 2, 3), bold_last=True)

    def _show_gestures(self, insights: Insights) -> None:
        gestures = insights.gestures
        months = gestures.months
        card = self.cards["gestures"]
        chart = bar_chart(
            month_names([m.month for m in months]),
            [(self.tr("Spent on gestures"), [money_units(m.cost_cents) for m in months]),
             (self.tr("Purchases that followed"),
              [money_units(m.purchase_cents) for m in months])],
            show_labels=False)
        add_line(chart, self.tr("Referrals that followed"), [m.referrals for m in months])
        card.set_chart(chart)
        card.set_summary(self.tr(
            "{0} gestures cost {1} · within {2} days after them: {3} purchases worth {4} and "
            "{5} referrals (recent months are still counting)").format(
            f"{gestures.given:,}", format_cents(gestures.cost_cents), gestures.window_days,
            f"{gestures.purchases:,}", format_cents(gestures.purchase_cents),
            f"{gestures.referrals:,}"))
        rows = [(month_text(m.month), f"{m.given:,}", format_cents(m.cost_cents),
                 f"{m.purchases:,}", format_cents(m.purchase_cents), f"{m.referrals:,}")
                for m in reversed(months)]
        rows.append((self.tr("Total"), f"{gestures.given:,}", format_cents(gestures.cost_cents),
                     f"{gestures.purchases:,}", format_cents(gestures.purchase_cents),
                     f"{gestures.referrals:,}"))
        self.models["gestures"].set_rows(
            rows, [self.tr("Month"), self.tr("Gestures"), self.tr("Spent"),
                   self.tr("Purchases after"), self.tr("Worth"), self.tr("Referrals")],
            (1, 2, 3, 4, 5), bold_last=True)

    def _show_best(self, insights: Insights) -> None:
        best = insights.best
        top = best.customers[:TOP_IN_CHART]
        card = self.cards["best"]
        card.set_chart(bar_chart(
            [c.name for c in top],
            [(self.tr("Recency"), [c.recency for c in top]),
             (self.tr("Frequency"), [c.frequency for c in top]),
             (self.tr("Money"), [c.monetary for c in top])],
            horizontal=True, stacked=True, value_max=15, tick=5))
        if best.customers:
            card.set_summary(self.tr(
                "Score = recency + frequency + money, each 1–5 by fifths of the {0} customers "
                "who bought in the period · {1} of these {2} received a gesture in the "
                "period").format(f"{best.scored:,}", best.with_gesture, len(best.customers)))
        else:
            card.set_summary(self.tr("No purchases in this period."))
        self.best_model.set_customers(best.customers)

    # -- for the owner and for tests --------------------------------------------------------

    def charts(self) -> dict[str, QChart]:
        return {name: card.chart() for name, card in self.cards.items()}

    def save_chart_png(self, name: str, path: str | Path) -> Path:
        """Save one chart ("stages", "growth", … see CHART_NAMES) as a PNG file."""
        return self.cards[name].save_png(path)

    def write_report(self, path: str | Path) -> Path:
        """Write the owner's report for the figures shown to `path` (a PDF)."""
        from smallbiz_crm.reports.owner_report import write_owner_report
        from smallbiz_crm.services.settings import PAPER_SIZE, SHOP_NAME

        if self.insights is None:
            raise RuntimeError("The figures are not worked out yet.")
        target = Path(path)
        write_owner_report(self.insights, str(target), str(self.services.settings.get(SHOP_NAME)),
                           str(self.services.settings.get(PAPER_SIZE)))
        return target

    def print_report(self) -> None:
        """Build the owner's report on a worker and show it, ready to print or save."""
        from smallbiz_crm.reports.owner_report import period_label, write_owner_report
        from smallbiz_crm.services.settings import PAPER_SIZE, SHOP_NAME
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
            model.set_rows(model.rows, bold_last=True, colors=self._source_colors())
