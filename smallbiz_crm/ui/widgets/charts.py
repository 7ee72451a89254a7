"""Chart cards for the Insights page: a QtCharts chart with its numbers beside it, themed from
the palette, savable as a PNG."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QMargins,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

Index = QModelIndex | QPersistentModelIndex

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


class FiguresModel(QAbstractTableModel):
    """A chart's numbers as a read-only table: rows of display strings under headers; the
    columns in `numeric` are right-aligned."""

    def __init__(self, headers: Sequence[str] = (), numeric: Sequence[int] = (),
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.numeric = set(numeric)
        self.rows: list[tuple[str, ...]] = []
        self.colors: list[QColor] = []
        self.bold_last = False

    def set_rows(self, rows: Sequence[Sequence[str]], headers: Sequence[str] | None = None,
                 numeric: Sequence[int] | None = None, bold_last: bool = False,
                 colors: Sequence[QColor] = ()) -> None:
        """Show `rows`; `colors` mark the first cell of the first rows (a chart's legend)."""
        self.beginResetModel()
        self.colors = list(colors)
        if headers is not None:
            self.headers = list(headers)
        if numeric is not None:
            self.numeric = set(numeric)
        self.rows = [tuple(str(cell) for cell in row) for row in rows]
        self.bold_last = bold_last
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if index.column() >= len(row):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (Qt.AlignmentFlag.AlignRight if index.column() in self.numeric
                          else Qt.AlignmentFlag.AlignLeft)
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0 and \
                index.row() < len(self.colors):
            return self.colors[index.row()]
        if role == Qt.ItemDataRole.FontRole and self.bold_last and \
                index.row() == len(self.rows) - 1:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (Qt.AlignmentFlag.AlignRight if section in self.numeric
                          else Qt.AlignmentFlag.AlignLeft)
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None


def fit_width(view: QTableView) -> None:
    """Make the table exactly as wide as its columns (and a scroll bar): the chart beside it
    takes the rest."""
    view.resizeColumnsToContents()
    width = (view.horizontalHeader().length() + view.verticalScrollBar().sizeHint().width()
             + 2 * view.frameWidth() + 2)
    view.setFixedWidth(width)
    # No taller than its rows either: a short table ends where its numbers do.
    model = view.model()
    rows = model.rowCount() if model is not None else 0
    view.setMaximumHeight(view.horizontalHeader().sizeHint().height()
                          + rows * view.verticalHeader().defaultSectionSize()
                          + 2 * view.frameWidth() + 2)


def numbers_table(model: QAbstractTableModel, object_name: str) -> QTableView:
    """A compact read-only table for a chart's numbers, as wide as its columns."""
    view = QTableView(objectName=object_name)
    view.setModel(model)
    view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)
    header.setHighlightSections(False)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    model.modelReset.connect(lambda: fit_width(view))
    return view


class ChartCard(QFrame):
    """A titled card: one line of the key numbers, the chart, and a table of its numbers
    beside it; "Save chart as PNG…" asks the page for a file name."""

    save_requested = Signal(str)  # the card's name
    restyled = Signal()  # after following a palette change

    def __init__(self, name: str, title: str, side: QWidget | None = None,
                 side_stretch: int = 2, chart_stretch: int = 3,
                 chart_width: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName(f"{name}Card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.title_label = QLabel(title, objectName=f"{name}Title")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.title_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title_label.setFont(font)
        self.summary_label = QLabel(objectName=f"{name}Summary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QToolButton(objectName=f"{name}SaveButton")
        self.save_button.setText(self.tr("Save chart as PNG…"))
        self.save_button.setAutoRaise(True)
        self.save_button.setToolTip(self.tr("Save this chart as a picture"))
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.name))
        self.view = QChartView(objectName=f"{name}Chart")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumSize(260, 230)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.set_chart(QChart())

        heading = QHBoxLayout()
        heading.addWidget(self.title_label, 1)
        heading.addWidget(self.save_button)
        body = QHBoxLayout()
        body.setSpacing(8)
        # The table at the top of its column, as tall as its rows or the card allows.
        side_column = QVBoxLayout()
        side_column.setContentsMargins(0, 0, 0, 0)
        if side is not None:
            side_column.addWidget(side, 1)
        side_column.addStretch(0)
        if chart_width is not None:
            # A chart with a natural width (a pie): the table right beside it, room after.
            self.view.setFixedWidth(chart_width)
            body.addWidget(self.view)
            body.addLayout(side_column)
            body.addStretch(1)
        else:
            body.addWidget(self.view, chart_stretch)
            body.addLayout(side_column, side_stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(4)
        layout.addLayout(heading)
        layout.addWidget(self.summary_label)
        layout.addLayout(body, 1)

    def chart(self) -> QChart:
        chart: QChart = self.view.chart()
        return chart

    def set_chart(self, chart: QChart) -> None:
        """Show `chart` (the view takes ownership; the chart shown before is deleted)."""
        old = self.view.chart()
        apply_palette(chart, self.palette())
        self.view.setChart(chart)
        self.view.setBackgroundBrush(QBrush(self.palette().color(QPalette.ColorRole.Base)))
        if old is not None and old is not chart:
            old.deleteLater()

    def restyle(self) -> None:
        """Follow a palette change (light ↔ dark)."""
        apply_palette(self.chart(), self.palette())
        self.view.setBackgroundBrush(QBrush(self.palette().color(QPalette.ColorRole.Base)))
        self.restyled.emit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "view"):
            self.restyle()

    def set_summary(self, text: str) -> None:
        self.summary_label.setText(text)

    def save_png(self, path: str | Path) -> Path:
        """The chart as it is shown, as a PNG file; OSError when it cannot be written."""
        target = Path(path)
        if target.suffix.lower() != ".png":
            target = target.with_name(target.name + ".png")
        if not self.view.grab().save(str(target), "PNG"):
            raise OSError(f"Could not write the picture to {target}.")
        return target
