"""The Insights charts: bars, a line beside them and a pie, themed from the palette."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPalette, QPen

# More categories than this and the value labels would overlap: the table beside the chart
# carries the numbers alone.
MAX_LABELLED_CATEGORIES = 12
# Pie slices beyond this many are summed as "Other" (the table lists every one).
MAX_SLICES = 7
LINE_COLOR = "#e8871e"
# Slices smaller than this share of the pie carry no label (it would not fit inside).
MIN_LABELLED_SLICE = 0.06


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply_palette(chart: QChart, palette: QPalette) -> None:
    """Theme a chart from the widget palette: QtCharts' light or dark series colours, and the
    palette's own background, text and grid colours, so it sits in the window either way."""
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if is_dark(palette)
                   else QChart.ChartTheme.ChartThemeLight)
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    grid = palette.color(QPalette.ColorRole.Mid)
    grid.setAlpha(110)
    chart.setBackgroundBrush(QBrush(base))
    chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
    chart.setBackgroundRoundness(0)
    chart.setTitleBrush(QBrush(text))
    chart.legend().setLabelColor(text)
    chart.setMargins(QMargins(4, 4, 4, 4))
    for axis in chart.axes():
        if isinstance(axis, QBarCategoryAxis) and axis.orientation() == Qt.Orientation.Horizontal:
            # Many months side by side: a size smaller, so "Sep" is not cut to "…".
            small = QFont(axis.labelsFont())
            small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
            axis.setLabelsFont(small)
        axis.setLabelsColor(text)
        axis.setTitleBrush(QBrush(text))
        axis.setLinePenColor(grid)
        axis.setGridLineColor(grid)
        axis.setShadesVisible(False)
    for series in chart.series():
        if isinstance(series, QLineSeries):
            # One line beside bars, in a colour neither theme gives its first bars.
            pen = QPen(QColor(LINE_COLOR))
            pen.setWidthF(2.5)
            series.setPen(pen)
            series.setColor(QColor(LINE_COLOR))
        elif isinstance(series, QAbstractBarSeries):
            for bar_set in series.barSets():
                bar_set.setLabelColor(text if not isinstance(
                    series, QHorizontalStackedBarSeries) else QColor(Qt.GlobalColor.black))
        elif isinstance(series, QPieSeries):
            for pie_slice in series.slices():
                # The share sits inside its slice: black on light colours, white on dark.
                pie_slice.setLabelColor(QColor(Qt.GlobalColor.black)
                                        if pie_slice.color().lightness() > 140
                                        else QColor(Qt.GlobalColor.white))
                pie_slice.setBorderColor(base)


def nice_step(rough: float) -> float:
    """The 1, 2 or 5 times a power of ten at or above `rough` (a tick interval)."""
    if rough <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(rough))
    return float(next(step * power for step in (1, 2, 5, 10) if step * power >= rough))


def value_axis(values: Sequence[float], label_format: str = "%.0f",
               value_max: float | None = None, tick: float | None = None) -> QValueAxis:
    """A value axis from 0 with room above the highest value for its label, ticks every
    whole `tick` (by default a round step, about four ticks, never a fraction of 1)."""
    top = max(values, default=0.0)
    axis = QValueAxis()
    axis.setRange(0, value_max if value_max is not None else max(top, 1.0) * 1.15)
    step = tick if tick is not None else max(1.0, nice_step(max(top, 1.0) / 4))
    # Ticks at whole steps from 0, whatever the range ends on: counts never read "2.5".
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat(label_format)
    axis.setMinorTickCount(0)
    return axis


