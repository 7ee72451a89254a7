"""The Today page: what needs the owner today, each line with its one-click actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QLocale, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.records.today import TodayData
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.logs import log
from smallbiz_crm.services.errors import ConflictError, NotFoundError
from smallbiz_crm.services.follow_ups import SnoozeChoice
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.interaction_dialog import InteractionDialog
from smallbiz_crm.ui.errors import show_error
from smallbiz_crm.ui.pages.today_board import (
    ACTION_CALL,
    ACTION_DONE,
    ACTION_OPEN,
    ACTION_SNOOZE,
    TodayBoard,
)
from smallbiz_crm.ui.pages.today_cards import OutcomeEditor
from smallbiz_crm.ui.pages.today_model import TodayListModel, short_day
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.widgets.qt_helpers import named
from smallbiz_crm.user_errors import user_message

# The page looks again when the day turns over while it sits on screen.
DAY_CHECK_MS = 60_000
SNOOZE_CHOICES = (SnoozeChoice.TOMORROW, SnoozeChoice.NEXT_BUSINESS_DAY, SnoozeChoice.NEXT_WEEK)


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
        self.today_service = services.today
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

        self.board = TodayBoard(self.services)
        board = self.board
        # The page's own handles on the cards, lists and models, for its actions.
        self.overdue_card, self.overdue_list, self.overdue_model = (
            board.overdue_card, board.overdue_list, board.overdue_model)
        self.due_today_card, self.due_today_list, self.due_today_model = (
            board.due_today_card, board.due_today_list, board.due_today_model)
        self.concerns_card, self.concerns_list = board.concerns_card, board.concerns_list
        self.birthdays_card, self.birthdays_list, self.birthdays_model = (
            board.birthdays_card, board.birthdays_list, board.birthdays_model)
        self.losing_touch_card, self.losing_touch_list, self.losing_touch_model = (
            board.losing_touch_card, board.losing_touch_list, board.losing_touch_model)
        board.action_clicked.connect(self._on_action)
        board.row_opened.connect(self._open_row)
        board.menu_requested.connect(self._context_menu)
        board.see_all.connect(self.open_follow_ups)
        self.concerns_list.open_customer.connect(self.open_customer)
        self.concerns_list.data_changed.connect(self._after_concern_change)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(board, 1)

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
        # A read-only file (or a full disk) cannot take the greetings: they wait for a file
        # that can, rather than failing on every load.
        if self._birthdays_day == today or self.services.db.read_only is not None:
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
        editing = self._editing_state()
        self.date_label.setText(QLocale().toString(
            QDate(data.today.year, data.today.month, data.today.day), "dddd d MMMM yyyy"))
        self.board.show_data(data, self.services.clock())
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
        self.board.update_cards(data)
        total = sum(data.counts().values())
        self.summary_label.setText(self.tr("All clear — nothing needs you today.")
                                   if not total else "")

    def _model_of(self, view: QListView) -> TodayListModel:
        return self.board.model_of(view)

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
            self.board.remove(model, follow_up_id)
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
        self.board.remove(self.losing_touch_model, customer_id)
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

