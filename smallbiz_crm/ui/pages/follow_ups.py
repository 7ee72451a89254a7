"""The Follow-ups page: what is due, filtered by when, kind and customer, worked in bulk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
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
from smallbiz_crm.ui.dialogs.cadences_dialog import CadencesDialog
from smallbiz_crm.ui.dialogs.follow_up_dialog import FollowUpDialog
from smallbiz_crm.ui.dialogs.start_cadence_dialog import ApplyCadenceDialog
from smallbiz_crm.ui.models.follow_up_table import (
    FollowUpTableModel,
)
from smallbiz_crm.ui.pages.follow_ups_actions import PICK_DATE, DatePickDialog, FollowUpActionBar
from smallbiz_crm.ui.pages.follow_ups_detail import FollowUpDetail
from smallbiz_crm.ui.pages.follow_ups_filters import FollowUpFilterBar
from smallbiz_crm.ui.pages.follow_ups_list import FollowUpListView
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.text import count_text
from smallbiz_crm.ui.widgets.qt_helpers import named
from smallbiz_crm.user_errors import user_message


@dataclass(frozen=True, slots=True)
class _Loaded:
    rows: list[FollowUpRow]
    summary: DueSummary
    total: int  # matches without the page limit


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
        self.filters = FollowUpFilterBar()
        self.scope_buttons = self.filters.scope_buttons
        self.scope_group = self.filters.scope_group
        self.kind_filter = self.filters.kind_filter
        self.customer_filter = self.filters.customer_filter
        self.count_label = self.filters.count_label

        self.actions_bar = FollowUpActionBar()
        self.new_button = self.actions_bar.new_button
        self.complete_button = self.actions_bar.complete_button
        self.snooze_button = self.actions_bar.snooze_button
        self.snooze_menu = self.actions_bar.snooze_menu
        self.snooze_actions = self.actions_bar.snooze_actions
        self.skip_button = self.actions_bar.skip_button
        self.reopen_button = self.actions_bar.reopen_button
        self.apply_cadence_button = self.actions_bar.apply_cadence_button
        self.cadences_button = self.actions_bar.cadences_button

        self.model = FollowUpTableModel(self, today=lambda: self.services.clock().date())
        self.table = FollowUpListView(self.model)

        self.detail_label = FollowUpDetail()
        self.detail_label.linkActivated.connect(lambda _link: self.open_current_customer())

        self.empty_label = named(QLabel(), "emptyLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.actions_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.detail_label)

        self.filters.scope_chosen.connect(lambda scope: self.set_scope(scope))
        self.filters.changed.connect(lambda: self.refresh())
        self.actions_bar.snooze_chosen.connect(lambda choice: self.snooze_selected(choice))
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
        self.filters.check_scope(self._scope)
        # Done rows sort latest first; open ones soonest first, as the service returns them.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        if reload:
            self.refresh()

    def query(self) -> FollowUpFilter:
        return FollowUpFilter(scope=self._scope, kind=self.kind_filter.currentData(),
                              customer_text=self.customer_filter.text(),
                              limit=DEFAULT_LIMIT)

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
        self.table.sort_as_shown()
        self.filters.update_scope_labels(loaded.summary)
        if loaded.total > len(loaded.rows):
            self.count_label.setText(self.tr("first {0} of {1}").format(
                f"{len(loaded.rows):,}", count_text(loaded.total, self.tr("follow-up"),
                                                    self.tr("follow-ups"))))
        else:
            self.count_label.setText(count_text(len(loaded.rows), self.tr("follow-up"),
                                                self.tr("follow-ups")))
        self.table.reselect(selected, current)
        self.empty_label.setText(self._empty_text())
        self.empty_label.setVisible(not loaded.rows)
        self._update_actions()
        self._update_detail()
        self.list_reloaded.emit(len(loaded.rows))

    def _empty_text(self) -> str:
        if self.filters.filtered():
            return self.tr("No follow-ups match the filters.")
        return {
            FollowUpScope.OVERDUE: self.tr("Nothing overdue. Well done!"),
            FollowUpScope.TODAY: self.tr("Nothing due today."),
            FollowUpScope.THIS_WEEK: self.tr("Nothing due this week."),
            FollowUpScope.OPEN: self.tr("No open follow-ups."),
        }.get(FollowUpScope(self._scope), self.tr("Nothing here yet."))

    # -- selection --------------------------------------------------------------------------

    def selected_rows(self) -> list[FollowUpRow]:
        return self.table.selected_rows()

    def selected_ids(self) -> list[int]:
        return [record.id for record in self.selected_rows()]

    def current_id(self) -> int | None:
        return self.table.current_id()

    def select_ids(self, ids: list[int]) -> None:
        self.table.reselect(ids, ids[0] if ids else None)

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
        self.detail_label.show_row(self.table.current_row())

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
        record = self.table.current_row()
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
