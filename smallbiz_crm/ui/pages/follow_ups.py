"""The Follow-ups page: what is due, filtered by when, kind and customer, worked in bulk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from smallbiz_crm.domain.kinds import FollowUpStatus
from smallbiz_crm.domain.records.follow_ups import (
    DEFAULT_LIMIT,
    DueSummary,
    FollowUpFilter,
    FollowUpRow,
    FollowUpScope,
)
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import ConflictError, NotFoundError
from smallbiz_crm.services.follow_ups import SnoozeChoice
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.cadences_dialog import ApplyCadenceDialog, CadencesDialog
from smallbiz_crm.ui.dialogs.follow_up_dialog import FollowUpDialog, from_qdate, to_qdate
from smallbiz_crm.ui.models.follow_up_table import (
    COL_CUSTOMER,
    COL_DUE,
    COL_KIND,
    COL_PHONE,
    COL_REASON,
    COL_STATUS,
    FollowUpTableModel,
    follow_up_icon,
    follow_up_kind_labels,
)
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.text import count_text
from smallbiz_crm.ui.widgets.qt_helpers import named
from smallbiz_crm.user_errors import user_message

SEARCH_DELAY_MS = 200
PICK_DATE = "date"  # the snooze menu's "Pick a date…"


@dataclass(frozen=True, slots=True)
class _Loaded:
    rows: list[FollowUpRow]
    summary: DueSummary
    total: int  # matches without the page limit


class DatePickDialog(QDialog):
    """A calendar to pick the day to snooze to; days before today cannot be picked."""

    def __init__(self, today: date, initial: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("snoozeDateDialog")
        self.setWindowTitle(self.tr("Snooze until"))
        self.calendar = named(QCalendarWidget(), "snoozeCalendar")
        self.calendar.setMinimumDate(to_qdate(today))
        self.calendar.setSelectedDate(to_qdate(initial))
        self.calendar.setGridVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Snooze"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.calendar.activated.connect(lambda _day: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.calendar)
        layout.addWidget(buttons)

    def chosen(self) -> date:
        return from_qdate(self.calendar.selectedDate())


class FollowUpsPage(QWidget):
    """Scope buttons and filters above the follow-up table; bulk actions work on the selection."""

    open_customer = Signal(int)
    data_changed = Signal()
    list_reloaded = Signal(int)  # rows shown

    def __init__(self, services: Services, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followUpsPage")
        self.services = services
        self.tasks = tasks
        self.follow_ups = services.follow_ups
        self._generation = 0
        self._scope = FollowUpScope.OPEN.value
        self._loading = False
        self._build()
        self.set_scope(FollowUpScope.OVERDUE.value, reload=False)

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.scope_buttons: dict[str, QToolButton] = {}
        self.scope_group = QButtonGroup(self)
        self.scope_group.setExclusive(True)
        scopes = QHBoxLayout()
        scopes.setSpacing(2)
        for scope, object_name, tip in (
                (FollowUpScope.OVERDUE, "overdueButton", self.tr("Open follow-ups past their day")),
                (FollowUpScope.TODAY, "todayButton", self.tr("Open follow-ups due today")),
                (FollowUpScope.THIS_WEEK, "thisWeekButton",
                 self.tr("Open follow-ups due today or in the next six days")),
                (FollowUpScope.OPEN, "openButton", self.tr("Every open follow-up")),
                (FollowUpScope.DONE, "doneButton", self.tr("Done and skipped follow-ups"))):
            button = named(QToolButton(), object_name)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumWidth(96)
            self.scope_group.addButton(button)
            self.scope_buttons[scope] = button
            scopes.addWidget(button)
            button.clicked.connect(lambda _checked=False, s=scope: self.set_scope(s))
        self._update_scope_labels(None)

        self.kind_filter = named(QComboBox(), "kindFilter")
        self.kind_filter.addItem(self.tr("All kinds"), None)
        for value, label in follow_up_kind_labels().items():
            self.kind_filter.addItem(follow_up_icon(value), label, value)
        self.kind_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.customer_filter = named(QLineEdit(), "customerFilter")
        self.customer_filter.setPlaceholderText(self.tr("Customer name or phone…"))
        self.customer_filter.setClearButtonEnabled(True)
        self.count_label = named(QLabel(), "followUpCount")

        filters = QHBoxLayout()
        filters.addLayout(scopes)
        filters.addSpacing(12)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.customer_filter, 1)
        filters.addWidget(self.count_label)

        self.new_button = named(QPushButton(self.tr("&New follow-up…")), "newFollowUpButton")
        self.complete_button = named(QPushButton(self.tr("&Done…")), "completeButton")
        self.complete_button.setToolTip(self.tr("Mark the selected follow-ups done, with what "
                                                "came of them"))
        self.snooze_button = named(QPushButton(self.tr("S&nooze")), "snoozeButton")
        self.snooze_menu = named(QMenu(self), "snoozeMenu")
        self.snooze_actions: dict[str, QAction] = {}
        for choice, label in ((SnoozeChoice.TOMORROW, self.tr("Until tomorrow")),
                              (SnoozeChoice.NEXT_BUSINESS_DAY,
                               self.tr("Until the next business day")),
                              (SnoozeChoice.NEXT_WEEK, self.tr("Until next week")),
                              (PICK_DATE, self.tr("Pick a date…"))):
            action = self.snooze_menu.addAction(label)
            action.setObjectName(f"snooze_{choice}")
            action.triggered.connect(lambda _checked=False, c=choice: self.snooze_selected(c))
            self.snooze_actions[choice] = action
        self.snooze_button.setMenu(self.snooze_menu)
        self.skip_button = named(QPushButton(self.tr("S&kip…")), "skipButton")
        self.skip_button.setToolTip(self.tr("Close the selected follow-ups without doing them"))
        self.reopen_button = named(QPushButton(self.tr("&Reopen")), "reopenButton")
        self.apply_cadence_button = named(QPushButton(self.tr("Start &cadence…")),
                                          "applyCadenceButton")
        self.apply_cadence_button.setToolTip(self.tr(
            "Start a cadence of follow-ups for the selected rows' customers or others"))
        self.cadences_button = named(QPushButton(self.tr("Cadences…")), "cadencesButton")
        actions = QHBoxLayout()
        for action_button in (self.new_button, self.complete_button, self.snooze_button,
                              self.skip_button, self.reopen_button):
            actions.addWidget(action_button)
        actions.addStretch(1)
        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.VLine)
        separator.setFrameShadow(QFrame.Shadow.Sunken)
        actions.addWidget(self.apply_cadence_button)
        actions.addWidget(separator)
        actions.addWidget(self.cadences_button)

        self.model = FollowUpTableModel(self, today=lambda: self.services.clock().date())
        self.table = named(QTableView(), "followUpTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(False)  # the service's order until a header is clicked
        self.table.horizontalHeader().setSectionsClickable(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self.model.sort)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        widths = {COL_DUE: 120, COL_CUSTOMER: 190, COL_PHONE: 140, COL_KIND: 140,
                  COL_STATUS: 200}
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Stretch)

        self.detail_label = named(QLabel(), "followUpDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.RichText)
        self.detail_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.detail_label.linkActivated.connect(lambda _link: self.open_current_customer())
        self.detail_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 2 + 8)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        self.empty_label = named(QLabel(), "emptyLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.detail_label)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.customer_filter.textChanged.connect(lambda _text: self._search_timer.start())
        self.kind_filter.currentIndexChanged.connect(lambda _index: self.refresh())
        self.table.selectionModel().selectionChanged.connect(
            lambda *_args: self._update_actions())
        self.table.selectionModel().currentRowChanged.connect(
            lambda *_args: self._update_detail())
        self.table.doubleClicked.connect(lambda _index: self.edit_current())
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        self.new_button.clicked.connect(lambda: self.new_follow_up())
        self.complete_button.clicked.connect(lambda: self.complete_selected())
        self.skip_button.clicked.connect(lambda: self.skip_selected())
        self.reopen_button.clicked.connect(lambda: self.reopen_selected())
        self.apply_cadence_button.clicked.connect(lambda: self.apply_cadence())
        self.cadences_button.clicked.connect(lambda: self.open_cadences())
        self._update_actions()
        self._update_detail()

    # -- filters ----------------------------------------------------------------------------

    def scope(self) -> str:
        return self._scope

    def set_scope(self, scope: str, reload: bool = True) -> None:
        self._scope = str(scope)
        button = self.scope_buttons.get(self._scope)
        if button is not None and not button.isChecked():
            button.setChecked(True)
        # Done rows sort latest first; open ones soonest first, as the service returns them.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        if reload:
            self.refresh()

    def query(self) -> FollowUpFilter:
        return FollowUpFilter(scope=self._scope, kind=self.kind_filter.currentData(),
                              customer_text=self.customer_filter.text(),
                              limit=DEFAULT_LIMIT)

    def _update_scope_labels(self, summary: DueSummary | None) -> None:
        counts = {FollowUpScope.OVERDUE: summary.overdue if summary else None,
                  FollowUpScope.TODAY: summary.today if summary else None,
                  FollowUpScope.THIS_WEEK: summary.this_week if summary else None}
        names = {FollowUpScope.OVERDUE: self.tr("Overdue"), FollowUpScope.TODAY: self.tr("Today"),
                 FollowUpScope.THIS_WEEK: self.tr("This week"),
                 FollowUpScope.OPEN: self.tr("All open"), FollowUpScope.DONE: self.tr("Done")}
        for scope, button in self.scope_buttons.items():
            count = counts.get(FollowUpScope(scope))
            name = names[FollowUpScope(scope)]
            button.setText(f"{name} ({count:,})" if count else name)

    # -- loading ----------------------------------------------------------------------------

    def _load(self, query: FollowUpFilter, today: date) -> _Loaded:
        rows = self.follow_ups.list(query, today)
        summary = self.follow_ups.due_summary(today)
        total = len(rows)
        if query.limit is not None and len(rows) >= query.limit:
            total = self.follow_ups.count(query, today)
        return _Loaded(rows, summary, total)

    def refresh(self, then: Callable[[], None] | None = None) -> None:
        """Reload off the UI thread; an answer to an older request is dropped."""
        self._generation += 1
        generation = self._generation
        query = self.query()
        today = self.services.clock().date()
        self._loading = True

        def done(result: Any) -> None:
            if generation != self._generation:
                return
            self._show(result)
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._loading = False
                self._warn(exc)

        self.tasks.run(lambda _progress, _cancelled: self._load(query, today), done, failed)

    def reload_now(self) -> None:
        """Reload on this thread: after an action the list must be right at once."""
        self._generation += 1
        self._show(self._load(self.query(), self.services.clock().date()))

    def _show(self, loaded: _Loaded) -> None:
        self._loading = False
        selected = set(self.selected_ids())
        current = self.current_id()
        self.model.set_rows(loaded.rows)
        header = self.table.horizontalHeader()
        if 0 <= header.sortIndicatorSection() < self.model.columnCount():
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._update_scope_labels(loaded.summary)
        if loaded.total > len(loaded.rows):
            self.count_label.setText(self.tr("first {0} of {1}").format(
                f"{len(loaded.rows):,}", count_text(loaded.total, self.tr("follow-up"),
                                                    self.tr("follow-ups"))))
        else:
            self.count_label.setText(count_text(len(loaded.rows), self.tr("follow-up"),
                                                self.tr("follow-ups")))
        self._reselect(selected, current)
        self.empty_label.setText(self._empty_text())
        self.empty_label.setVisible(not loaded.rows)
        self._update_actions()
        self._update_detail()
        self.list_reloaded.emit(len(loaded.rows))

    def _empty_text(self) -> str:
        if self.customer_filter.text().strip() or self.kind_filter.currentData():
            return self.tr("No follow-ups match the filters.")
        return {
            FollowUpScope.OVERDUE: self.tr("Nothing overdue. Well done!"),
            FollowUpScope.TODAY: self.tr("Nothing due today."),
            FollowUpScope.THIS_WEEK: self.tr("Nothing due this week."),
            FollowUpScope.OPEN: self.tr("No open follow-ups."),
        }.get(FollowUpScope(self._scope), self.tr("Nothing here yet."))

    def _reselect(self, ids: set[int], current: int | None) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = (QItemSelectionModel.SelectionFlag.Select
                 | QItemSelectionModel.SelectionFlag.Rows)
        for row, record in enumerate(self.model.rows()):
            if record.id in ids:
                selection.select(self.model.index(row, 0), flags)
        if current is not None:
            row = self.model.row_of(current)
            if row >= 0:
                selection.setCurrentIndex(self.model.index(row, 0),
                                          QItemSelectionModel.SelectionFlag.NoUpdate)

    # -- selection --------------------------------------------------------------------------

    def selected_rows(self) -> list[FollowUpRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        found = [self.model.row_record(row) for row in rows]
        return [record for record in found if record is not None]

    def selected_ids(self) -> list[int]:
        return [record.id for record in self.selected_rows()]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.follow_up_id(index.row()) if index.isValid() else None

    def select_ids(self, ids: list[int]) -> None:
        self._reselect(set(ids), ids[0] if ids else None)

    def _update_actions(self) -> None:
        rows = self.selected_rows()
        open_rows = [r for r in rows if r.status == FollowUpStatus.OPEN.value]
        closed = [r for r in rows if r.status != FollowUpStatus.OPEN.value]
        self.complete_button.setEnabled(bool(open_rows))
        self.snooze_button.setEnabled(bool(open_rows))
        self.skip_button.setEnabled(bool(open_rows))
        self.reopen_button.setEnabled(bool(closed))
        self.reopen_button.setVisible(self._scope in (FollowUpScope.DONE, FollowUpScope.ALL)
                                      or bool(closed))

    def _update_detail(self) -> None:
        index = self.table.currentIndex()
        record = self.model.row_record(index.row()) if index.isValid() else None
        if record is None:
            self.detail_label.setText(self.tr("Select a follow-up to see who it is for; "
                                              "select several to work them together."))
            return
        parts = [f"<b>{escape(record.customer_name)}</b>"]
        if record.phone:
            parts.append(escape(record.phone))
        parts.append(escape(record.stage_name))
        link = escape(self.tr("Open the profile"))
        text = " · ".join(parts) + f' · <a href="profile">{link}</a>'
        if record.persona_name and record.persona_hint:
            hint = record.persona_hint[:1].lower() + record.persona_hint[1:].rstrip(".")
            text += "<br>" + self.tr("{0}: talk to them with {1}").format(
                f"<i>{escape(record.persona_name)}</i>", escape(hint))
        elif record.persona_name:
            text += f"<br><i>{escape(record.persona_name)}</i>"
        if record.outcome:
            text += "<br>" + escape(self.tr("Outcome: {0}").format(record.outcome))
        self.detail_label.setText(text)

    # -- actions ----------------------------------------------------------------------------

    def _after_write(self, select: list[int] | None = None) -> None:
        self.reload_now()
        if select:
            self.select_ids(select)
        self.data_changed.emit()

    def _warn(self, exc: BaseException) -> None:
        message = user_message(exc)
        if message is None:
            raise exc
        QMessageBox.warning(self, self.tr("Follow-ups"), message)

    def _run(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except (ValidationError, NotFoundError, ConflictError) as exc:
            self._warn(exc)
            return None

    def complete_selected(self, outcome: str | None = None) -> int:
        """Mark the selected open follow-ups done; asks what came of them unless given."""
        ids = [r.id for r in self.selected_rows() if r.status == FollowUpStatus.OPEN.value]
        if not ids:
            return 0
        if outcome is None:
            title = (self.tr("Done") if len(ids) == 1
                     else self.tr("{0} follow-ups done").format(len(ids)))
            text, ok = QInputDialog.getMultiLineText(
                self, title, self.tr("What came of it? (optional)"))
            if not ok:
                return 0
            outcome = text
        changed = self._run(lambda: self.follow_ups.complete(ids, outcome or ""))
        self._after_write()
        return int(changed or 0)

    def skip_selected(self, reason: str | None = None) -> int:
        """Close the selected open follow-ups without doing them; asks why unless given."""
        ids = [r.id for r in self.selected_rows() if r.status == FollowUpStatus.OPEN.value]
        if not ids:
            return 0
        if reason is None:
            text, ok = QInputDialog.getText(self, self.tr("Skip"),
                                            self.tr("Why skip it? (optional)"))
            if not ok:
                return 0
            reason = text
        changed = self._run(lambda: self.follow_ups.skip(ids, reason or ""))
        self._after_write()
        return int(changed or 0)

    def snooze_selected(self, choice: str, until: date | None = None) -> date | None:
        """Snooze the selected open follow-ups: tomorrow, next business day, next week, or
        a date (PICK_DATE asks for it unless `until` is given). Returns the new due day."""
        ids = [r.id for r in self.selected_rows() if r.status == FollowUpStatus.OPEN.value]
        if not ids:
            return None
        if choice == PICK_DATE and until is None:
            today = self.services.clock().date()
            picker = DatePickDialog(today, self.follow_ups.snooze_target(
                SnoozeChoice.NEXT_WEEK, today), self)
            if picker.exec() != QDialog.DialogCode.Accepted:
                return None
            until = picker.chosen()
        if choice != PICK_DATE:
            until = self._run(lambda: self.follow_ups.snooze_target(choice))
        if until is None:
            return None
        day = until
        if self._run(lambda: self.follow_ups.snooze(ids, day)) is None:
            return None
        self._after_write(select=ids)
        return day

    def reopen_selected(self) -> int:
        ids = [r.id for r in self.selected_rows() if r.status != FollowUpStatus.OPEN.value]
        if not ids:
            return 0
        changed = self._run(lambda: self.follow_ups.reopen(ids))
        self._after_write(select=ids)
        return int(changed or 0)

    def new_follow_up(self, customer_id: int | None = None) -> bool:
        if customer_id is None:
            rows = self.selected_rows()
            customer_id = rows[0].customer_id if len(rows) == 1 else None
        dialog = FollowUpDialog(self.services, customer_id=customer_id, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return False
        self._after_write(select=[dialog.saved.id])
        return True

    def edit_current(self) -> bool:
        follow_up_id = self.current_id()
        if follow_up_id is None:
            return False
        try:
            dialog = FollowUpDialog(self.services, follow_up_id=follow_up_id, parent=self)
        except NotFoundError as exc:
            self._warn(exc)
            self.reload_now()
            return False
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self._after_write(select=[follow_up_id])
        return True

    def apply_cadence(self) -> bool:
        customers = list(dict.fromkeys(r.customer_id for r in self.selected_rows()))
        dialog = ApplyCadenceDialog(self.services, customers, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self._after_write()
        return True

    def open_cadences(self) -> None:
        # Templates and the purchase switch shape future follow-ups, not the listed ones.
        CadencesDialog(self.services, parent=self).exec()

    def open_current_customer(self) -> None:
        index = self.table.currentIndex()
        record = self.model.row_record(index.row()) if index.isValid() else None
        if record is not None:
            self.open_customer.emit(record.customer_id)

    def _show_context_menu(self, position: QPoint) -> None:
        if not self.table.indexAt(position).isValid():
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Edit…"), self.edit_current)
        menu.addAction(self.tr("Open the profile"), self.open_current_customer)
        menu.addSeparator()
        done = menu.addAction(self.tr("Done…"), lambda: self.complete_selected())
        snooze = menu.addMenu(self.tr("Snooze"))
        for action in self.snooze_actions.values():
            snooze.addAction(action)
        skip = menu.addAction(self.tr("Skip…"), lambda: self.skip_selected())
        reopen = menu.addAction(self.tr("Reopen"), lambda: self.reopen_selected())
        for action, enabled in ((done, self.complete_button.isEnabled()),
                                (skip, self.skip_button.isEnabled()),
                                (reopen, self.reopen_button.isEnabled())):
            action.setEnabled(enabled)
        snooze.setEnabled(self.snooze_button.isEnabled())
        menu.addSeparator()
        menu.addAction(self.tr("Start a cadence…"), lambda: self.apply_cadence())
        menu.exec(self.table.viewport().mapToGlobal(position))
