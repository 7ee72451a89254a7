"""The Today page: what needs the owner today, each line with its one-click actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QDate,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.concerns import ConcernRow
from smallbiz_crm.domain.records.follow_ups import FollowUpRow, FollowUpScope
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.logs import log
from smallbiz_crm.services.errors import ConflictError, NotFoundError
from smallbiz_crm.services.follow_ups import SnoozeChoice
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.today import (
    BIRTHDAY_DAYS,
    LIST_LIMIT,
    BirthdayRow,
    TodayData,
    TodayService,
)
from smallbiz_crm.services.touch import LosingTouchRow
from smallbiz_crm.ui.dialogs.interaction_dialog import InteractionDialog
from smallbiz_crm.ui.errors import show_error
from smallbiz_crm.ui.models.follow_up_table import follow_up_icon, kind_label, row_tooltip
from smallbiz_crm.ui.models.timeline_table import kind_icon
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.widgets.concerns_list import COL_CUSTOMER, COL_DUE, ConcernsList
from smallbiz_crm.ui.widgets.qt_helpers import named
from smallbiz_crm.user_errors import user_message

Index = QModelIndex | QPersistentModelIndex

ACTION_DONE = "done"
ACTION_SNOOZE = "snooze"
ACTION_OPEN = "open"
ACTION_CALL = "call"
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
RED_ROLE = Qt.ItemDataRole.UserRole + 2
# The page looks again when the day turns over while it sits on screen.
DAY_CHECK_MS = 60_000
CARD_RADIUS = 8
SNOOZE_CHOICES = (SnoozeChoice.TOMORROW, SnoozeChoice.NEXT_BUSINESS_DAY, SnoozeChoice.NEXT_WEEK)


def alert_colour(palette: QPalette) -> QColor:
    """Overdue red that reads on the theme's background: deep on light, soft on dark."""
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    return QColor("#ff7b72") if dark else QColor("#c62828")


def secondary_colour(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.PlaceholderText)


def with_phone(tooltip: str, phone: str) -> str:
    """The row's tooltip with the phone number, which the row shows only where it fits."""
    if not phone:
        return tooltip
    line = QCoreApplication.translate("TodayPage", "Phone: {0}").format(phone)
    if tooltip.endswith("</qt>"):
        return tooltip[:-len("</qt>")] + "<br>" + escape(line) + "</qt>"
    return f"{tooltip}\n{line}"


def short_day(day: date) -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), "ddd d MMM")


@dataclass(frozen=True, slots=True)
class TodayItem:
    """One line of a Today list, as shown: two lines of text and what it refers to."""

    ref_id: int  # the follow-up's id, or the customer's for birthdays and losing touch
    customer_id: int
    title: str
    phone: str
    detail: str
    when: str
    red: bool
    icon: str  # a follow-up kind or a timeline kind, for its icon
    tooltip: str
    strong: bool = False  # "when" in bold (a birthday today)
    subtitle: str = ""  # after the name, when there is room: the kind, the stage


class TodayListModel(QAbstractListModel):
    """A thin adapter over TodayItems."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[TodayItem] = []
        self._icons: dict[str, QIcon] = {}

    def set_items(self, items: Sequence[TodayItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list[TodayItem]:
        return list(self._items)

    def item(self, row: int) -> TodayItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, ref_id: int) -> int:
        return next((n for n, item in enumerate(self._items) if item.ref_id == ref_id), -1)

    def remove(self, ref_id: int) -> bool:
        row = self.row_of(ref_id)
        if row < 0:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        self.endRemoveRows()
        return True

    def icon(self, name: str) -> QIcon:
        icon = self._icons.get(name)
        if icon is None:
            icon = kind_icon(name) if ":" in name or name in ("gesture", "stage") else (
                follow_up_icon(name))
            self._icons[name] = icon
        return icon

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.tooltip
        if role == Qt.ItemDataRole.DecorationRole:
            return self.icon(item.icon)
        if role == ITEM_ROLE:
            return item
        if role == RED_ROLE:
            return item.red
        return None


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


class OutcomeEditor(QFrame):
    """Over a follow-up's row after Done: what came of it, in a line; Enter saves."""

    saved = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomeEditor")
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.label = QLabel(self.tr("What came of it?"))
        self.edit = named(QLineEdit(), "outcomeEdit")
        self.edit.setPlaceholderText(self.tr("Optional, e.g. “ordered two more”"))
        self.save_button = named(QPushButton(self.tr("Mark done")), "outcomeSaveButton")
        self.save_button.setDefault(True)
        self.cancel_button = named(QToolButton(), "outcomeCancelButton")
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Leave it open (Esc)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self.label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.cancel_button)
        self.edit.returnPressed.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancelled)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancelled.emit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def save(self) -> None:
        self.saved.emit(self.edit.text())


