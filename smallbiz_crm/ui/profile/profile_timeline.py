"""The profile's timeline: every interaction, gesture, stage move, concern, follow-up and piece
of feedback, newest first, each with its date, title and a wrapped line or two of detail."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QPainter, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHeaderView,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from smallbiz_crm.domain.records.customers import TimelineEntry
from smallbiz_crm.ui.models.timeline_table import (
    COL_DETAIL,
    COL_TITLE,
    COL_WHEN,
    DETAIL_ROLE,
    TimelineTableModel,
)
from smallbiz_crm.ui.profile.profile_parts import MUTED, plain_label, section_column

Index = QModelIndex | QPersistentModelIndex
ICON_SIZE = 18
PAD = 6
DETAIL_LINES = 2


def _flat(text: str) -> str:
    return " ".join(text.split())


def wrap_lines(text: str, metrics: QFontMetrics, width: int, max_lines: int) -> list[str]:
    """`text` broken into at most `max_lines` lines of `width` pixels, the last one elided."""
    text = _flat(text)
    if not text or width <= 0:
        return []
    lines: list[str] = []
    start = 0
    while start < len(text) and len(lines) < max_lines - 1:
        rest = text[start:]
        if metrics.horizontalAdvance(rest) <= width:
            break
        # Longest prefix of whole words that fits; a single over-long word is elided.
        cut = start
        for position, char in enumerate(rest):
            if char == " ":
                if metrics.horizontalAdvance(rest[:position]) > width:
                    break
                cut = start + position
        if cut == start:
            break
        lines.append(text[start:cut])
        start = cut + 1
    lines.append(metrics.elidedText(text[start:], Qt.TextElideMode.ElideRight, width))
    return lines


class TimelineDelegate(QStyledItemDelegate):
    """Paints the date muted, and the title in bold with the kind's icon and the detail under it.

    Text is drawn with QPainter.drawText, which never interprets markup.
    """

    def _title_font(self, option: QStyleOptionViewItem) -> QFont:
        font = QFont(option.font)
        font.setBold(True)
        return font

    def text_width(self, total: int) -> int:
        return total - 2 * PAD - ICON_SIZE - PAD

    def row_height(self, option: QStyleOptionViewItem, detail: str, width: int) -> int:
        metrics: QFontMetrics = option.fontMetrics
        title = QFontMetrics(self._title_font(option))
        return (PAD + title.height() + self.detail_lines(metrics, detail, width)
                * (metrics.height() + 1) + PAD + 2)

    def detail_lines(self, metrics: QFontMetrics, detail: str, width: int) -> int:
        """How many lines the detail takes (0 to DETAIL_LINES): one measurement per row, as
        sizing runs over every row of the timeline whenever it is shown."""
        if not detail:
            return 0
        if metrics.horizontalAdvance(_flat(detail)) <= self.text_width(width):
            return 1
        return DETAIL_LINES

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        rect: QRect = opt.rect
        palette: QPalette = opt.palette
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        opt.text = ""
        opt.icon = QIcon()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        metrics: QFontMetrics = opt.fontMetrics
        painter.save()
        muted = palette.color(MUTED)
        if index.column() == COL_WHEN:
            painter.setPen(muted)
            painter.setFont(opt.font)
            painter.drawText(rect.adjusted(PAD, PAD + 1, -PAD, -PAD),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)
            painter.restore()
            return
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        title_font = self._title_font(opt)
        title_metrics = QFontMetrics(title_font)
        if icon is not None and not icon.isNull():
            top = rect.top() + PAD + (title_metrics.height() - ICON_SIZE) // 2
            icon.paint(painter, QRect(rect.left() + PAD, top, ICON_SIZE, ICON_SIZE))
        left = rect.left() + PAD + ICON_SIZE + PAD
        width = self.text_width(rect.width())
        painter.setFont(title_font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(QRect(left, rect.top() + PAD, width, title_metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         title_metrics.elidedText(_flat(text), Qt.TextElideMode.ElideRight,
                                                  width))
        painter.setFont(opt.font)
        painter.setPen(muted)
        y = rect.top() + PAD + title_metrics.height() + 1
        detail = str(index.data(DETAIL_ROLE) or "")
        for line in wrap_lines(detail, metrics, width,
                               self.detail_lines(metrics, detail, rect.width())):
            painter.drawText(QRect(left, y, width, metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)
            y += metrics.height() + 1
        painter.restore()


class TimelineView(QTableView):
    """The timeline, as tall as its rows: the profile's scroll area scrolls it with the rest."""

    def __init__(self, model: TimelineTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerTimeline")
        self.setModel(model)
        self._delegate = TimelineDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setColumnHidden(COL_DETAIL, True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlternatingRowColors(True)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(COL_WHEN, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(COL_WHEN, self.fontMetrics().horizontalAdvance("0000-00-00")
                            + 3 * PAD)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        model.modelReset.connect(self.fit_rows)
        self._fitted_width = -1

    def fit_rows(self) -> None:
        """Size each row to its wrapped detail and the view to all its rows."""
        model = self.model()
        assert isinstance(model, QAbstractItemModel)
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        width = self.columnWidth(COL_TITLE) or max(100, self.width() - self.columnWidth(COL_WHEN))
        header = self.verticalHeader()
        total = 0
        for row in range(model.rowCount()):
            detail = str(model.index(row, COL_TITLE).data(DETAIL_ROLE) or "")
            height = self._delegate.row_height(option, detail, width)
            header.resizeSection(row, height)
            total += height
        self._fitted_width = width
        self.setFixedHeight(total + 2 * self.frameWidth())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Wrapping depends on the width; a height change alone (ours) needs nothing.
        if self.columnWidth(COL_TITLE) != self._fitted_width:
            self.fit_rows()


class TimelineSection(QWidget):
    """The titled timeline, or a line saying nothing is logged yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineSection")
        column = section_column(self, self.tr("Timeline"))
        self.model = TimelineTableModel(self)
        self.view = TimelineView(self.model)
        self.no_timeline_label = plain_label("noTimeline", muted=True)
        self.no_timeline_label.setText(self.tr("Nothing logged yet."))
        column.addWidget(self.view)
        column.addWidget(self.no_timeline_label)

    def fill(self, entries: tuple[TimelineEntry, ...]) -> None:
        self.model.set_entries(entries)
        self.view.setVisible(bool(entries))
        self.no_timeline_label.setVisible(not entries)