def bar_chart(categories: Sequence[str], sets: Sequence[tuple[str, Sequence[float]]],
              horizontal: bool = False, stacked: bool = False, labels_format: str = "@value",
              show_labels: bool = True, value_max: float | None = None,
              axis_format: str = "%.0f", tick: float | None = None) -> QChart:
    """Bars per category, one bar set per (name, values); value labels while the categories
    are few enough to hold them. Horizontal charts list the first category on top."""
    chart = QChart()
    series: QAbstractBarSeries
    if horizontal:
        # Qt draws the first category at the bottom (and a category axis cannot be
        # reversed): hand them over last first, so the list reads from the top.
        categories = list(reversed(categories))
        sets = [(name, list(reversed(values))) for name, values in sets]
        series = QHorizontalStackedBarSeries() if stacked else QHorizontalBarSeries()
    else:
        series = QBarSeries()
    for name, values in sets:
        bar_set = QBarSet(name)
        bar_set.append([float(v) for v in values])
        series.append(bar_set)
    labelled = show_labels and len(categories) <= MAX_LABELLED_CATEGORIES
    series.setLabelsVisible(labelled)
    if labelled:
        series.setLabelsFormat(labels_format)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsCenter if stacked
                                 else QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(series)
    category_axis = QBarCategoryAxis()
    category_axis.append(list(categories))

    if stacked:
        totals = [sum(v) for v in zip(*(values for _name, values in sets), strict=True)]
    else:
        totals = [v for _name, values in sets for v in values]
    values_axis = value_axis(totals, axis_format, value_max, tick)
    if horizontal:
        chart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(category_axis)
    series.attachAxis(values_axis)
    chart.legend().setVisible(len(sets) > 1)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
    return chart


def add_line(chart: QChart, name: str, values: Sequence[float],
             axis_format: str = "%.0f") -> QLineSeries:
    """A line over a vertical bar chart's categories, against a value axis of its own on the
    right (another unit: money beside counts, counts beside money)."""
    line = QLineSeries()
    line.setName(name)
    for index, value in enumerate(values):
        line.append(QPointF(index, float(value)))
    line.setPointsVisible(True)
    chart.addSeries(line)
    axis = value_axis(values, axis_format)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignRight)
    category_axes = chart.axes(Qt.Orientation.Horizontal)
    if category_axes:
        line.attachAxis(category_axes[0])
    line.attachAxis(axis)
    chart.legend().setVisible(True)
    return line


def pie_chart(slices: Sequence[tuple[str, float]]) -> QChart:
    """A pie of (label, value); past MAX_SLICES the smallest are one "Other" slice."""
    chart = QChart()
    series = QPieSeries()
    shown = list(slices[:MAX_SLICES])
    rest = sum(value for _label, value in slices[MAX_SLICES:])
    if rest:
        shown.append((QCoreApplication.translate("charts", "Other"), rest))
    total = sum(value for _label, value in shown)
    for label, value in shown:
        share = value / total if total else 0.0
        pie_slice = series.append(label, float(value))
        # Names would not fit around a pie in a card: the share goes inside the slice, and
        # the table beside it, marked in the slices' colours, names them.
        pie_slice.setLabel(f"{share:.0%}")
        pie_slice.setLabelVisible(share >= MIN_LABELLED_SLICE)
        pie_slice.setLabelPosition(pie_slice.LabelPosition.LabelInsideHorizontal)
    series.setPieSize(0.92)
    chart.addSeries(series)
    chart.legend().setVisible(False)
    return chart


def slice_colors(chart: QChart) -> list[QColor]:
    """The colours of a pie chart's slices, in order (for the table that names them)."""
    colors: list[QColor] = []
    for series in chart.series():
        if isinstance(series, QPieSeries):
            colors += [pie_slice.color() for pie_slice in series.slices()]
    return colors


def point_count(chart: QChart) -> int:
    """How many values the chart shows (bars, line points, pie slices): 0 when empty."""
    count = 0
    for series in chart.series():
        if isinstance(series, QLineSeries):
            # One line beside bars, in a colour neither theme gives its first bars.
            pen = QPen(QColor(LINE_COLOR))
            pen.setWidthF(2.5)
            series.setPen(pen)
            series.setColor(QColor(LINE_COLOR))
        elif isinstance(series, QAbstractBarSeries):
            count += sum(bar_set.count() for bar_set in series.barSets())
        elif isinstance(series, (QLineSeries, QPieSeries)):
            count += series.count()
    return count