class WaitingConcerns(ConcernsList):
    """The concerns list, fed by the page's background load; its own minute timer and its
    answer and resolve buttons read the first page of concerns only, not all of them."""

    def refresh(self) -> None:
        now = self.services.clock()
        self.show_rows(self.concerns.waiting(now, limit=LIST_LIMIT), now)

    def show_rows(self, rows: Sequence[ConcernRow], now: datetime) -> None:
        selected = self.selected_id()
        self.model.set_rows(list(rows), now)
        empty = not rows
        self.table.setVisible(not empty)
        self.button_row.setVisible(not empty)
        self.empty_label.setVisible(empty)
        if selected is not None:
            self.select_concern(selected)
        self._update_buttons()

    def set_waiting_rows(self, rows: Sequence[ConcernRow], now: datetime) -> None:
        """Rows from a load made `now`; 'due in 3 h' is counted again from the clock."""
        self.show_rows([replace(row, time_left=row.response_due_at - now,
                                overdue=now > row.response_due_at) for row in rows], now)


class TodayCard(QFrame):
    """A titled card: heading with its count, a note on the right, then the content."""

    link_activated = Signal(str)

    def __init__(self, title: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.title = title
        self.count = 0
        self.plain_heading = title
        self.heading = named(QLabel(title), f"{object_name}Heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.note = named(QLabel(), f"{object_name}Note")
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note.linkActivated.connect(self.link_activated)
        head = QHBoxLayout()
        head.setContentsMargins(14, 10, 14, 4)
        head.addWidget(self.heading)
        head.addStretch(1)
        head.addWidget(self.note)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(4, 0, 4, 6)
        self.empty_label = named(QLabel(self.tr("Loading…")), f"{object_name}Empty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_label.setContentsMargins(14, 2, 14, 10)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.empty_label, 0, Qt.AlignmentFlag.AlignTop)

    def paintEvent(self, event: QPaintEvent) -> None:
        # A rounded card in the theme's base colour on the window colour; painted here, not
        # by a style sheet, which would slow down every widget inside.
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5),
                                CARD_RADIUS, CARD_RADIUS)
        painter.end()

    def set_heading(self, count: int, red: bool = False, overdue: int = 0) -> None:
        """'Overdue (12)', the count in red when `red`; 'Waiting (5, 2 overdue)'."""
        self.count = count
        red_colour = alert_colour(self.palette()).name()

        def number(value: int, in_red: bool) -> str:
            text = f"{value:,}"
            return f'<span style="color:{red_colour}">{text}</span>' if in_red else text

        late = self.tr(", {0} overdue")
        self.plain_heading = f"{self.title} ({count:,}" + (
            late.format(f"{overdue:,}") if overdue else "") + ")"
        self.heading.setText(
            f"{escape(self.title)} <span style='font-weight:normal'>"
            f"({number(count, red and count > 0)}"
            + (escape(late).format(number(overdue, True)) if overdue else "") + ")</span>")


class TodayPage(QWidget):
    """Overdue and due-today follow-ups, concerns waiting, birthdays, losing touch."""

    open_customer = Signal(int)
    data_changed = Signal()
    open_follow_ups = Signal(str)  # a FollowUpScope: "see all" on a cut list
    loaded = Signal()  # after a load is on screen

    def __init__(self, services: Services, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todayPage")
        self.services = services
        self.tasks = tasks
        self.today_service = TodayService(services.db, services.clock)
        self.log_file: Path | None = None  # for the error dialog; the window sets it
        self.data: TodayData | None = None
        self.snooze_days: dict[str, date] = {}
        self.outcome_editor: OutcomeEditor | None = None
        self.call_dialog: InteractionDialog | None = None
        self._editing: tuple[QListView, int] | None = None
        self._generation = 0
        self._birthdays_day: date | None = None
        self._snooze_for: date | None = None
        self._shown_day: date | None = None
        self._removed: dict[int, int] = {}  # by id(model): rows taken away since the load
        self._filled: dict[QWidget, bool] = {}
        self._build()
        self.day_timer = QTimer(self)
        self.day_timer.setInterval(DAY_CHECK_MS)
        self.day_timer.timeout.connect(self._check_day)
        self.day_timer.start()

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = named(QLabel(self.tr("Today")), "todayTitle")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.title_label.setFont(font)
        self.date_label = named(QLabel(), "todayDate")
        self.date_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        date_font = self.date_label.font()
        date_font.setPointSizeF(date_font.pointSizeF() * 1.15)
        self.date_label.setFont(date_font)
        self.summary_label = named(QLabel(), "todaySummary")
        self.print_button = named(QPushButton(self.tr("Print checklist…")), "printChecklistButton")
        self.print_button.setToolTip(self.tr("Overdue and this week's follow-ups on paper, "
                                             "to work through at the counter (Ctrl+P)"))
        self.print_button.clicked.connect(self.print_checklist)
        self.print_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)
        self.print_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.print_shortcut.activated.connect(self.print_checklist)
        self.print_shortcut.activatedAmbiguously.connect(self.print_checklist)

        header = QHBoxLayout()
        header.setContentsMargins(6, 0, 6, 0)
        header.setSpacing(14)
        header.addWidget(self.title_label, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(self.date_label, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addStretch(1)
        header.addWidget(self.summary_label)
        header.addWidget(self.print_button)

        follow_up_actions = [(ACTION_DONE, self.tr("Done")), (ACTION_SNOOZE, self.tr("Snooze ▾")),
                             (ACTION_OPEN, self.tr("Open"))]
        person_actions = [(ACTION_CALL, self.tr("Log a call")), (ACTION_OPEN, self.tr("Open"))]

        self.overdue_card = TodayCard(self.tr("Overdue"), "overdueCard")
        self.overdue_list, self.overdue_model = self._list("overdueList", self.overdue_card,
                                                           follow_up_actions)
        self.due_today_card = TodayCard(self.tr("Due today"), "dueTodayCard")
        self.due_today_list, self.due_today_model = self._list(
            "dueTodayList", self.due_today_card, follow_up_actions)
        self.concerns_card = TodayCard(self.tr("Waiting for an answer"), "concernsCard")
        self.concerns_list = WaitingConcerns(self.services, self.concerns_card)
        self.concerns_list.setObjectName("waitingConcerns")
        self.concerns_list.table.setFrameShape(QFrame.Shape.NoFrame)
        self.concerns_list.table.setColumnHidden(COL_DUE, True)
        self.concerns_list.table.setColumnWidth(COL_CUSTOMER, 130)
        concerns_layout = self.concerns_list.layout()
        if concerns_layout is not None:
            concerns_layout.setContentsMargins(8, 0, 8, 0)
        self.concerns_list.empty_label.hide()  # the card says it instead
        self.concerns_card.body.addWidget(self.concerns_list)
        self.birthdays_card = TodayCard(self.tr("Birthdays this week"), "birthdaysCard")
        self.birthdays_list, self.birthdays_model = self._list(
            "birthdaysList", self.birthdays_card, person_actions)
        self.losing_touch_card = TodayCard(self.tr("Losing touch"), "losingTouchCard")
        self.losing_touch_list, self.losing_touch_model = self._list(
            "losingTouchList", self.losing_touch_card, person_actions)

        self.overdue_card.link_activated.connect(
            lambda _link: self.open_follow_ups.emit(FollowUpScope.OVERDUE.value))
        self.due_today_card.link_activated.connect(
            lambda _link: self.open_follow_ups.emit(FollowUpScope.TODAY.value))
        self.concerns_list.open_customer.connect(self.open_customer)
        self.concerns_list.data_changed.connect(self._after_concern_change)

        self.left = QVBoxLayout()
        self.left.setSpacing(12)
        self.left.addWidget(self.overdue_card, 1)
        self.left.addWidget(self.due_today_card, 1)
        self.left.addStretch(0)
        self.right = QVBoxLayout()
        self.right.setSpacing(12)
        self.right.addWidget(self.concerns_card, 1)
        self.right.addWidget(self.birthdays_card, 1)
        self.right.addWidget(self.losing_touch_card, 1)
        self.right.addStretch(0)
        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addLayout(self.left, 11)
        columns.addLayout(self.right, 9)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addLayout(columns, 1)
        self._set_empty_texts(loading=True)

    def _list(self, object_name: str, card: TodayCard,
              actions: list[tuple[str, str]]) -> tuple[QListView, TodayListModel]:
        model = TodayListModel(self)
        view = named(QListView(), object_name)
        view.setModel(model)
        view.setUniformItemSizes(True)
        view.setFrameShape(QFrame.Shape.NoFrame)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        view.setMinimumHeight(60)
        delegate = RowActionsDelegate(actions, view)
        view.setItemDelegate(delegate)
        delegate.action_clicked.connect(
            lambda key, row, rect, v=view: self._on_action(v, key, row, rect))
        view.doubleClicked.connect(lambda index, v=view: self._open_row(v, index.row()))
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(
            lambda position, v=view: self._context_menu(v, position))
        card.body.addWidget(view)
        return view, model

    # -- loading ----------------------------------------------------------------------------

    def refresh(self, then: Callable[[], None] | None = None) -> None:
        """Reload off the UI thread; an answer to an older request is dropped."""
        self._generation += 1
        generation = self._generation
        now = self.services.clock()

        def load(_progress: Any, _cancelled: Any) -> TodayData:
            return self.today_service.sections(now)

        def done(result: Any) -> None:
            if generation != self._generation:
                return
            self._show(result)
            self._after_first_load(result.today)
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._warn(exc)

        self.tasks.run(load, done, failed)

    def _after_first_load(self, today: date) -> None:
        """Once a day, after the page is up (they take longer than the page itself): the
        snooze menu's days, and the birthday greetings, loading again if there are new ones."""
        if self._snooze_for != today:
            self._snooze_for = today
            self.snooze_days = {}

            def targets(_p: Any, _c: Any) -> dict[str, date]:
                return {choice.value: self.services.follow_ups.snooze_target(choice, today)
                        for choice in SNOOZE_CHOICES}

            def got(days: Any) -> None:
                self.snooze_days = days

            def lost(exc: BaseException) -> None:
                self._snooze_for = None  # the menu does without the days

            self.tasks.run(targets, got, lost)
        if self._birthdays_day == today:
            return
        self._birthdays_day = today

        def created(ids: Any) -> None:
            if ids:
                self.refresh()
                self.data_changed.emit()

        def not_now(exc: BaseException) -> None:
            # Greetings are a convenience: try again on the next load, without a dialog.
            self._birthdays_day = None
            log.warning("creating birthday greetings failed: %s", exc)

        self.tasks.run(lambda _p, _c: self.services.cadences.apply_birthdays(today),
                       created, not_now)

    def _check_day(self) -> None:
        if self._shown_day is not None and self.services.clock().date() != self._shown_day:
            self.refresh()

    def _show(self, data: TodayData) -> None:
        self.data = data
        self._shown_day = data.today
        self._removed.clear()
        editing = self._editing_state()
        self.date_label.setText(QLocale().toString(
            QDate(data.today.year, data.today.month, data.today.day), "dddd d MMMM yyyy"))
        self.overdue_model.set_items([self._follow_up_item(row, data.today)
                                      for row in data.overdue.rows])
        self.due_today_model.set_items([self._follow_up_item(row, data.today)
                                        for row in data.due_today.rows])
        self.concerns_list.set_waiting_rows(data.concerns.rows, self.services.clock())
        self.birthdays_model.set_items([self._birthday_item(row) for row in data.birthdays.rows])
        self.losing_touch_model.set_items([self._losing_item(row)
                                           for row in data.losing_touch.rows])
        self._update_cards()
        if editing is not None:
            view, follow_up_id, text = editing
            editor = self.start_outcome(follow_up_id, view)
            if editor is not None:
                editor.edit.setText(text)
        self.loaded.emit()

    def _update_cards(self) -> None:
        data = self.data
        if data is None:
            return
        self._set_empty_texts(loading=False)
        overdue_total = self._total(self.overdue_model, data.overdue.total)
        today_total = self._total(self.due_today_model, data.due_today.total)
        self.overdue_card.set_heading(overdue_total, red=True)
        self.due_today_card.set_heading(today_total)
        self.concerns_card.set_heading(data.concerns.total, overdue=data.concerns_overdue)
        self.birthdays_card.set_heading(data.birthdays.total)
        self.losing_touch_card.set_heading(
            self._total(self.losing_touch_model, data.losing_touch.total))
        self._set_note(self.overdue_card, self.overdue_model, overdue_total, see_all=True)
        self._set_note(self.due_today_card, self.due_today_model, today_total, see_all=True)
        self._set_note(self.concerns_card, None, data.concerns.total,
                       shown=len(data.concerns.rows))
        self._set_note(self.birthdays_card, self.birthdays_model, data.birthdays.total)
        self._set_note(self.losing_touch_card, self.losing_touch_model,
                       self._total(self.losing_touch_model, data.losing_touch.total))
        for card, model, view in ((self.overdue_card, self.overdue_model, self.overdue_list),
                                  (self.due_today_card, self.due_today_model,
                                   self.due_today_list),
                                  (self.birthdays_card, self.birthdays_model,
                                   self.birthdays_list),
                                  (self.losing_touch_card, self.losing_touch_model,
                                   self.losing_touch_list)):
            self._set_filled(card, view, model.rowCount() > 0)
        self._set_filled(self.concerns_card, self.concerns_list, bool(data.concerns.rows))
        total = sum(data.counts().values())
        self.summary_label.setText(self.tr("All clear — nothing needs you today.")
                                   if not total else "")

    def _total(self, model: TodayListModel, loaded_total: int) -> int:
        """The loaded total, less the rows done, snoozed or called here since the load."""
        return max(0, loaded_total - self._removed.get(id(model), 0))

    def _remove(self, model: TodayListModel, ref_id: int) -> None:
        if model.remove(ref_id):
            self._removed[id(model)] = self._removed.get(id(model), 0) + 1

    def _set_note(self, card: TodayCard, model: TodayListModel | None, total: int,
                  see_all: bool = False, shown: int | None = None) -> None:
        count = model.rowCount() if model is not None else (shown or 0)
        if total > count and count:
            text = self.tr("first {0} of {1}").format(f"{count:,}", f"{total:,}")
            if see_all:
                text += f' · <a href="all">{escape(self.tr("see all"))}</a>'
            card.note.setText(text)
        else:
            card.note.setText("")

    def _set_filled(self, card: TodayCard, content: QWidget, filled: bool) -> None:
        content.setVisible(filled)
        card.empty_label.setVisible(not filled)
        # An empty card keeps to its one line; the others share the height.
        left = (self.overdue_card, self.due_today_card)
        column = self.left if card in left else self.right
        column.setStretchFactor(card, 1 if filled else 0)
        card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding if filled
                           else QSizePolicy.Policy.Maximum)
        self._filled[card] = filled
        # A column with nothing in it keeps its cards at the top, one under the other.
        cards = left if card in left else (self.concerns_card, self.birthdays_card,
                                           self.losing_touch_card)
        column.setStretch(column.count() - 1,
                          0 if any(self._filled.get(c, False) for c in cards) else 1)

    def _set_empty_texts(self, loading: bool) -> None:
        texts = {
            self.overdue_card: self.tr("Nothing overdue — well done."),
            self.due_today_card: self.tr("Nothing due today."),
            self.concerns_card: self.tr("No concern is waiting for an answer."),
            self.birthdays_card: self.tr("No birthdays in the next {0} days.").format(
                BIRTHDAY_DAYS),
            self.losing_touch_card: self.tr("Everyone has heard from you recently."),
        }
        for card, text in texts.items():
            card.empty_label.setText(self.tr("Loading…") if loading else text)

    # -- rows -------------------------------------------------------------------------------

    def _follow_up_item(self, row: FollowUpRow, today: date) -> TodayItem:
        reason = " ".join(row.reason.split())
        if row.overdue:
            days = (today - row.due_on).days
            when = self.tr("1 day late") if days == 1 else self.tr("{0} days late").format(
                f"{days:,}")
        else:
            when = self.tr("today")
        return TodayItem(ref_id=row.id, customer_id=row.customer_id, title=row.customer_name,
                         phone=row.phone, detail=reason or kind_label(row.kind), when=when,
                         red=row.overdue, subtitle=kind_label(row.kind),
                         icon=row.kind, tooltip=with_phone(row_tooltip(row), row.phone))

    def _birthday_item(self, row: BirthdayRow) -> TodayItem:
        if row.days_away == 0:
            when = self.tr("today")
        elif row.days_away == 1:
            when = self.tr("tomorrow")
        else:
            when = short_day(row.on)
        detail = (self.tr("Turns {0}").format(row.turns) if row.turns > 0
                  else self.tr("Born this year"))
        tooltip = self.tr("{0}: born {1}, turns {2} on {3}").format(
            row.name, row.born_on.isoformat(), row.turns, short_day(row.on))
        return TodayItem(ref_id=row.customer_id, customer_id=row.customer_id, title=row.name,
                         phone=row.phone, detail=detail, when=when, red=False,
                         icon="gesture", tooltip=with_phone(tooltip, row.phone),
                         strong=row.days_away == 0)

    def _losing_item(self, row: LosingTouchRow) -> TodayItem:
        days = row.days_since_contact
        when = self.tr("{0} days ago").format(f"{days:,}")
        detail = self.tr("{0} · every {1} days").format(row.stage, row.rhythm_days)
        tooltip = self.tr("{0}: last contact {1} days ago; {2} customers hear from you every "
                          "{3} days.").format(row.name, f"{days:,}", row.stage, row.rhythm_days)
        return TodayItem(ref_id=row.customer_id, customer_id=row.customer_id, title=row.name,
                         phone=row.phone, detail=detail, when=when, red=False,
                         icon="interaction:call",
                         tooltip=with_phone(tooltip, row.phone))

    def _model_of(self, view: QListView) -> TodayListModel:
        model = view.model()
        assert isinstance(model, TodayListModel)
        return model

    # -- actions ----------------------------------------------------------------------------

    def _on_action(self, view: QListView, key: str, row: int, rect: QRect) -> None:
        item = self._model_of(view).item(row)
        if item is None:
            return
        if key == ACTION_DONE:
            self.start_outcome(item.ref_id, view)
        elif key == ACTION_SNOOZE:
            self.snooze_menu(item.ref_id, view).popup(
                view.viewport().mapToGlobal(rect.bottomLeft()))
        elif key == ACTION_OPEN:
            self.open_customer.emit(item.customer_id)
        elif key == ACTION_CALL:
            self.log_call(item.customer_id)

    def _open_row(self, view: QListView, row: int) -> None:
        item = self._model_of(view).item(row)
        if item is not None:
            self.open_customer.emit(item.customer_id)

    def _context_menu(self, view: QListView, position: QPoint) -> None:
        index = view.indexAt(position)
        item = self._model_of(view).item(index.row()) if index.isValid() else None
        if item is None:
            return
        menu = QMenu(self)
        if view in (self.overdue_list, self.due_today_list):
            menu.addAction(self.tr("Done…"), lambda: self.start_outcome(item.ref_id, view))
            menu.addMenu(self.snooze_menu(item.ref_id, view))
        else:
            menu.addAction(self.tr("Log a call…"), lambda: self.log_call(item.customer_id))
        menu.addAction(self.tr("Open the profile"),
                       lambda: self.open_customer.emit(item.customer_id))
        menu.exec(view.viewport().mapToGlobal(position))

    def snooze_menu(self, follow_up_id: int, view: QListView | None = None) -> QMenu:
        """Tomorrow, the next business day, next week, each with the day it lands on."""
        menu = named(QMenu(self.tr("Snooze"), self), "todaySnoozeMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        labels = {SnoozeChoice.TOMORROW: self.tr("Tomorrow"),
                  SnoozeChoice.NEXT_BUSINESS_DAY: self.tr("Next business day"),
                  SnoozeChoice.NEXT_WEEK: self.tr("Next week")}
        for choice in SNOOZE_CHOICES:
            day = self.snooze_days.get(choice.value)
            label = labels[choice] + (f"\t{short_day(day)}" if day else "")
            action = menu.addAction(label)
            action.setObjectName(f"snooze_{choice.value}")
            action.triggered.connect(
                lambda _checked=False, c=choice: self.snooze_follow_up(follow_up_id, c))
        return menu

    def _follow_up_view(self, follow_up_id: int) -> QListView | None:
        for view in (self.overdue_list, self.due_today_list):
            if self._model_of(view).row_of(follow_up_id) >= 0:
                return view
        return None

    def start_outcome(self, follow_up_id: int,
                      view: QListView | None = None) -> OutcomeEditor | None:
        """Done, step one: a line over the row asks what came of it (Enter saves)."""
        view = view or self._follow_up_view(follow_up_id)
        if view is None:
            return None
        row = self._model_of(view).row_of(follow_up_id)
        if row < 0:
            return None
        self.close_outcome()
        editor = OutcomeEditor()
        index = self._model_of(view).index(row, 0)
        view.setIndexWidget(index, editor)
        view.scrollTo(index)
        editor.saved.connect(lambda text: self.complete_follow_up(follow_up_id, text))
        editor.cancelled.connect(self.close_outcome)
        self.outcome_editor = editor
        self._editing = (view, follow_up_id)
        editor.edit.setFocus()
        return editor

    def close_outcome(self) -> None:
        if self._editing is not None:
            view = self._editing[0]
            if self.outcome_editor is not None:
                # The view forgets an index widget when it is destroyed.
                self.outcome_editor.hide()
                self.outcome_editor.deleteLater()
            view.setFocus()
        self._editing = None
        self.outcome_editor = None

    def _editing_state(self) -> tuple[QListView, int, str] | None:
        """What is being typed, to put back after the lists are filled again."""
        if self._editing is None or self.outcome_editor is None:
            return None
        view, follow_up_id = self._editing
        text = self.outcome_editor.edit.text()
        self._editing = None
        self.outcome_editor = None
        return view, follow_up_id, text

    def complete_follow_up(self, follow_up_id: int, outcome: str = "") -> bool:
        """Mark the follow-up done with what came of it; it leaves the page at once."""
        try:
            self.services.follow_ups.complete([follow_up_id], outcome)
        except (ValidationError, NotFoundError, ConflictError) as exc:
            self._warn(exc)
            return False
        self.close_outcome()
        self._drop_follow_up(follow_up_id)
        return True

    def snooze_follow_up(self, follow_up_id: int, choice: str) -> date | None:
        """Move the follow-up to tomorrow, the next business day or next week."""
        today = self.services.clock().date()
        day = self.snooze_days.get(str(choice)) if self._snooze_for == today else None
        try:
            if day is None:
                day = self.services.follow_ups.snooze_to([follow_up_id], choice)
            else:
                self.services.follow_ups.snooze([follow_up_id], day)
        except (ValidationError, NotFoundError, ConflictError) as exc:
            self._warn(exc)
            return None
        if self._editing is not None and self._editing[1] == follow_up_id:
            self.close_outcome()
        self._drop_follow_up(follow_up_id)
        return day

    def _drop_follow_up(self, follow_up_id: int) -> None:
        for model in (self.overdue_model, self.due_today_model):
            self._remove(model, follow_up_id)
        self._update_cards()
        self.refresh()
        self.data_changed.emit()

    def log_call(self, customer_id: int) -> InteractionDialog | None:
        """Open the interaction form set to a call; saving it resets their losing-touch
        clock. Returns the (open, not blocking) dialog."""
        try:
            dialog = InteractionDialog(self.services, customer_id, self, kind="call")
        except NotFoundError as exc:
            self._warn(exc)
            self.refresh()
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._after_call(customer_id))
        self.call_dialog = dialog
        dialog.open()
        return dialog

    def _after_call(self, customer_id: int) -> None:
        self.call_dialog = None
        self._remove(self.losing_touch_model, customer_id)
        self._update_cards()
        self.refresh()
        self.data_changed.emit()

    def _after_concern_change(self) -> None:
        self.refresh()
        self.data_changed.emit()

    def print_checklist(self) -> None:
        from smallbiz_crm.ui.dialogs.pdf_preview import preview_checklist

        preview_checklist(self, self.services, self.tasks, log_file=self.log_file)

    def _warn(self, exc: BaseException) -> None:
        message = user_message(exc)
        if message is None:
            if self.log_file is None:
                raise exc
            show_error(self, exc, self.log_file)
            return
        QMessageBox.warning(self, self.tr("Today"), message)
