"""The customer profile beside the list: who they are, how to talk to them, and their timeline."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QPainter, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

from smallbiz_crm.domain.labels import stage_reason_label
from smallbiz_crm.domain.records.timeline import ProfileData
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.models.timeline_table import (
    COL_DETAIL,
    COL_TITLE,
    COL_WHEN,
    DETAIL_ROLE,
    TimelineTableModel,
)
from smallbiz_crm.ui.text import day_text

Index = QModelIndex | QPersistentModelIndex
MUTED = QPalette.ColorRole.PlaceholderText
ICON_SIZE = 18
PAD = 6
DETAIL_LINES = 2
# Owner-written guidance (playbook, how to talk) set off like a quotation; palette colours only.
# (The border needs resetting first, or Qt draws no left border at all.)
QUOTE_STYLE = ("QLabel { border: 0px; border-left: 3px solid palette(mid);"
               " padding: 1px 0 1px 8px; margin: 2px 0; }")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ProfilePanel", text)


# -- wording ----------------------------------------------------------------------------------

def birthday_text(birthday: date, today: date) -> str:
    """'1984-05-12 · 42 years old · birthday in 173 days' (a 29 February birthday falls on the
    28th in other years)."""
    def on(year: int) -> date:
        try:
            return birthday.replace(year=year)
        except ValueError:
            return date(year, 2, 28)

    age = today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))
    upcoming = on(today.year)
    if upcoming < today:
        upcoming = on(today.year + 1)
    days = (upcoming - today).days
    parts = [birthday.isoformat()]
    if age >= 0:
        parts.append(_tr("{0} years old").format(age))
    if days == 0:
        parts.append(_tr("birthday today!"))
    elif days == 1:
        parts.append(_tr("birthday tomorrow"))
    else:
        parts.append(_tr("birthday in {0} days").format(days))
    return " · ".join(parts)


def _flat(text: str) -> str:
    return " ".join(text.split())


# -- small building blocks --------------------------------------------------------------------

def plain_label(object_name: str = "", muted: bool = False, wrap: bool = True) -> QLabel:
    """A label that shows user text literally (never as markup), selectable for copying."""
    label: QLabel = QLabel(objectName=object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    if muted:
        label.setForegroundRole(MUTED)
    return label


def link_label(object_name: str) -> QLabel:
    """A label of customer links ("<a href=id>name</a>", names escaped by the caller)."""
    label: QLabel = QLabel(objectName=object_name)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                  | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def customer_links(links: list[tuple[int, str]]) -> str:
    return ", ".join(f'<a href="{cid}">{escape(name)}</a>' for cid, name in links)


class FlowLayout(QLayout):
    """Lays its widgets out left to right, wrapping onto new lines (tag chips)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def addWidget(self, widget: QWidget) -> None:
        self.addChildWidget(widget)
        self.addItem(QWidgetItem(widget))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            if item.isEmpty():  # a hidden chip
                continue
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:
                x, y = rect.x(), y + line_height + self._spacing
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


# -- the timeline view ------------------------------------------------------------------------

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


# -- the panel --------------------------------------------------------------------------------

