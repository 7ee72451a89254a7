"""The Insights page on a demo database: every chart drawn with its numbers, periods, PNGs,
the owner's report, the busy bar, and following the palette."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pypdf import PdfReader
from PySide6.QtCharts import QAbstractBarSeries, QBarCategoryAxis, QLineSeries, QPieSeries
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QProgressBar, QPushButton
from pytestqt.qtbot import QtBot

from smallbiz_crm.domain.money import format_cents
from smallbiz_crm.domain.periods import Period
from smallbiz_crm.domain.records.insights import BestCustomer
from smallbiz_crm.services.demo import fill_demo
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.pdf_preview import PdfPreviewDialog
from smallbiz_crm.ui.models.figures_table import FiguresModel
from smallbiz_crm.ui.pages.insights import CHART_NAMES, InsightsPage
from smallbiz_crm.ui.pages.insights_best_customers import (
    COL_NAME,
    COL_SCORE,
    CUSTOMER_ID_ROLE,
    BestCustomersModel,
)
from smallbiz_crm.ui.pages.insights_cards import month_names
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.widgets.charts import nice_step, point_count

TODAY = date(2026, 11, 20)  # conftest's clock
T = TypeVar("T", bound=QObject)


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait_all()


@pytest.fixture
def demo(services: Services) -> Services:
    fill_demo(services.db, 300, today=TODAY)
    return services


def child(page: InsightsPage, kind: type[T], name: str) -> T:
    found = page.findChild(kind, name)
    assert found is not None, name
    return found


def open_page(qtbot: QtBot, services: Services, tasks: TaskRunner,
              period: str = "12m") -> InsightsPage:
    page = InsightsPage(services, tasks)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    with qtbot.waitSignal(page.loaded, timeout=30_000):
        page.show()  # the first show loads the default period
    if period != "12m":
        with qtbot.waitSignal(page.loaded, timeout=30_000):
            page.set_period(period)
    return page


def test_every_chart_is_drawn_with_its_numbers(qtbot: QtBot, demo: Services,
                                               tasks: TaskRunner) -> None:
    page = open_page(qtbot, demo, tasks)
    assert page.objectName() == "insightsPage"
    assert child(page, QComboBox, "periodCombo").currentData() == "12m"
    assert not page.is_loading()
    assert not child(page, QProgressBar, "insightsBusy").isVisible()
    charts = page.charts()
    assert set(charts) == set(CHART_NAMES)
    for name, chart in charts.items():
        assert chart.series(), name
        assert point_count(chart) > 0, name
        assert any(bar_set.sum() > 0 for series in chart.series()
                   if isinstance(series, QAbstractBarSeries) for bar_set in series.barSets()
                   ) or any(isinstance(series, QPieSeries) and series.sum() > 0
                            for series in chart.series()), name
    insights = page.insights
    assert insights is not None
    # The stage chart: one bar per stage, in journey order, the counts of the service.
    (stage_bars,) = charts["stages"].series()
    assert isinstance(stage_bars, QAbstractBarSeries)
    counts = [stage.customers for stage in insights.journey.stages]
    # Qt draws horizontal bars bottom-up: the page hands them over last stage first.
    assert [stage_bars.barSets()[0].at(i) for i in range(len(counts))] == counts[::-1]
    assert stage_bars.isLabelsVisible()
    # Monthly charts: twelve months, with a line on a second axis where there are two units.
    growth = charts["growth"]
    assert any(isinstance(s, QLineSeries) and s.count() == 12 for s in growth.series())
    category = next(a for a in growth.axes() if isinstance(a, QBarCategoryAxis))
    assert category.count() == 12
    assert any(isinstance(s, QLineSeries) for s in charts["gestures"].series())
    # The numbers beside each chart.
    stages_model = page.models["stages"]
    assert stages_model.rowCount() == len(counts) + 1  # and a total
    assert stages_model.rows[-1][1] == f"{insights.journey.customers:,}"
    growth_model = page.models["growth"]
    assert growth_model.rows[-1][3] == format_cents(insights.growth.revenue_cents)
    assert page.best_model.rowCount() == len(insights.best.customers) == 20
    summary = page.cards["best"].summary_label.text()
    assert f"{insights.best.with_gesture} of these 20 received a gesture" in summary
    assert child(page, QPushButton, "printReportButton").isEnabled()


def test_a_period_is_chosen_and_loaded_off_the_ui_thread(qtbot: QtBot, demo: Services,
                                                         tasks: TaskRunner) -> None:
    page = open_page(qtbot, demo, tasks)
    busy = child(page, QProgressBar, "insightsBusy")
    with qtbot.waitSignal(page.loaded, timeout=30_000):
        page.set_period(Period.LAST_3_MONTHS)
        # The work runs on a worker: the page says so, and the print button waits for it.
        assert page.is_loading()
        assert busy.isVisible() and busy.maximum() == 0  # indeterminate
        assert not page.print_button.isEnabled()
    assert not page.is_loading() and not busy.isVisible()
    assert page.insights is not None and page.insights.range.period is Period.LAST_3_MONTHS
    category = next(a for a in page.charts()["concerns"].axes()
                    if isinstance(a, QBarCategoryAxis))
    assert category.count() == 3
    # Choosing in the combo box does the same.
    with qtbot.waitSignal(page.loaded, timeout=30_000):
        page.period_combo.setCurrentIndex(page.period_combo.findData("all"))
    assert page.insights.range.period.value == "all"
    assert len(page.insights.range.months) > 12


def test_a_newer_request_replaces_one_still_running(qtbot: QtBot, demo: Services,
                                                    tasks: TaskRunner) -> None:
    page = open_page(qtbot, demo, tasks)
    shown: list[Period] = []
    page.loaded.connect(lambda: shown.append(page.insights.range.period))  # type: ignore[union-attr]
    page.set_period("6m")
    with qtbot.waitSignal(page.loaded, timeout=30_000):
        page.set_period("3m")
    tasks.wait_all()
    qtbot.wait(50)
    assert shown[-1] is Period.LAST_3_MONTHS and Period.LAST_6_MONTHS not in shown


def test_charts_save_as_png(qtbot: QtBot, demo: Services, tasks: TaskRunner,
                            tmp_path: Path) -> None:
    page = open_page(qtbot, demo, tasks)
    for name in CHART_NAMES:
        saved = page.save_chart_png(name, tmp_path / name)
        assert saved == tmp_path / f"{name}.png"
        assert saved.read_bytes().startswith(b"\x89PNG")
        image = QImage(str(saved))
        assert image.width() > 200 and image.height() > 150
    with pytest.raises(OSError):
        page.save_chart_png("stages", tmp_path / "missing-folder" / "x.png")


def test_the_owners_report_has_the_numbers(qtbot: QtBot, demo: Services, tasks: TaskRunner,
                                           tmp_path: Path) -> None:
    page = open_page(qtbot, demo, tasks)
    insights = page.insights
    assert insights is not None
    target = page.write_report(tmp_path / "owner.pdf")
    text = "\n".join(page_.extract_text() for page_ in PdfReader(target).pages)
    assert "Owner's report" in text and "Corner Bookshop" in text  # the demo shop's name
    assert format_cents(insights.growth.revenue_cents) in text
    assert format_cents(insights.gestures.cost_cents) in text
    assert insights.best.customers[0].name in text


def test_print_owners_report_opens_the_preview(qtbot: QtBot, demo: Services,
                                               tasks: TaskRunner) -> None:
    page = open_page(qtbot, demo, tasks)

    def previews() -> list[PdfPreviewDialog]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog)
                and w.isVisible()]

    page.print_button.click()
    qtbot.waitUntil(lambda: bool(previews()), timeout=30_000)
    (preview,) = previews()
    assert preview.windowTitle() == "Owner's report: Last 12 months"
    text = "".join(p.extract_text() for p in PdfReader(preview.pdf_path).pages)
    assert "Customers per journey stage" in text
    preview.close()


def test_the_best_customers_table_opens_a_profile(qtbot: QtBot, demo: Services,
                                                  tasks: TaskRunner) -> None:
    page = open_page(qtbot, demo, tasks)
    index = page.best_model.index(0, COL_NAME)
    expected = page.best_model.data(index, CUSTOMER_ID_ROLE)
    with qtbot.waitSignal(page.open_customer) as opened:
        page.best_table.doubleClicked.emit(index)
    assert opened.args == [expected]


def test_charts_follow_the_palette(qtbot: QtBot, demo: Services, tasks: TaskRunner) -> None:
    page = open_page(qtbot, demo, tasks)
    dark = QPalette(page.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#181818"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    page.setPalette(dark)
    for name, chart in page.charts().items():
        assert chart.backgroundBrush().color() == QColor("#181818"), name
        axes = chart.axes()
        assert all(axis.labelsColor() == QColor("#eeeeee") for axis in axes), name


def test_an_empty_shop_still_shows_the_page(qtbot: QtBot, services: Services,
                                            tasks: TaskRunner, tmp_path: Path) -> None:
    page = open_page(qtbot, services, tasks)
    assert page.insights is not None and page.insights.journey.customers == 0
    assert page.cards["best"].summary_label.text() == "No purchases in this period."
    assert page.best_model.rowCount() == 0
    # Six stages with no customers: bars of nought, still drawn.
    assert point_count(page.charts()["stages"]) == 6
    assert point_count(page.charts()["sources"]) == 0
    text = "".join(p.extract_text() for p in PdfReader(
        page.write_report(tmp_path / "empty.pdf")).pages)
    assert "No new customers in this period." in text


def test_models(qtmodeltester: Any) -> None:  # pytest-qt's ModelTester, untyped
    figures = FiguresModel(["Stage", "Customers"], numeric=[1])
    figures.set_rows([("Prospect", "3"), ("Total", "3")], bold_last=True,
                     colors=[QColor("red")])
    qtmodeltester.check(figures)
    assert figures.data(figures.index(0, 1), Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert figures.data(figures.index(0, 0), Qt.ItemDataRole.DecorationRole) == QColor("red")
    assert figures.data(figures.index(1, 0), Qt.ItemDataRole.FontRole).bold()

    best = BestCustomersModel()
    best.set_customers([BestCustomer(7, "Ada", date(2026, 11, 18), 3, 17000, 3, 4, 3, True)])
    qtmodeltester.check(best)
    assert best.data(best.index(0, COL_SCORE)) == "10"
    assert best.data(best.index(0, COL_NAME), CUSTOMER_ID_ROLE) == 7


def test_month_names() -> None:
    months = [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert month_names(months) == ["Dec<br>2025", "Jan<br>2026", "Feb"]
    many = [date(2025 + (m // 12), m % 12 + 1, 1) for m in range(11, 11 + 14)]
    names = month_names(many)
    assert len(set(names)) == 14  # a category axis needs distinct names
    assert names[0].startswith("D") and "’25" in names[0] and "’26" in names[1]
    assert [nice_step(x) for x in (0.3, 1, 3, 7, 12, 4000)] == [0.5, 1, 5, 10, 20, 5000]
