"""The main window: a thin shell of menus, navigation, pages and a status bar."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from smallbiz_crm import APP_NAME, __version__
from smallbiz_crm.ui.errors import show_error
from smallbiz_crm.ui.file_actions import FileActions
from smallbiz_crm.ui.pages.placeholder import PlaceholderPage
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.text import count_text

if TYPE_CHECKING:
    from smallbiz_crm.paths import AppPaths
    from smallbiz_crm.services.registry import Services
    from smallbiz_crm.ui.pages.customers import CustomersPage
    from smallbiz_crm.ui.pages.welcome import WelcomePage
    from smallbiz_crm.ui.widgets.profile import ProfilePanel

PAGE_TODAY, PAGE_CUSTOMERS, PAGE_FOLLOW_UPS, PAGE_GESTURES, PAGE_FEEDBACK, PAGE_INSIGHTS = (
    range(6))


class MainWindow(QMainWindow, FileActions):
    """Built in two steps so the window is on screen at once: the frame and navigation first
    (nothing here imports the database layer), then `attach(services)` adds the pages."""

    # Asks the app to open another database file in a new window (the sample data).
    open_database_requested = Signal(object)
    # The open file was replaced (a restore): the app opens it afresh, with this message.
    reopen_requested = Signal(object, str)
    attached = Signal()

    def __init__(self, paths: AppPaths, settings: QSettings, sample_db: Path | None = None,
                 services: Services | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app_paths = paths
        self.log_file = paths.log_file
        self.settings = settings
        self.sample_db = sample_db
        self._services: Services | None = None
        self.tasks = TaskRunner(self)
        self.undo_stack = QUndoStack(self)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.resize(QSize(1280, 800))

        self.navigation = QListWidget(objectName="navigation")
        self.navigation.setMaximumWidth(220)
        self.navigation.setSpacing(2)
        self.pages = QStackedWidget(objectName="pages")
        self.titles = (self.tr("Today"), self.tr("Customers"), self.tr("Follow-ups"),
                       self.tr("Gestures"), self.tr("Feedback"), self.tr("Insights"))
        for title in self.titles:
            QListWidgetItem(title, self.navigation)
        self.pages.addWidget(PlaceholderPage(self.tr("Opening your data…"), ""))
        self.navigation.setEnabled(False)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        self.main_splitter.addWidget(self.navigation)
        self.main_splitter.addWidget(self.pages)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setChildrenCollapsible(False)
        self.main_splitter.setSizes([170, 1110])
        self.setCentralWidget(self.main_splitter)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = self.settings.value("window/splitter")
        if splitter is not None:
            self.main_splitter.restoreState(splitter)
        if services is not None:
            self.attach(services)

    def attach(self, services: Services) -> None:
        """Fill the window from an open database: pages, menus, the first list."""
        from smallbiz_crm.ui.pages.customers import CustomersPage
        from smallbiz_crm.ui.pages.welcome import WelcomePage
        from smallbiz_crm.ui.widgets.profile import ProfilePanel

        self._services = services
        self.setWindowTitle(self._title())
        self.customers_page: CustomersPage = CustomersPage(services, self.tasks)
        self.profile: ProfilePanel = ProfilePanel(services)
        self.customers_page.splitter.addWidget(self.profile)
        self.customers_page.splitter.setStretchFactor(0, 3)
        self.customers_page.splitter.setStretchFactor(1, 2)
        self.welcome: WelcomePage = WelcomePage()
        self.customers_stack = QStackedWidget(objectName="customersStack")
        self.customers_stack.addWidget(self.welcome)
        self.customers_stack.addWidget(self.customers_page)

        loading = self.pages.widget(0)
        if loading is not None:
            self.pages.removeWidget(loading)
            loading.deleteLater()
        from smallbiz_crm.ui.pages.feedback import FeedbackPage
        from smallbiz_crm.ui.pages.follow_ups import FollowUpsPage
        from smallbiz_crm.ui.pages.gestures import GesturesPage
        from smallbiz_crm.ui.pages.insights import InsightsPage
        from smallbiz_crm.ui.pages.today import TodayPage

        self.today_page = TodayPage(services, self.tasks)
        self.today_page.log_file = self.log_file
        # File → Print follow-up checklist (Ctrl+P) does the same window-wide.
        self.today_page.print_shortcut.setEnabled(False)
        self.today_page.open_follow_ups.connect(self.show_follow_ups)
        self.follow_ups_page = FollowUpsPage(services, self.tasks)
        self.feedback_page = FeedbackPage(services, self.tasks)
        self.gestures_page = GesturesPage(services, self.tasks)
        self.insights_page = InsightsPage(services, self.tasks)
        built: dict[int, QWidget] = {PAGE_TODAY: self.today_page,
                                     PAGE_CUSTOMERS: self.customers_stack,
                                     PAGE_FOLLOW_UPS: self.follow_ups_page,
                                     PAGE_GESTURES: self.gestures_page,
                                     PAGE_FEEDBACK: self.feedback_page,
                                     PAGE_INSIGHTS: self.insights_page}
        for index in range(len(self.titles)):
            self.pages.addWidget(built[index])
        for page in built.values():
            if hasattr(page, "open_customer"):
                page.open_customer.connect(self.open_customer)
            if hasattr(page, "data_changed"):
                page.data_changed.connect(self._on_page_data_changed)
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.navigation.setEnabled(True)

        self._build_menus()
        self.customers_page.list_reloaded.connect(self._on_list_reloaded)
        self.customers_page.current_customer_changed.connect(self._on_current_customer)
        self.profile.edit_requested.connect(self.edit_customer)
        self.profile.log_requested.connect(self.log_interaction)
        self.profile.open_customer.connect(self.open_customer)
        self.welcome.add_customer.connect(self.new_customer)
        self.welcome.import_contacts.connect(self.import_contacts)
        self.welcome.explore_sample.connect(self.explore_sample_data)
        # Today first: what is due. An empty database starts on the welcome view instead.
        self.navigation.setCurrentRow(
            PAGE_TODAY if services.customers.any_exist() else PAGE_CUSTOMERS)
        # The first page may already be current (no change signal), so load it here, then
        # load each page as it is shown.
        self._on_page_shown(self.pages.currentIndex())
        self.pages.currentChanged.connect(self._on_page_shown)
        self.customers_page.restore_state(self.settings)
        self._update_welcome()
        self.customers_page.reload()
        self.attached.emit()

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("The window has no database attached yet.")
        return self._services

    # -- shell ------------------------------------------------------------------------------

    def _title(self) -> str:
        from smallbiz_crm.services.settings import SAMPLE_DATA

        name = self.services.db.path.name
        if self.services.settings.get(SAMPLE_DATA):
            return self.tr("{0} — sample data ({1})").format(APP_NAME, name)
        return f"{APP_NAME} — {name}"

    def _action(self, menu: QMenu, text: str, slot: Callable[[], object],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self._action(file_menu, self.tr("&New customer…"), self.new_customer,
                     QKeySequence.StandardKey.New, "newCustomerAction")
        self._action(file_menu, self.tr("&Import contacts…"), self.import_contacts,
                     name="importAction")
        self._action(file_menu, self.tr("&Undo last import…"), self.undo_last_import,
                     name="undoImportAction")
        export_menu = file_menu.addMenu(self.tr("&Export"))
        self._action(export_menu, self.tr("Customers as a &spreadsheet (CSV)…"),
                     partial(self.export_data, "csv"), name="exportCsvAction")
        self._action(export_menu, self.tr("Customers as &contacts (vCard)…"),
                     partial(self.export_data, "vcard"), name="exportVcardAction")
        self._action(export_menu, self.tr("&Follow-ups and deadlines to a calendar (.ics)…"),
                     self.export_calendar, name="exportIcsAction")
        self._action(export_menu, self.tr("&Everything (JSON)…"),
                     partial(self.export_data, "json"), name="exportJsonAction")
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Print follow-up checklist…"), self.print_checklist,
                     QKeySequence.StandardKey.Print, "printChecklistAction")
        self._action(file_menu, self.tr("Enter checklist &results…"),
                     self.enter_checklist_results, name="checklistResultsAction")
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Back up now"), self.back_up_now,
                     name="backUpNowAction")
        self._action(file_menu, self.tr("Res&tore a backup…"), self.restore_backup,
                     name="restoreBackupAction")
        file_menu.addSeparator()
        self._action(file_menu, self.tr("Open &sample data"), self.explore_sample_data,
                     name="sampleDataAction")
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu(self.tr("&Edit"))
        undo = self.undo_stack.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.setObjectName("undoAction")
        redo = self.undo_stack.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addActions([undo, redo])
        edit_menu.addSeparator()
        self._action(edit_menu, self.tr("&Find customer"), self.focus_search,
                     QKeySequence.StandardKey.Find, "findAction")
        edit_menu.addSeparator()
        self._action(edit_menu, self.tr("&Personas…"), self.manage_personas)
        self._action(edit_menu, self.tr("&Tags…"), self.manage_tags)
        self._action(edit_menu, self.tr("Journey &stages…"), self.manage_stages)
        self._action(edit_menu, self.tr("&Cadences…"), self.cadences)
        self._action(edit_menu, self.tr("P&roducts…"), self.products)
        self._action(edit_menu, self.tr("Business &calendar…"), self.calendar_settings,
                     name="calendarAction")

        view_menu = bar.addMenu(self.tr("&View"))
        for row in range(self.navigation.count()):
            self._action(view_menu, self.navigation.item(row).text(),
                         partial(self.navigation.setCurrentRow, row), f"Ctrl+{row + 1}")
        view_menu.addSeparator()
        self._action(view_menu, self.tr("&Refresh"), self.refresh, QKeySequence.StandardKey.Refresh)

        customer_menu = bar.addMenu(self.tr("&Customer"))
        self._action(customer_menu, self.tr("&Edit…"), lambda: self.edit_customer(None),
                     "Ctrl+E", "editCustomerAction")
        self._action(customer_menu, self.tr("&Log interaction…"),
                     lambda: self.log_interaction(None), "Ctrl+L", "logInteractionAction")
        self._action(customer_menu, self.tr("Log a con&cern…"), self.log_concern,
                     name="logConcernAction")
        self._action(customer_menu, self.tr("Log a &gesture…"), self.log_gesture,
                     name="logGestureAction")
        self._action(customer_menu, self.tr("Add &feedback…"), self.add_feedback,
                     name="addFeedbackAction")
        self._action(customer_menu, self.tr("New f&ollow-up…"), self.new_follow_up,
                     name="newFollowUpAction")
        self._action(customer_menu, self.tr("&Print relationship summary…"), self.print_summary,
                     "Ctrl+Shift+P", "printSummaryAction")
        customer_menu.addSeparator()
        self.stage_menu = customer_menu.addMenu(self.tr("&Move to stage"))
        self.stage_menu.aboutToShow.connect(self._fill_stage_menu)
        self._action(customer_menu, self.tr("Add &tag…"), self.add_tag_to_selected)
        self._action(customer_menu, self.tr("&Remove tag…"), self.remove_tag_from_selected)
        customer_menu.addSeparator()
        self._action(customer_menu, self.tr("&Archive"), self.archive_selected,
                     QKeySequence.StandardKey.Delete, "archiveAction")
        self._action(customer_menu, self.tr("Re&store from archive"), self.restore_selected,
                     name="restoreAction")
        self._action(customer_menu, self.tr("&Delete permanently…"), self.delete_selected,
                     "Shift+Del", "deleteAction")
        customer_menu.addSeparator()
        self._action(customer_menu, self.tr("Find &duplicates…"), self.find_duplicates,
                     name="duplicatesAction")
        customer_menu.addSeparator()
        self._action(customer_menu, self.tr("E&xport their data…"), self.export_their_data,
                     name="exportTheirDataAction")
        self._action(customer_menu, self.tr("Erase at their re&quest…"), self.erase_customer,
                     name="eraseAction")

        help_menu = bar.addMenu(self.tr("&Help"))
        self._action(help_menu, self.tr("&About {0}").format(APP_NAME), self.show_about)

    def focus_search(self) -> None:
        self.navigation.setCurrentRow(PAGE_CUSTOMERS)
        self.customers_stack.setCurrentWidget(self.customers_page)
        self.customers_page.search.setFocus()
        self.customers_page.search.selectAll()

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About {0}").format(APP_NAME), self.tr(
            "<h3>{0} {1}</h3><p>Customers, follow-ups and trust-building gestures for a "
            "small shop.</p><p>Your data stays on this computer, in<br><code>{2}</code></p>"
            "<p>Log file: <code>{3}</code></p>").format(
                APP_NAME, __version__, str(self.services.db.path), str(self.log_file)))

    def refresh(self) -> None:
        self.customers_page.refresh_filters()
        self._update_welcome()
        self.customers_page.reload()

    def _on_page_shown(self, index: int) -> None:
        if index != PAGE_CUSTOMERS:
            self.statusBar().clearMessage()  # "290 customers shown" is about the list only
        page = self.pages.widget(index)
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()

    def _on_page_data_changed(self) -> None:
        """Another page wrote something: the list and the profile may show it."""
        self.customers_page.model.refresh_rows()
        self.profile.show_customer(self.customers_page.current_customer_id())

    def _on_list_reloaded(self, count: int) -> None:
        self.statusBar().showMessage(count_text(count) + self.tr(" shown"))

    def _on_current_customer(self, customer_id: int | None) -> None:
        self.profile.show_customer(customer_id)

    def _update_welcome(self) -> None:
        empty = not self.services.customers.any_exist()
        self.customers_stack.setCurrentWidget(self.welcome if empty else self.customers_page)

    def _selected_ids(self) -> list[int]:
        return self.customers_page.selected_customer_ids()

    def _current_id(self, customer_id: int | None) -> int | None:
        return customer_id if customer_id is not None else (
            self.customers_page.current_customer_id())

    def _after_change(self, select_id: int | None = None) -> None:
        """Bring the list, filters and profile in step with the database after a change."""
        self._update_welcome()
        self.customers_page.refresh_filters()
        self.customers_page.reload_now(select_id)
        self.profile.show_customer(self.customers_page.current_customer_id())

    def _guard(self, work: Callable[[], object]) -> None:
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - explained in a dialog, the app goes on
            show_error(self, exc, self.log_file)

    # -- customers --------------------------------------------------------------------------

    def new_customer(self) -> None:
        from smallbiz_crm.ui.dialogs.customer_dialog import CustomerDialog

        dialog = CustomerDialog(self.services, None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved_customer is not None:
            self._show_customer_in_list(dialog.saved_customer.id)

    def _show_customer_in_list(self, customer_id: int) -> None:
        self.navigation.setCurrentRow(PAGE_CUSTOMERS)
        page = self.customers_page
        if page.search.text():
            page.search.blockSignals(True)
            page.search.clear()
            page.search.blockSignals(False)
        self._after_change(customer_id)

    def open_customer(self, customer_id: int) -> None:
        self._show_customer_in_list(customer_id)

    def edit_customer(self, customer_id: int | None) -> None:
        from smallbiz_crm.ui.dialogs.customer_dialog import CustomerDialog

        target = self._current_id(customer_id)
        if target is None:
            return
        dialog = CustomerDialog(self.services, target, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._after_change(target)

    def log_interaction(self, customer_id: int | None) -> None:
        from smallbiz_crm.ui.dialogs.interaction_dialog import InteractionDialog

        target = self._current_id(customer_id)
        if target is None:
            return
        dialog = InteractionDialog(self.services, target, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            logged = dialog.logged
            self._after_change(target)
            if logged is not None and logged.stage_change is not None:
                self.statusBar().showMessage(self.tr("Moved to {0}").format(
                    logged.stage_change.to_stage_name), 5000)

    def _fill_stage_menu(self) -> None:
        self.stage_menu.clear()
        for stage in self.services.journey.stages(with_counts=False):
            action = self.stage_menu.addAction(stage.name)
            action.triggered.connect(lambda _c=False, sid=stage.id: self.move_selected(sid))

    def move_selected(self, stage_id: int) -> None:
        ids = self._selected_ids()
        if ids:
            self._guard(lambda: self.services.customers.move_to_stage(ids, stage_id))
            self._after_change()

    def add_tag_to_selected(self, tag_name: str | None = None) -> None:
        ids = self._selected_ids()
        if not ids:
            return
        if tag_name is None:
            names = [t.name for t in self.services.tags.all(with_counts=False)]
            tag_name, ok = QInputDialog.getItem(
                self, self.tr("Add tag"), self.tr("Tag for {0}:").format(count_text(len(ids))),
                names, 0, True)
            if not ok:
                return
        name = tag_name
        self._guard(lambda: self.services.customers.add_tag(ids, name))
        self._after_change()

    def remove_tag_from_selected(self, tag_id: int | None = None) -> None:
        ids = self._selected_ids()
        if not ids:
            return
        if tag_id is None:
            tags = self.services.tags.all(with_counts=False)
            if not tags:
                return
            name, ok = QInputDialog.getItem(
                self, self.tr("Remove tag"), self.tr("Tag to remove from {0}:").format(
                    count_text(len(ids))), [t.name for t in tags], 0, False)
            if not ok:
                return
            tag_id = next(t.id for t in tags if t.name == name)
        chosen = tag_id
        self._guard(lambda: self.services.customers.remove_tag(ids, chosen))
        self._after_change()

    def archive_selected(self, confirm: bool = True) -> None:
        ids = self._selected_ids()
        if not ids or self.customers_page.archived_filter.isChecked():
            return
        if confirm and QMessageBox.question(
                self, self.tr("Archive"),
                self.tr("Archive {0}? They are hidden from lists and reminders; everything "
                        "about them is kept, and Edit → Undo brings them back.").format(
                    self._who(ids))) != QMessageBox.StandardButton.Yes:
            return
        from smallbiz_crm.ui.undo import ArchiveCommand

        self.undo_stack.push(ArchiveCommand(
            self.services, ids, True, self._after_change,
            self.tr("Archive {0}").format(self._who(ids))))

    def restore_selected(self) -> None:
        ids = self._selected_ids()
        if ids and self.customers_page.archived_filter.isChecked():
            from smallbiz_crm.ui.undo import ArchiveCommand

            self.undo_stack.push(ArchiveCommand(
                self.services, ids, False, self._after_change,
                self.tr("Restore {0}").format(self._who(ids))))

    def delete_selected(self, confirm: bool = True) -> None:
        ids = self._selected_ids()
        if not ids:
            return
        if confirm and QMessageBox.warning(
                self, self.tr("Delete permanently"),
                self.tr("Delete {0} and everything recorded about them (interactions, "
                        "gestures, follow-ups, concerns, feedback)? Edit → Undo can bring "
                        "them back until you close the window.").format(self._who(ids)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel) != QMessageBox.StandardButton.Yes:
            return
        from smallbiz_crm.ui.undo import DeleteCommand

        self.undo_stack.push(DeleteCommand(self.services, ids, self._after_change,
                                           self.tr("Delete {0}").format(self._who(ids))))

    def _who(self, ids: list[int]) -> str:
        if len(ids) == 1:
            record = self.customers_page.model.row_record(
                self.customers_page.model.row_of(ids[0]))
            if record is not None and record.name:
                return record.name
        return count_text(len(ids))

    def show_follow_ups(self, scope: str) -> None:
        self.navigation.setCurrentRow(PAGE_FOLLOW_UPS)
        self.follow_ups_page.set_scope(scope)

    def _customer_dialog(self, make: Callable[[int], QDialog]) -> None:
        """Open a dialog about the current customer; refresh everything if it saved."""
        target = self._current_id(None)
        if target is None:
            return
        dialog = make(target)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._after_change(target)
        dialog.deleteLater()

    def log_concern(self) -> None:
        from smallbiz_crm.ui.dialogs.concern_dialog import ConcernDialog

        self._customer_dialog(lambda cid: ConcernDialog(self.services, cid, self))

    def log_gesture(self) -> None:
        from smallbiz_crm.ui.dialogs.gesture_dialog import GestureDialog

        ids = self._selected_ids()
        if ids:
            dialog = GestureDialog(self.services, ids, self)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self._after_change()
            dialog.deleteLater()

    def add_feedback(self) -> None:
        from smallbiz_crm.ui.dialogs.feedback_dialog import FeedbackDialog

        self._customer_dialog(lambda cid: FeedbackDialog(self.services, cid, self))

    def new_follow_up(self) -> None:
        from smallbiz_crm.ui.dialogs.follow_up_dialog import FollowUpDialog

        self._customer_dialog(lambda cid: FollowUpDialog(self.services, cid, parent=self))

    def print_summary(self) -> None:
        from smallbiz_crm.ui.dialogs.pdf_preview import preview_summary

        target = self._current_id(None)
        if target is not None:
            preview_summary(self, self.services, self.tasks, target, self.log_file)

    def export_their_data(self) -> None:
        from smallbiz_crm.ui.dialogs.erase_dialog import export_their_data

        target = self._current_id(None)
        if target is not None:
            export_their_data(self, self.services, target)

    def erase_customer(self) -> None:
        from smallbiz_crm.ui.dialogs.erase_dialog import EraseDialog

        target = self._current_id(None)
        if target is None:
            return
        dialog = EraseDialog(self.services, target, self, runner=self.tasks)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.undo_stack.clear()  # undo commands may hold the erased rows
            self._after_change()
        dialog.deleteLater()

    # -- management dialogs -----------------------------------------------------------------

    def _run_dialog(self, dialog: QDialog) -> None:
        dialog.exec()
        self._after_change()

    def manage_personas(self) -> None:
        from smallbiz_crm.ui.dialogs.personas_dialog import PersonasDialog

        self._run_dialog(PersonasDialog(self.services, self))

    def manage_tags(self) -> None:
        from smallbiz_crm.ui.dialogs.tags_dialog import TagsDialog

        self._run_dialog(TagsDialog(self.services, self))

    def manage_stages(self) -> None:
        from smallbiz_crm.ui.dialogs.stages_dialog import StagesDialog

        self._run_dialog(StagesDialog(self.services, self))

    def find_duplicates(self) -> None:
        from smallbiz_crm.ui.dialogs.duplicates_dialog import DuplicatesDialog

        dialog = DuplicatesDialog(self.services, self, runner=self.tasks)
        merged: list[int] = []
        dialog.merged.connect(merged.append)
        dialog.exec()
        self._after_change(merged[-1] if merged else None)

    # -- import and sample data -------------------------------------------------------------

    def import_contacts(self, path: Path | None = None) -> None:
        from smallbiz_crm.ui.dialogs.import_wizard import ImportWizard

        old = getattr(self, "_import_wizard", None)
        if old is not None and not old.is_busy():
            old.deleteLater()
        # Not deleted on close: a cancelled import still reports back to the wizard.
        self._import_wizard = wizard = ImportWizard(self.services, self.tasks, self, path)
        wizard.data_changed.connect(lambda: self._after_change())
        wizard.open()

    def undo_last_import(self) -> None:
        from smallbiz_crm.ui.dialogs.import_wizard import undo_last_import

        undo_last_import(self, self.services, self.tasks, after=lambda: self._after_change())

    def explore_sample_data(self) -> None:
        if self.sample_db is None:
            return
        self.open_database_requested.emit(self.sample_db)

    # -- remembered layout ------------------------------------------------------------------

    def close_database(self) -> None:
        """Let go of the file: background work finished, undo history dropped, WAL folded."""
        self.tasks.wait_all()
        self.undo_stack.clear()
        if self._services is not None:
            self.customers_page.save_state(self.settings)
            self._services.close()
            self._services = None

    def database_replaced(self, db_path: Path, message: str) -> None:
        self.reopen_requested.emit(db_path, message)
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.main_splitter.saveState())
        self.close_database()
        self.settings.sync()
        super().closeEvent(event)
