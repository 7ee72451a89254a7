"""Paints a Today row on two lines, with its buttons drawn on the right, and takes their clicks."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
)

from smallbiz_crm.ui.pages.today_model import ITEM_ROLE, Index, TodayItem

LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def alert_colour(palette: QPalette) -> QColor:
    """Overdue red that reads on the theme's background: deep on light, soft on dark."""
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    return QColor("#ff7b72") if dark else QColor("#c62828")


def secondary_colour(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.PlaceholderText)


class RowActionsDelegate(QStyledItemDelegate):
    """Paints a two-line row with push buttons on its right and turns clicks on them into
    `action_clicked(action, row, button rect)`; the buttons are drawn, not widgets, so a
    list of any length costs nothing to fill."""

    action_clicked = Signal(str, int, QRect)

    PAD = 10
    GAP = 6
    ICON = 20

    def __init__(self, actions: Sequence[tuple[str, str]], view: QAbstractItemView) -> None:
        super().__init__(view)
        self.actions = list(actions)  # (key, label)
        self.view = view
        self._hover: tuple[int, str] | None = None
        self._pressed: tuple[int, str] | None = None
        # Fonts and sizes, worked out once per font: painting runs for every visible row.
        self._font_key = ""
        self._bold = QFont()
        self._metrics = QFontMetrics(self._bold)
        self._bold_metrics = QFontMetrics(self._bold)
        self._sizes: dict[str, QSize] = {}
        view.setMouseTracking(True)
        view.viewport().installEventFilter(self)

    # -- geometry ---------------------------------------------------------------------------

    def _fonts(self) -> None:
        font = self.view.font()
        key = font.key()
        if key != self._font_key:
            self._font_key = key
            self._bold = QFont(font)
            self._bold.setBold(True)
            self._metrics = QFontMetrics(font)
            self._bold_metrics = QFontMetrics(self._bold)
            self._sizes.clear()

    def _button_size(self, label: str) -> QSize:
        self._fonts()
        size = self._sizes.get(label)
        if size is None:
            # Narrower than a dialog's push button (the style asks for 80 px): a row has
            # several.
            metrics = self._metrics
            size = QSize(metrics.horizontalAdvance(label) + 22, metrics.height() + 10)
            self._sizes[label] = size
        return size

    def button_rects(self, row_rect: QRect) -> dict[str, QRect]:
        """Where each button of a row is, in viewport coordinates."""
        rects: dict[str, QRect] = {}
        right = row_rect.right() - self.PAD
        for key, label in reversed(self.actions):
            size = self._button_size(label)
            top = row_rect.top() + (row_rect.height() - size.height()) // 2
            rects[key] = QRect(right - size.width() + 1, top, size.width(), size.height())
            right -= size.width() + self.GAP
        return rects

    def buttons_width(self) -> int:
        return sum(self._button_size(label).width() + self.GAP for _key, label in self.actions)

    def action_at(self, position: QPoint) -> tuple[int, str] | None:
        index = self.view.indexAt(position)
        if not index.isValid():
            return None
        for key, rect in self.button_rects(self.view.visualRect(index)).items():
            if rect.contains(position):
                return index.row(), key
        return None

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        metrics = self.view.fontMetrics()
        height = max(metrics.lineSpacing() * 2 + 16, metrics.height() + 10 + 12)
        return QSize(max(option.rect.width(), 200), height)

    # -- painting ---------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        item = index.data(ITEM_ROLE)
        if not isinstance(item, TodayItem):
            super().paint(painter, option, index)
            return
        style = self.view.style()
        # The row's background (selection, hover) only; the delegate draws the rest.
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                            self.view)
        self._fonts()

        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                                    else QPalette.ColorRole.Text)
        soft = text_colour if selected else secondary_colour(palette)
        rect = option.rect
        buttons = self.button_rects(rect)
        text_right = min(r.left() for r in buttons.values()) - self.GAP * 2 if buttons else (
            rect.right() - self.PAD)

        painter.save()
        # A hairline between rows, in the theme's own divider colour.
        painter.setPen(palette.color(QPalette.ColorRole.Midlight))
        painter.drawLine(rect.left() + self.PAD, rect.bottom(), rect.right() - self.PAD,
                         rect.bottom())

        icon = index.data(Qt.ItemDataRole.DecorationRole)
        left = rect.left() + self.PAD
        if isinstance(icon, QIcon) and not icon.isNull():
            icon_rect = QRect(left, rect.top() + (rect.height() - self.ICON) // 2, self.ICON,
                              self.ICON)
            icon.paint(painter, icon_rect)
            left += self.ICON + self.PAD

        metrics = self._metrics
        line = metrics.lineSpacing()
        top = rect.top() + (rect.height() - 2 * line) // 2
        bold = self._bold
        bold_fm = self._bold_metrics
        painter.setFont(bold)

        # Line one: the name (bold) and on the right when it is due; line two: the reason
        # or the detail, and the phone on the right where it fits whole (a cut number is no
        # use; the tooltip always has it).
        room = max(0, text_right - left)
        when_width = bold_fm.horizontalAdvance(item.when) + self.GAP * 3 if item.when else 0
        phone_width = metrics.horizontalAdvance(item.phone) + self.GAP * 3 if item.phone else 0
        detail_width = metrics.horizontalAdvance(item.detail)
        phone_on_two = bool(phone_width) and (detail_width + phone_width <= room
                                              or room - phone_width >= room * 3 // 5)
        name_room = room - when_width
        name = bold_fm.elidedText(item.title, Qt.TextElideMode.ElideRight, max(0, name_room))
        painter.setPen(text_colour)
        painter.drawText(QRect(left, top, max(0, name_room), line), LEFT, name)
        painter.setFont(option.font)
        painter.setPen(soft)
        used = bold_fm.horizontalAdvance(name)
        subtitle = f"  ·  {item.subtitle}" if item.subtitle else ""
        if subtitle and used + metrics.horizontalAdvance(subtitle) <= name_room:
            painter.drawText(QRect(left + used, top, name_room - used, line), LEFT, subtitle)
        if phone_on_two:
            painter.drawText(QRect(left, top + line, room, line), RIGHT, item.phone)
        if item.when:
            if item.red or item.strong:
                painter.setFont(bold)
            painter.setPen(alert_colour(palette) if item.red and not selected
                           else text_colour if item.strong else soft)
            painter.drawText(QRect(left, top, room, line), RIGHT, item.when)
            painter.setFont(option.font)
        painter.setPen(soft)
        detail = metrics.elidedText(item.detail, Qt.TextElideMode.ElideRight,
                                    room - (phone_width if phone_on_two else 0))
        painter.drawText(QRect(left, top + line, room, line), LEFT, detail)

        button_style = self.view.style()
        for key, label in self.actions:
            button = QStyleOptionButton()
            button.initFrom(self.view)
            button.rect = buttons[key]
            button.text = label
            button.palette = palette
            state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
            if self._hover == (index.row(), key):
                state |= QStyle.StateFlag.State_MouseOver
            if self._pressed == (index.row(), key):
                state |= QStyle.StateFlag.State_Sunken
                state &= ~QStyle.StateFlag.State_Raised
            button.state = state
            button_style.drawControl(QStyle.ControlElement.CE_PushButton, button, painter,
                                     self.view)
        painter.restore()

    # -- mouse ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Leave:
            self._set_hover(None)
            return False
        if not isinstance(event, QMouseEvent):
            return False
        hit = self.action_at(event.position().toPoint())
        if kind == QEvent.Type.MouseMove:
            self._set_hover(hit)
            return False
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            if hit is None:
                return False
            self._pressed = hit
            self.view.viewport().update()
            return True
        if kind == QEvent.Type.MouseButtonRelease and self._pressed is not None:
            pressed, self._pressed = self._pressed, None
            self.view.viewport().update()
            if hit == pressed:
                row, key = hit
                index = self.view.model().index(row, 0)
                self.view.setCurrentIndex(index)
                self.action_clicked.emit(key, row,
                                         self.button_rects(self.view.visualRect(index))[key])
            return True
        return False

    def _set_hover(self, hit: tuple[int, str] | None) -> None:
        if hit != self._hover:
            self._hover = hit
            self.view.viewport().update()
