"""An Insights chart card: title, key numbers, the chart with its numbers beside it, a PNG."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QAbstractTableModel, QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QPainter, QPalette
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

from smallbiz_crm.ui.widgets.charts import apply_palette


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
