"""The main window: a thin shell of menus, navigation, pages and a status bar."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from smallbiz_crm import APP_NAME, __version__
from smallbiz_crm.domain.records.changes import Changes
from smallbiz_crm.ui.changes import ChangeChannel, refresh_when
from smallbiz_crm.ui.menus import build_menus
from smallbiz_crm.ui.pages.areas import (
    PAGE_AREAS,
    PAGE_CUSTOMERS,
    PAGE_FEEDBACK,
    PAGE_FOLLOW_UPS,
    PAGE_GESTURES,
    PAGE_INSIGHTS,
    PAGE_TODAY,
    PAGE_WRITES,
)
from smallbiz_crm.ui.pages.placeholder import PlaceholderPage
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.text import count_text
from smallbiz_crm.ui.widgets.qt_helpers import fit_to_screen

if TYPE_CHECKING:
    from smallbiz_crm.assembly import Shop
    from smallbiz_crm.paths import AppPaths
    from smallbiz_crm.services.registry import Services

class MainWindow(QMainWindow):
    """Built in two steps: the frame at once (no database layer yet), then attach(shop)."""

    # Asks the app to open another database file in a new window (the sample data).
    open_database_requested = Signal(object)
    # The open file was replaced (a restore): the app opens it afresh, with this message.
    reopen_requested = Signal(object, str)
    attached = Signal()

    def __init__(self, paths: AppPaths, settings: QSettings, sample_db: Path | None = None,
                 shop: Shop | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app_paths = paths
        self.log_file = paths.log_file
        self.settings = settings
        self.sample_db = sample_db
        self.shop: Shop | None = None
        self.tasks = TaskRunner(self)
        self.undo_stack = QUndoStack(self)
        self.channel = ChangeChannel(self)
        self.duties: QObject | None = None  # the start-up duties, set by the app
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        fit_to_screen(self, 1280, 800)

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
        if shop is not None:
            self.attach(shop)

    def attach(self, shop: Shop) -> None:
        """Fill the window from an open shop: pages, their actions, menus, the first page."""
        from smallbiz_crm.ui.context import WindowContext
        from smallbiz_crm.ui.file_actions import FileActions
        from smallbiz_crm.ui.operations import Operations
        from smallbiz_crm.ui.pages.customer_actions import CustomerActions
        from smallbiz_crm.ui.pages.customer_workspace import CustomersWorkspace
        from smallbiz_crm.ui.pages.feedback import FeedbackPage
        from smallbiz_crm.ui.pages.follow_ups import FollowUpsPage
        from smallbiz_crm.ui.pages.gestures import GesturesPage
        from smallbiz_crm.ui.pages.insights import InsightsPage
        from smallbiz_crm.ui.pages.today import TodayPage
        from smallbiz_crm.ui.shop_actions import ShopActions

        self.shop = shop
        services = shop.services
        self.setWindowTitle(self._title())
        # A read-only file or a full disk; a data folder that is synced or on a network share.
        for name, notice in (("readOnlyNotice", services.db.read_only_notice),
                             ("locationNotice", shop.location_notice)):
            if notice is not None:
                self.statusBar().addPermanentWidget(QLabel(notice, objectName=name))
        self.ops = Operations(self.channel, self.tasks, self, self.log_file)
        ctx = WindowContext(self, shop, self.tasks, self.channel, self.ops, self.undo_stack,
                            self.log_file)
        self.customers = CustomersWorkspace(services, self.tasks, self.channel)
        # The workspace's parts, named for the shell's own use and for tests.
        self.customers_stack = self.customers
        self.customers_page, self.profile = self.customers.page, self.customers.profile
        self.welcome = self.customers.welcome
        self.customer_actions = CustomerActions(ctx, self.customers)
        self.file_actions = FileActions(ctx, self.customer_actions)
        self.shop_actions = ShopActions(ctx)
        self.today_page = TodayPage(services, self.tasks)
        self.today_page.log_file = self.log_file
        # File → Print follow-up checklist (Ctrl+P) does the same window-wide.
        self.today_page.print_shortcut.setEnabled(False)
        self.today_page.open_follow_ups.connect(self.show_follow_ups)
        self.follow_ups_page = FollowUpsPage(services, self.tasks)
        self.feedback_page = FeedbackPage(services, self.tasks)
        self.gestures_page = GesturesPage(services, self.tasks)
        self.insights_page = InsightsPage(services, self.tasks)
        built: dict[int, Any] = {  # pages differ; each has refresh() and its signals
            PAGE_TODAY: self.today_page, PAGE_CUSTOMERS: self.customers,
            PAGE_FOLLOW_UPS: self.follow_ups_page, PAGE_GESTURES: self.gestures_page,
            PAGE_FEEDBACK: self.feedback_page, PAGE_INSIGHTS: self.insights_page}
        loading = self.pages.widget(0)
        if loading is not None:
            self.pages.removeWidget(loading)
            loading.deleteLater()
        for index, page in built.items():
            self.pages.addWidget(page)
            if hasattr(page, "open_customer"):
                page.open_customer.connect(self.customer_actions.open_customer)
            if index in PAGE_WRITES:
                page.data_changed.connect(partial(self.channel.publish, PAGE_WRITES[index]))
            if index in PAGE_AREAS:
                refresh_when(self.channel, page, PAGE_AREAS[index], page.refresh)
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.navigation.setEnabled(True)

        build_menus(self)
        self.customer_actions.show_page.connect(
            lambda: self.navigation.setCurrentRow(PAGE_CUSTOMERS))
        self.file_actions.database_replaced.connect(self.database_replaced)
        self.file_actions.sample_requested.connect(self.explore_sample_data)
        self.customers_page.list_reloaded.connect(self._on_list_reloaded)
        self.profile.edit_requested.connect(self.customer_actions.edit_customer)
        self.profile.log_requested.connect(self.customer_actions.log_interaction)
        self.profile.open_customer.connect(self.customer_actions.open_customer)
        self.welcome.add_customer.connect(self.customer_actions.new_customer)
        self.welcome.import_contacts.connect(self.file_actions.import_contacts)
        self.welcome.explore_sample.connect(self.explore_sample_data)
        # Today first: what is due. An empty database starts on the welcome view instead.
        self.navigation.setCurrentRow(
            PAGE_TODAY if services.customers.any_exist() else PAGE_CUSTOMERS)
        # The first page may already be current (no change signal), so load it here, then
        # load each page as it is shown.
        self._on_page_shown(self.pages.currentIndex())
        self.pages.currentChanged.connect(self._on_page_shown)
        self.customers_page.restore_state(self.settings)
        self.customers.update_welcome()
        self.customers_page.reload()
        self.attached.emit()

    @property
    def services(self) -> Services:
        if self.shop is None:
            raise RuntimeError("The window has no database attached yet.")
        return self.shop.services

    def _title(self) -> str:
        from smallbiz_crm.domain.settings import SAMPLE_DATA

        name = Path(self.services.location).name
        if self.services.settings.get(SAMPLE_DATA):
            return self.tr("{0} — sample data ({1})").format(APP_NAME, name)
        return f"{APP_NAME} — {name}"

    def focus_search(self) -> None:
        self.navigation.setCurrentRow(PAGE_CUSTOMERS)
        self.customers.setCurrentWidget(self.customers_page)
        self.customers_page.search.setFocus()
        self.customers_page.search.selectAll()

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About {0}").format(APP_NAME), self.tr(
            "<h3>{0} {1}</h3><p>Customers, follow-ups and trust-building gestures for a "
            "small shop.</p><p>Your data stays on this computer, in<br><code>{2}</code></p>"
            "<p>Log file: <code>{3}</code></p>").format(
                APP_NAME, __version__, self.services.location, str(self.log_file)))

    def refresh(self) -> None:
        """View → Refresh (F5): everything read again, as if every area had changed."""
        self.channel.publish(Changes.everything())

    def _on_page_shown(self, index: int) -> None:
        if index != PAGE_CUSTOMERS:
            self.statusBar().clearMessage()  # "290 customers shown" is about the list only
        if index != PAGE_CUSTOMERS:  # the workspace refreshes itself from the change channel
            self.pages.widget(index).refresh()  # type: ignore[union-attr]

    def _on_list_reloaded(self, count: int) -> None:
        self.statusBar().showMessage(count_text(count) + self.tr(" shown"))

    def show_follow_ups(self, scope: str) -> None:
        self.navigation.setCurrentRow(PAGE_FOLLOW_UPS)
        self.follow_ups_page.set_scope(scope)

    def explore_sample_data(self) -> None:
        if self.sample_db is not None:
            self.open_database_requested.emit(self.sample_db)

    def close_database(self) -> None:
        """Let go of the file: background work finished, undo history dropped, WAL folded."""
        self.tasks.wait_all()
        self.undo_stack.clear()
        if self.shop is not None:
            self.customers_page.save_state(self.settings)
            self.shop.close()
            self.shop = None

    def database_replaced(self, db_path: Path, message: str) -> None:
        self.reopen_requested.emit(db_path, message)
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.main_splitter.saveState())
        self.close_database()
        self.settings.sync()
        Path(self.settings.fileName()).chmod(0o600)  # the layout too is for the owner only
        super().closeEvent(event)
