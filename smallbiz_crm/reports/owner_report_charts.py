"""The owner's report's drawing kit: bar charts in printable greys, tables, headings, labels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from smallbiz_crm.reports import FAINT_RULE, RULE, SHADE, SOFT_INK, Styles, styles
from smallbiz_crm.reports.text import one_line

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Greys tell the series apart on any printer; the darkest is the main figure.
_SERIES_GREYS = (0.3, 0.68, 0.86)
# Stacked bars carry their labels inside: light enough for black text.
_STACKED_GREYS = (0.55, 0.72, 0.88)
_CHART_HEIGHT = 150.0
_HEADING_ROOM = 250  # a section starts a new page rather than leave its chart behind
# Month labels turn upright past this many months, to stay apart.
_FLAT_MONTHS = 13
_LABEL_CHARS = 26


def month_label(month: date, with_year: bool = True) -> str:
    return f"{_MONTHS[month.month - 1]} {month.year}" if with_year else _MONTHS[month.month - 1]


def share_text(part: int, whole: int) -> str:
    """'50% (2 of 4)', or '–' when there is nothing to share."""
    if not whole:
        return "–"
    return f"{part / whole:.0%} ({part:,} of {whole:,})"


def table(rows: list[list[Any]], widths: Sequence[float], right: tuple[int, ...] = (),
          total_row: bool = False) -> Any:
    from reportlab.platypus import Table, TableStyle

    fonts = styles().fonts
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.regular, 8.5, 10.5),
        ("FONT", (0, 0), (-1, 0), fonts.bold, 8, 10),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, (RULE,) * 3),
        ("BACKGROUND", (0, 0), (-1, 0), (SHADE,) * 3),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, (FAINT_RULE,) * 3),
    ]
    if total_row:
        commands += [("LINEABOVE", (0, -1), (-1, -1), 0.8, (RULE,) * 3),
                     ("FONT", (0, -1), (-1, -1), fonts.bold, 8.5, 10.5)]
    commands += [("ALIGN", (column, 0), (column, -1), "RIGHT") for column in right]
    return Table(rows, colWidths=list(widths), repeatRows=1, splitInRow=1,
                 style=TableStyle(commands), hAlign="LEFT")


def section(title: str, summary: str, st: Styles) -> list[Any]:
    from reportlab.platypus import CondPageBreak

    return [CondPageBreak(_HEADING_ROOM), st.para(title, st.heading),
            st.para(summary, st.detail)]


def gap(height: float = 6) -> Any:
    from reportlab.platypus import Spacer

    return Spacer(1, height)


def grey(level: float) -> Any:
    from reportlab.lib.colors import Color

    return Color(level, level, level)


def _months_axis(chart: Any, months: Sequence[date], st: Styles) -> None:
    """Month names under a vertical bar or line chart; upright when there are many."""
    years = {month.year for month in months}
    axis = chart.categoryAxis
    axis.categoryNames = [month_label(m, len(years) > 1 or len(months) <= 6) for m in months]
    axis.labels.fontName = st.fonts.regular
    axis.labels.fontSize = 7
    if len(months) >= _FLAT_MONTHS:
        axis.labels.angle = 90
        axis.labels.boxAnchor = "e"
        axis.labels.dy = -2
    else:
        axis.labels.boxAnchor = "n"


def _value_axis(axis: Any, values: Sequence[float], st: Styles,
                label: Callable[[float], str] | None = None) -> None:
    axis.valueMin = 0
    top = max(values, default=0)
    if top <= 0:
        axis.valueMax = 1  # an empty chart still gets an axis
        axis.valueStep = 1
    axis.labels.fontName = st.fonts.regular
    axis.labels.fontSize = 7
    if label is not None:
        axis.labelTextFormat = label
    axis.strokeColor = grey(SOFT_INK)
    axis.gridStrokeColor = grey(FAINT_RULE)
    axis.visibleGrid = 1


def _legend(drawing: Any, x: float, y: float, names: Sequence[str], st: Styles,
            greys: Sequence[float] = _SERIES_GREYS) -> None:
    from reportlab.graphics.charts.legends import Legend

    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName = st.fonts.regular
    legend.fontSize = 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 8
    legend.dx = legend.dy = 7
    legend.boxAnchor = "nw"
    legend.colorNamePairs = [(grey(greys[i % len(greys)]), name)
                             for i, name in enumerate(names)]
    drawing.add(legend)


def bars(categories: Sequence[str], series: Sequence[Sequence[float]], width: float,
         st: Styles, names: Sequence[str] = (), horizontal: bool = False,
         stacked: bool = False, label: Callable[[float], str] | None = None,
         months: Sequence[date] = (), value_label: Callable[[float], str] | None = None,
         height: float = _CHART_HEIGHT, caption: str = "",
         labels: Sequence[str] | None = None, value_max: float | None = None) -> Any:
    """A bar chart drawing: one series per entry of `series`, values per category; a legend
    when there are several series, else the caption; value labels from `label` (or the
    `labels` given, one per bar) while the bars are few enough to hold them."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String

    legend_room = 16 if len(names) > 1 or caption else 0
    drawing = Drawing(width, height + legend_room)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    if horizontal:
        longest = max((len(c) for c in categories), default=4)
        chart.x = min(10 + longest * 4.6, width * 0.38)
        chart.y = 16
        chart.width = width - chart.x - 30
        chart.height = height - 22
        chart.categoryAxis.reverseDirection = 1  # the first category on top
    else:
        chart.x = 46
        chart.y = 44 if len(months) >= _FLAT_MONTHS else 22
        chart.width = width - chart.x - 10
        chart.height = height - chart.y - 14  # room for the labels over the tallest bar
    chart.data = [tuple(values) for values in series]
    if months:
        _months_axis(chart, months, st)
    else:
        chart.categoryAxis.categoryNames = [cut(c) for c in categories]
        chart.categoryAxis.labels.fontName = st.fonts.regular
        chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.strokeColor = grey(SOFT_INK)
    if stacked:
        chart.categoryAxis.style = "stacked"
        totals = [sum(values) for values in zip(*series, strict=True)] if series else []
        _value_axis(chart.valueAxis, totals, st, value_label)
    else:
        _value_axis(chart.valueAxis, [v for values in series for v in values], st, value_label)
    if value_max is not None:
        chart.valueAxis.valueMax = value_max
        chart.valueAxis.valueStep = value_max / 5
    greys = _STACKED_GREYS if stacked else _SERIES_GREYS
    for index in range(len(series)):
        chart.bars[index].fillColor = grey(greys[index % len(greys)])
        chart.bars[index].strokeColor = grey(0.15)
        chart.bars[index].strokeWidth = 0.3
    chart.barSpacing = 1
    chart.groupSpacing = 6 if len(categories) <= 12 else 2
    if (label is not None or labels is not None) and len(months or categories) < _FLAT_MONTHS:
        if labels is not None:
            chart.barLabelFormat = "values"
            chart.barLabelArray = [list(labels)]
        else:
            chart.barLabelFormat = label
        chart.barLabels.fontName = st.fonts.regular
        chart.barLabels.fontSize = 6.5
        if stacked:
            chart.barLabels.boxTarget = "mid"
            chart.barLabels.boxAnchor = "c"
        else:
            chart.barLabels.nudge = 6
            chart.barLabels.boxAnchor = "w" if horizontal else "s"
    drawing.add(chart)
    if len(names) > 1:
        _legend(drawing, chart.x, height + legend_room - 2, names, st, greys)
    elif caption:
        drawing.add(String(chart.x, height + 4, caption, fontName=st.fonts.bold, fontSize=8))
    return drawing


def cut(text: str) -> str:
    text = one_line(text)
    return text if len(text) <= _LABEL_CHARS else text[:_LABEL_CHARS - 1] + "…"
