"""The Today page's five cards in two columns: their lists, headings, notes and empty lines."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QListView,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.follow_ups import FollowUpScope
from smallbiz_crm.domain.records.today import TodayData
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.today import BIRTHDAY_DAYS
from smallbiz_crm.ui.pages.today_cards import TodayCard, WaitingConcerns
from smallbiz_crm.ui.pages.today_delegate import RowActionsDelegate
from smallbiz_crm.ui.pages.today_model import (
    TodayListModel,
    birthday_item,
    follow_up_item,
    losing_item,
)
from smallbiz_crm.ui.profile.concerns_list import COL_CUSTOMER, COL_DUE
from smallbiz_crm.ui.widgets.qt_helpers import named

ACTION_DONE = "done"
ACTION_SNOOZE = "snooze"
ACTION_OPEN = "open"
ACTION_CALL = "call"


def _tr(text: str) -> str:
    # The page's words, translated in the page's context: the board is part of the page.
    return QCoreApplication.translate("TodayPage", text)


class TodayBoard(QWidget):
    """Overdue and due today on the left; concerns, birthdays and losing touch on the right.
    It shows a load less the rows done, snoozed or called since; the page does the acting."""

    action_clicked = Signal(object, str, int, QRect)  # the list, the action, the row, the button
    row_opened = Signal(object, int)  # the list, the row (a double click)
    menu_requested = Signal(object, QPoint)  # the list, where in it
    see_all = Signal(str)  # a FollowUpScope: "see all" on a cut list

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._removed: dict[int, int] = {}  # by id(model): rows taken away since the load
        self._filled: dict[QWidget, bool] = {}
        follow_up_actions = [(ACTION_DONE, _tr("Done")), (ACTION_SNOOZE, _tr("Snooze ▾")),
                             (ACTION_OPEN, _tr("Open"))]
        person_actions = [(ACTION_CALL, _tr("Log a call")), (ACTION_OPEN, _tr("Open"))]

        self.overdue_card = TodayCard(_tr("Overdue"), "overdueCard")
        self.overdue_list, self.overdue_model = self._list("overdueList", self.overdue_card,
                                                           follow_up_actions)
        self.due_today_card = TodayCard(_tr("Due today"), "dueTodayCard")
        self.due_today_list, self.due_today_model = self._list(
            "dueTodayList", self.due_today_card, follow_up_actions)
        self.concerns_card = TodayCard(_tr("Waiting for an answer"), "concernsCard")
        self.concerns_list = WaitingConcerns(services, self.concerns_card)
        self.concerns_list.setObjectName("waitingConcerns")
        self.concerns_list.table.setFrameShape(QFrame.Shape.NoFrame)
        self.concerns_list.table.setColumnHidden(COL_DUE, True)
        self.concerns_list.table.setColumnWidth(COL_CUSTOMER, 130)
        concerns_layout = self.concerns_list.layout()
        if concerns_layout is not None:
            concerns_layout.setContentsMargins(8, 0, 8, 0)
        self.concerns_list.empty_label.hide()  # the card says it instead
        self.concerns_card.body.addWidget(self.concerns_list)
        self.birthdays_card = TodayCard(_tr("Birthdays this week"), "birthdaysCard")
        self.birthdays_list, self.birthdays_model = self._list(
            "birthdaysList", self.birthdays_card, person_actions)
        self.losing_touch_card = TodayCard(_tr("Losing touch"), "losingTouchCard")
        self.losing_touch_list, self.losing_touch_model = self._list(
            "losingTouchList", self.losing_touch_card, person_actions)

        self.overdue_card.link_activated.connect(
            lambda _link: self.see_all.emit(FollowUpScope.OVERDUE.value))
        self.due_today_card.link_activated.connect(
            lambda _link: self.see_all.emit(FollowUpScope.TODAY.value))

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
        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(12)
        columns.addLayout(self.left, 11)
        columns.addLayout(self.right, 9)
        self.set_empty_texts(loading=True)

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
            lambda key, row, rect, v=view: self.action_clicked.emit(v, key, row, rect))
        view.doubleClicked.connect(lambda index, v=view: self.row_opened.emit(v, index.row()))
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(
            lambda position, v=view: self.menu_requested.emit(v, position))
        card.body.addWidget(view)
        return view, model

    def model_of(self, view: QListView) -> TodayListModel:
        model = view.model()
        assert isinstance(model, TodayListModel)
        return model

    # -- filling ----------------------------------------------------------------------------

    def show_data(self, data: TodayData, now: datetime) -> None:
        """Every list from a fresh load; `now` counts the concerns' time left again."""
        self._removed.clear()
        self.overdue_model.set_items([follow_up_item(row, data.today)
                                      for row in data.overdue.rows])
        self.due_today_model.set_items([follow_up_item(row, data.today)
                                        for row in data.due_today.rows])
        self.concerns_list.set_waiting_rows(data.concerns.rows, now)
        self.birthdays_model.set_items([birthday_item(row) for row in data.birthdays.rows])
        self.losing_touch_model.set_items([losing_item(row) for row in data.losing_touch.rows])

    def remove(self, model: TodayListModel, ref_id: int) -> None:
        """Take a row away (done, snoozed, called) before the next load comes in."""
        if model.remove(ref_id):
            self._removed[id(model)] = self._removed.get(id(model), 0) + 1

    def update_cards(self, data: TodayData) -> None:
        """Headings, notes and empty lines for `data` less the rows taken away since."""
        self.set_empty_texts(loading=False)
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

    def _total(self, model: TodayListModel, loaded_total: int) -> int:
        """The loaded total, less the rows done, snoozed or called here since the load."""
        return max(0, loaded_total - self._removed.get(id(model), 0))

    def _set_note(self, card: TodayCard, model: TodayListModel | None, total: int,
                  see_all: bool = False, shown: int | None = None) -> None:
        count = model.rowCount() if model is not None else (shown or 0)
        if total > count and count:
            text = _tr("first {0} of {1}").format(f"{count:,}", f"{total:,}")
            if see_all:
                text += f' · <a href="all">{escape(_tr("see all"))}</a>'
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

    def set_empty_texts(self, loading: bool) -> None:
        texts = {
            self.overdue_card: _tr("Nothing overdue — well done."),
            self.due_today_card: _tr("Nothing due today."),
            self.concerns_card: _tr("No concern is waiting for an answer."),
            self.birthdays_card: _tr("No birthdays in the next {0} days.").format(
                BIRTHDAY_DAYS),
            self.losing_touch_card: _tr("Everyone has heard from you recently."),
        }
        for card, text in texts.items():
            card.empty_label.setText(_tr("Loading…") if loading else text)
