"""The main window: a thin shell of menus, navigation, pages and a status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from smallbiz_crm import APP_NAME, __version__
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.pages.coming import ComingPage
from smallbiz_crm.ui.pages.customers import CustomersPage
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.ui.text import count_text


class MainWindow(QMainWindow):
    def __init__(self, services: Services, log_file: Path, settings: QSettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.log_file = log_file
        self.settings = settings
        self.tasks = TaskRunner(self)
        self.setObjectName("mainWindow")
        self.setWindowTitle(self._title())
        self.resize(QSize(1200, 760))

        self.navigation = QListWidget(objectName="navigation")
        self.navigation.setMaximumWidth(220)
        self.navigation.setSpacing(2)
        self.pages = QStackedWidget(objectName="pages")
        self.customers_page = CustomersPage(services, self.tasks)
        self._add_page(self.tr("Customers"), self.customers_page)
        for title, text in (
            (self.tr("Today"), self.tr("What is overdue, due today and waiting for an answer "
                                       "will be shown here.")),
            (self.tr("Follow-ups"), self.tr("Follow-up reminders will be listed here.")),
            (self.tr("Gestures"), self.tr("The ledger of trust-building gestures will be "
                                          "shown here.")),
            (self.tr("Feedback"), self.tr("Product feedback and its status will be shown "
                                          "here.")),
            (self.tr("Insights"), self.tr("Charts of the shop's numbers will be shown here.")),
        ):
            self._add_page(title, ComingPage(title, text))
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)

        splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([170, 1030])
        self.setCentralWidget(splitter)
        self._build_menus()
        self.customers_page.list_reloaded.connect(self._show_count)
        self.navigation.setCurrentRow(0)
        self._restore_state()
        self.customers_page.reload()

    def _title(self) -> str:
        return f"{APP_NAME} — {self.services.db.path.name}"

    def _add_page(self, title: str, page: QWidget) -> None:
        self.pages.addWidget(page)
        QListWidgetItem(title, self.navigation)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        find_action = QAction(self.tr("&Find customer"), self)
        find_action.setShortcut(QKeySequence.StandardKey.Find)
        find_action.triggered.connect(self.focus_search)
        edit_menu.addAction(find_action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About {0}").format(APP_NAME), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def focus_search(self) -> None:
        self.navigation.setCurrentRow(0)
        self.customers_page.search.setFocus()
        self.customers_page.search.selectAll()

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About {0}").format(APP_NAME), self.tr(
            "<h3>{0} {1}</h3><p>Customers, follow-ups and trust-building gestures for a "
            "small shop.</p><p>Your data stays on this computer, in<br><code>{2}</code></p>"
            "<p>Log file: <code>{3}</code></p>").format(
                APP_NAME, __version__, str(self.services.db.path), str(self.log_file)))

    def _show_count(self, count: int) -> None:
        self.statusBar().showMessage(count_text(count) + self.tr(" shown"))

    # -- remembered layout ------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.customers_page.restore_state(self.settings)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.customers_page.save_state(self.settings)
        self.settings.sync()
        self.tasks.wait_all()
        self.services.close()
        super().closeEvent(event)