class ProfilePanel(QWidget):
    """Shows one customer; the window connects the buttons and link signals to its actions."""

    edit_requested = Signal(int)
    log_requested = Signal(int)
    open_customer = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerProfile")
        self.services = services
        self.timeline_service = services.timeline
        self._customer_id: int | None = None
        self.profile_data: ProfileData | None = None

        self.stack = QStackedLayout(self)
        self.empty_label = QLabel(self.tr("Select a customer to see their profile"),
                                  objectName="profileEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setForegroundRole(MUTED)
        self.empty_label.setMargin(24)
        self.stack.addWidget(self.empty_label)

        self.scroll_area = QScrollArea(objectName="profileScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget(objectName="profileContent")
        self.scroll_area.setWidget(content)
        self.stack.addWidget(self.scroll_area)
        self.body = QVBoxLayout(content)
        self.body.setContentsMargins(16, 14, 16, 16)
        self.body.setSpacing(4)

        self._build_header()
        self._build_contact()
        self._build_persona()
        self._build_journey()
        self._build_tags()
        self._build_referrals()
        self._build_notes()
        self._build_gestures()
        self._build_timeline()
        self.body.addStretch(1)
        self.show_customer(None)

    # -- construction -----------------------------------------------------------------------

    def _section(self, title: str, object_name: str) -> QVBoxLayout:
        """A titled block; returns the layout to fill. Hidden as a whole via self.sections."""
        box = QWidget(objectName=object_name)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 14, 0, 0)
        column.setSpacing(4)
        heading = QLabel(title, objectName=f"{object_name}Heading")
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.08)
        heading.setFont(font)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Plain)
        rule.setForegroundRole(QPalette.ColorRole.Mid)
        column.addWidget(heading)
        column.addWidget(rule)
        column.addSpacing(2)
        self.body.addWidget(box)
        return column

    def _build_header(self) -> None:
        self.name_label = plain_label("profileName")
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.name_label.setFont(font)
        self.subtitle_label = plain_label("profileSubtitle", muted=True)
        self.consent_label = plain_label("consentLabel")
        self.not_pursuing_label = plain_label("notPursuingLabel")
        font = self.not_pursuing_label.font()
        font.setItalic(True)
        self.not_pursuing_label.setFont(font)

        self.edit_button = QPushButton(self.tr("Edit…"), objectName="editButton")
        self.log_button = QPushButton(self.tr("Log interaction…"), objectName="logButton")
        self.edit_button.clicked.connect(self._on_edit)
        self.log_button.clicked.connect(self._on_log)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 8, 0, 0)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.log_button)
        buttons.addStretch(1)

        self.body.addWidget(self.name_label)
        self.body.addWidget(self.subtitle_label)
        self.body.addSpacing(4)
        self.body.addWidget(self.consent_label)
        self.body.addWidget(self.not_pursuing_label)
        self.body.addLayout(buttons)

    def _build_contact(self) -> None:
        section = self._section(self.tr("Contact"), "contactSection")
        self.contact_form = QFormLayout()
        self.contact_form.setContentsMargins(0, 0, 0, 0)
        self.contact_form.setHorizontalSpacing(12)
        self.contact_form.setVerticalSpacing(4)
        self.contact_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.contact_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.contact_form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.email_label = plain_label("profileEmail")
        self.phone_label = plain_label("profilePhone")
        self.address_label = plain_label("profileAddress")
        self.birthday_label = plain_label("profileBirthday")
        self.source_label = plain_label("profileSource")
        for caption, widget in ((self.tr("Email"), self.email_label),
                                (self.tr("Phone"), self.phone_label),
                                (self.tr("Address"), self.address_label),
                                (self.tr("Birthday"), self.birthday_label),
                                (self.tr("Found us"), self.source_label)):
            label = QLabel(caption)
            label.setForegroundRole(MUTED)
            # The row is as tall as its field (a two-line address): keep the caption at the top.
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.contact_form.addRow(label, widget)
        self._contact_rows: dict[int, bool] = {}
        self.no_contact_label = plain_label("noContact", muted=True)
        self.no_contact_label.setText(self.tr("No contact details yet."))
        section.addLayout(self.contact_form)
        section.addWidget(self.no_contact_label)

    def _build_persona(self) -> None:
        section = self._section(self.tr("Persona"), "personaSection")
        self.persona_name_label = plain_label("personaName")
        font = self.persona_name_label.font()
        font.setBold(True)
        self.persona_name_label.setFont(font)
        self.persona_traits_label = plain_label("personaTraits", muted=True)
        self.persona_talk_label = plain_label("personaTalk")
        self.persona_talk_label.setStyleSheet(QUOTE_STYLE)
        section.addWidget(self.persona_name_label)
        section.addWidget(self.persona_traits_label)
        section.addWidget(self.persona_talk_label)

    def _build_journey(self) -> None:
        section = self._section(self.tr("Journey"), "journeySection")
        self.stage_label = plain_label("profileStage")
        font = self.stage_label.font()
        font.setBold(True)
        self.stage_label.setFont(font)
        self.playbook_label = plain_label("stagePlaybook")
        self.playbook_label.setStyleSheet(QUOTE_STYLE)
        self.history_grid = QGridLayout()
        self.history_grid.setContentsMargins(0, 6, 0, 0)
        self.history_grid.setHorizontalSpacing(12)
        self.history_grid.setVerticalSpacing(2)
        self.history_grid.setColumnStretch(1, 1)
        self._history_rows: list[tuple[QLabel, QLabel]] = []
        history = QWidget(objectName="stageHistory")
        history.setLayout(self.history_grid)
        self.history_widget = history
        section.addWidget(self.stage_label)
        section.addWidget(self.playbook_label)
        section.addWidget(history)

    def _build_tags(self) -> None:
        section = self._section(self.tr("Tags"), "tagsSection")
        self.tags_box = QWidget(objectName="profileTags")
        self.tags_flow = FlowLayout(self.tags_box)
        self._chips: list[QLabel] = []
        # Set once on the box: a style sheet per chip would re-polish on every customer shown.
        self.tags_box.setStyleSheet(
            "QLabel#tagChip { border: 1px solid palette(mid); border-radius: 9px;"
            " padding: 1px 8px; background: palette(alternate-base); }")
        section.addWidget(self.tags_box)

    def _build_referrals(self) -> None:
        section = self._section(self.tr("Referrals"), "referralsSection")
        self.referred_by_label = link_label("referredBy")
        self.referrals_label = link_label("referrals")
        for label in (self.referred_by_label, self.referrals_label):
            label.linkActivated.connect(self._on_link)
            section.addWidget(label)

    def _build_notes(self) -> None:
        section = self._section(self.tr("Personal notes"), "notesSection")
        self.notes_label = plain_label("profileNotes")
        section.addWidget(self.notes_label)

    def _build_gestures(self) -> None:
        from smallbiz_crm.ui.widgets.gesture_ledger import GestureLedgerWidget

        section = self._section(self.tr("Gestures"), "gesturesSection")
        # The customer's own ledger with its total: log a gesture or its outcome right here.
        self.gesture_ledger = GestureLedgerWidget(self.services)
        self.gesture_ledger.data_changed.connect(self.refresh)
        section.addWidget(self.gesture_ledger)

    def _build_timeline(self) -> None:
        section = self._section(self.tr("Timeline"), "timelineSection")
        self.timeline_model = TimelineTableModel(self)
        self.timeline = TimelineView(self.timeline_model)
        self.no_timeline_label = plain_label("noTimeline", muted=True)
        self.no_timeline_label.setText(self.tr("Nothing logged yet."))
        section.addWidget(self.timeline)
        section.addWidget(self.no_timeline_label)

    def _section_box(self, object_name: str) -> QWidget:
        box = self.findChild(QWidget, object_name)
        assert box is not None
        return box

    # -- showing a customer -----------------------------------------------------------------

    def customer_id(self) -> int | None:
        return self._customer_id

    def refresh(self) -> None:
        """Read the shown customer again (after an edit or a new interaction)."""
        self.show_customer(self._customer_id)

    def show_customer(self, customer_id: int | None) -> None:
        if customer_id is None:
            self._show_empty(self.tr("Select a customer to see their profile"))
            return
        try:
            data = self.timeline_service.profile(customer_id)
        except NotFoundError:
            self._show_empty(self.tr("This customer no longer exists."))
            return
        self._customer_id = customer_id
        self.profile_data = data
        self._fill(data)
        self.stack.setCurrentWidget(self.scroll_area)
        # Lay out now: otherwise the first paint can show the new customer spread over the
        # previous one's height, the scroll area resizing its content one event later.
        # One pass per level of nested layouts (the gesture ledger adds one).
        for _ in range(3):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _show_empty(self, message: str) -> None:
        self._customer_id = None
        self.profile_data = None
        self.empty_label.setText(message)
        self.timeline_model.set_entries([])
        self.stack.setCurrentWidget(self.empty_label)

    def _fill(self, data: ProfileData) -> None:
        c = data.customer
        self.name_label.setText(c.name)
        kind = self.tr("Business") if c.kind == "business" else self.tr("Person")
        self.subtitle_label.setText(" · ".join(p for p in (c.company, kind) if p))
        self.consent_label.setText(
            "✓ " + self.tr("May be contacted") if c.consent_contact
            else "✕ " + self.tr("Has not agreed to be contacted"))
        self.consent_label.setForegroundRole(
            QPalette.ColorRole.WindowText if c.consent_contact else MUTED)
        self.not_pursuing_label.setVisible(c.not_pursuing)
        if c.not_pursuing:
            reason = c.not_pursuing_reason
            self.not_pursuing_label.setText(
                self.tr("Not pursuing: {0}").format(reason) if reason
                else self.tr("Not pursuing"))

        today = self.services.clock().date()
        rows = ((0, c.email), (1, c.phone), (2, c.address),
                (3, birthday_text(c.birthday, today) if c.birthday else ""), (4, c.source))
        for (row, value), label in zip(rows, (self.email_label, self.phone_label,
                                             self.address_label, self.birthday_label,
                                             self.source_label), strict=True):
            label.setText(value)
            # Only on change: each call re-lays the form out.
            if self._contact_rows.get(row) != bool(value):
                self.contact_form.setRowVisible(row, bool(value))
                self._contact_rows[row] = bool(value)
        self.no_contact_label.setVisible(not any(value for _, value in rows))

        persona = data.persona
        if persona is None:
            self.persona_name_label.setText(self.tr("No persona chosen"))
            self.persona_name_label.setForegroundRole(MUTED)
            self.persona_traits_label.hide()
            self.persona_talk_label.hide()
        else:
            self.persona_name_label.setText(persona.name)
            self.persona_name_label.setForegroundRole(QPalette.ColorRole.WindowText)
            traits = []
            if persona.decides:
                traits.append(self.tr("Decides {0}").format(persona.decides))
            if persona.asks:
                asks = persona.asks.strip()
                quoted = asks[:1] in "\"“'‘" if asks else False
                traits.append(self.tr("asks {0}").format(asks if quoted else f"“{asks}”"))
            self.persona_traits_label.setText(" · ".join(traits))
            self.persona_traits_label.setVisible(bool(traits))
            self.persona_talk_label.setText(
                self.tr("How to talk to them: {0}").format(persona.how_to_talk)
                if persona.how_to_talk else "")
            self.persona_talk_label.setVisible(bool(persona.how_to_talk))

        self.stage_label.setText(data.stage.name)
        self.playbook_label.setText(data.stage.playbook)
        self.playbook_label.setVisible(bool(data.stage.playbook))
        self._fill_history(data)

        while len(self._chips) < len(c.tags):
            chip = plain_label("tagChip", wrap=False)
            chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.tags_flow.addWidget(chip)
            self._chips.append(chip)
        for i, chip in enumerate(self._chips):
            chip.setText(c.tags[i] if i < len(c.tags) else "")
            chip.setVisible(i < len(c.tags))
        self.tags_flow.invalidate()
        self._section_box("tagsSection").setVisible(bool(c.tags))

        if c.referred_by_id is not None:
            self.referred_by_label.setText(self.tr("Referred by {0}").format(
                customer_links([(c.referred_by_id, c.referred_by_name)])))
        self.referred_by_label.setVisible(c.referred_by_id is not None)
        if data.referrals:
            self.referrals_label.setText(self.tr("Referred {0}").format(
                customer_links([(r.id, r.name) for r in data.referrals])))
        self.referrals_label.setVisible(bool(data.referrals))
        self._section_box("referralsSection").setVisible(
            c.referred_by_id is not None or bool(data.referrals))

        self.notes_label.setText(c.notes)
        self._section_box("notesSection").setVisible(bool(c.notes))

        self.gesture_ledger.show_customer(c.id)

        self.timeline_model.set_entries(data.timeline)
        self.timeline.setVisible(bool(data.timeline))
        self.no_timeline_label.setVisible(not data.timeline)
        self.scroll_area.verticalScrollBar().setValue(0)

    def _fill_history(self, data: ProfileData) -> None:
        # Labels are reused from customer to customer: creating and styling fresh ones each
        # time costs more than everything else the panel does.
        while len(self._history_rows) < len(data.history):
            row = len(self._history_rows)
            when = plain_label("historyDate", muted=True, wrap=False)
            when.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
            what = plain_label("historyChange")
            self.history_grid.addWidget(when, row, 0, Qt.AlignmentFlag.AlignTop)
            self.history_grid.addWidget(what, row, 1, Qt.AlignmentFlag.AlignTop)
            self._history_rows.append((when, what))
        for row, (when, what) in enumerate(self._history_rows):
            if row < len(data.history):
                change = data.history[row]
                when.setText(day_text(change.changed_at))
                text = (self.tr("{0} → {1}").format(change.from_stage_name,
                                                    change.to_stage_name)
                        if change.from_stage_name
                        else self.tr("Started at {0}").format(change.to_stage_name))
                reason = stage_reason_label(change.reason)
                what.setText(f"{text} · {reason}" if reason else text)
            else:
                when.clear()
                what.clear()
            when.setVisible(row < len(data.history))
            what.setVisible(row < len(data.history))
        self.history_widget.setVisible(bool(data.history))

    # -- actions ----------------------------------------------------------------------------

    def _on_edit(self) -> None:
        if self._customer_id is not None:
            self.edit_requested.emit(self._customer_id)

    def _on_log(self) -> None:
        if self._customer_id is not None:
            self.log_requested.emit(self._customer_id)

    def _on_link(self, href: str) -> None:
        if href.isdigit():
            self.open_customer.emit(int(href))

