"""Starting the window: the QApplication, the main window over the assembled shop, its
start-up duties (check, daily backup), the due-date notifier and the task runner."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from smallbiz_crm import APP_NAME, __version__
from smallbiz_crm.paths import AppPaths, resolve

if TYPE_CHECKING:
    from smallbiz_crm.assembly import Shop
    from smallbiz_crm.computer_settings import ComputerSettings
    from smallbiz_crm.services.startup_check import StartupCheck
    from smallbiz_crm.ui.main_window import MainWindow

SAMPLE_CUSTOMERS = 300
# Windows opened during this run (the sample-data window), kept alive while shown.
_open_windows: list[MainWindow] = []


def window_settings(paths: AppPaths) -> QSettings:
    """Window layout kept beside the data (an ini file), so tests and --data-dir stay apart."""
    return QSettings(str(paths.data_dir / "window.ini"), QSettings.Format.IniFormat)


def build_main_window(db_path: Path, paths: AppPaths | None = None) -> MainWindow:
    """Open (creating or upgrading) the database and build the main window for it, without
    start-up duties (a sample window, a reopened one, tests that build windows directly).

    A QApplication must already exist. Store errors (not a database, too new) propagate.
    """
    from smallbiz_crm.assembly import open_shop
    from smallbiz_crm.logs import setup_logging
    from smallbiz_crm.ui.collector import collect_on_main_thread
    from smallbiz_crm.ui.main_window import MainWindow

    app = QApplication.instance()
    assert app is not None, "a QApplication must exist"
    collect_on_main_thread(app)
    paths = replace(paths, db_file=Path(db_path)) if paths else resolve(db=db_path)
    paths.ensure_dirs()
    setup_logging(paths.log_file)
    window = MainWindow(paths, window_settings(paths), _sample_for(paths.db_file, paths),
                        open_shop(paths, what="window"))
    connect_window(window, paths)
    return window


def connect_window(window: MainWindow, paths: AppPaths) -> None:
    """What a window asks of the app: another database in a new window, or a fresh start."""
    window.open_database_requested.connect(
        lambda path: open_sample_window(window, Path(path), paths))
    window.reopen_requested.connect(
        lambda path, message: reopen_window(window, Path(path), paths, message))


def reopen_window(old: MainWindow, db_path: Path, paths: AppPaths, message: str) -> None:
    """After a restore: the same file, opened afresh, in a window where the old one was."""
    from smallbiz_crm.ui.errors import show_error

    try:
        window = build_main_window(db_path, paths)
    except Exception as exc:  # noqa: BLE001 - explained; the owner can start the app again
        show_error(None, exc, paths.log_file)
        return
    window.setGeometry(old.geometry())
    if window.shop is not None:
        watch_store(window, window.shop, paths)
    _open_windows.append(window)
    window.show()
    watch_due_dates(window)
    start_duties(window, paths)
    if window.shop is not None:
        answer_requests(window, window.shop)
    window.statusBar().showMessage(message, 30_000)


def _sample_for(db_path: Path, paths: AppPaths) -> Path | None:
    """The sample database a window may open; none from the sample window itself."""
    return None if Path(db_path) == paths.sample_db_file else paths.sample_db_file


def open_sample_window(origin: MainWindow, sample_db: Path, paths: AppPaths) -> None:
    """Show the sample database in its own window, filling it first if it is new."""

    def show(_result: Any = None) -> None:
        window = build_main_window(sample_db, paths)
        _open_windows.append(window)
        window.destroyed.connect(lambda: _open_windows.remove(window)
                                 if window in _open_windows else None)
        window.show()
        window.raise_()

    if sample_db.exists():
        show()
        return

    def fill(progress: Any, cancelled: Any) -> object:
        from smallbiz_crm.assembly import open_shop
        from smallbiz_crm.services.demo import fill_demo

        shop = open_shop(replace(paths, db_file=sample_db))
        try:
            return fill_demo(shop.services.db, customers=SAMPLE_CUSTOMERS, seed=1,
                             progress=progress, cancelled=cancelled)
        finally:
            shop.close()

    def failed(exc: BaseException) -> None:
        from smallbiz_crm.ui.errors import show_error

        sample_db.unlink(missing_ok=True)
        show_error(origin, exc, paths.log_file)

    origin.tasks.run_with_progress(origin, origin.tr("Preparing sample data…"), fill, show,
                                   failed)


def app_icon() -> QIcon:
    """The application icon at every size a desktop asks for."""
    from smallbiz_crm.paths import resource

    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        icon.addFile(str(resource("icons", "app", f"smallbiz-crm-{size}.png")), QSize(size, size))
    return icon


def run_gui(paths: AppPaths) -> int:
    """Show the window frame at once, then open the database and fill it.

    Importing the database layer and opening a 100,000-customer file takes most of a second;
    the owner sees the window (with "Opening your data…") while that happens.
    """
    from smallbiz_crm.computer_settings import ComputerSettings
    from smallbiz_crm.logs import setup_logging
    from smallbiz_crm.ui.errors import install_excepthook
    from smallbiz_crm.ui.main_window import MainWindow

    # This computer's settings (its language among them) are known before Qt starts; reading
    # them imports no database layer, so the window still shows at once.
    computer = ComputerSettings(paths.settings_file)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Smallbiz")
    app.setWindowIcon(app_icon())
    # So Wayland matches the window to the installed .desktop entry.
    app.setDesktopFileName("smallbiz-crm")
    try:
        paths.ensure_dirs()
    except OSError as exc:
        return _refuse(f"Cannot use the data folder {paths.data_dir}: {exc.strerror}.")
    window = MainWindow(paths, window_settings(paths), _sample_for(paths.db_file, paths))
    window.show()
    from smallbiz_crm.ui.collector import collect_on_main_thread

    collect_on_main_thread(app)
    # After show: the owner sees the window ~15 ms sooner; nothing above can fail silently.
    setup_logging(paths.log_file)
    install_excepthook(paths.log_file)
    probe = os.environ.get("SMALLBIZ_CRM_STARTUP_PROBE") == "1"
    if probe:
        _report_startup(app, window)
    failed: list[int] = []

    def attach() -> None:
        if _other_window_shown(window, paths):
            window.close()
            return
        try:
            shop = _open_or_offer_backup(window, paths, computer)
        except Exception as exc:  # noqa: BLE001 - shown to the owner, never as a traceback
            failed.append(_refuse(_start_message(exc), window))
            window.close()
            return
        watch_store(window, shop, paths)
        try:
            window.attach(shop)
        except Exception:
            if not shop.services.db.damaged:
                raise
            return  # the damage watch sets the file aside and offers the backup
        connect_window(window, paths)
        watch_due_dates(window)
        start_duties(window, paths)
        answer_requests(window, shop)

    QTimer.singleShot(0, attach)
    code = int(app.exec())
    return failed[0] if failed else code


def _open_or_offer_backup(window: MainWindow, paths: AppPaths,
                          computer: ComputerSettings) -> Shop:
    """Open the shop; a file SQLite finds damaged on opening is set aside (renamed, never
    deleted), the newest good backup offered, and the restored (or a new) file opened."""
    from smallbiz_crm.assembly import open_shop, set_aside_damaged
    from smallbiz_crm.store.engine import is_damage
    from smallbiz_crm.store.errors import CorruptDatabaseError

    try:
        return open_shop(paths, computer=computer, what="window")
    except Exception as exc:
        if not (isinstance(exc, CorruptDatabaseError) or is_damage(exc)):
            raise
    _offer_backup(window, paths, set_aside_damaged(paths, computer))
    return open_shop(paths, computer=computer, what="window")


def _other_window_shown(window: MainWindow, paths: AppPaths) -> bool:
    """The file is open in another window of the app already: two windows on one file show
    different data until each is refreshed, so the owner may bring that one forward instead.
    True when they chose to (that window is asked to come forward; this one closes)."""
    from smallbiz_crm.store.registrations import RAISE, ask, others

    open_elsewhere = others(paths.db_file, what="window")
    if not open_elsewhere:
        return False
    box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, window.tr(
        "{0} is already open on {1} {2}. Show that window instead? Two windows on one file "
        "can show different data until each is refreshed.").format(
            APP_NAME, paths.db_file.name, open_elsewhere[0].describe()), parent=window)
    box.setObjectName("alreadyOpenQuestion")
    show = box.addButton(window.tr("Show that window"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(window.tr("Open here too"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(show)
    box.exec()
    if box.clickedButton() is not show:
        return False
    ask(open_elsewhere[0], RAISE)
    return True


def _offer_backup(window: MainWindow, paths: AppPaths, check: StartupCheck) -> None:
    from smallbiz_crm.assembly import backups_for
    from smallbiz_crm.ui.backup_duties import offer_restore_after_damage

    offer_restore_after_damage(window, check, backups_for(paths), paths.log_file)


def start_duties(window: MainWindow, paths: AppPaths) -> None:
    """The quick check and the day's backup, on the task runner once the first page's data
    is on screen; a damaged file (then, or at any later moment) is set aside and the newest
    good backup offered, and the window opens the result afresh."""
    from smallbiz_crm.ui.backup_duties import DutyRunner

    shop = window.shop
    assert shop is not None

    def notify(text: str) -> None:
        window.statusBar().showMessage(text, 60_000)

    window.duties = DutyRunner(shop, window.tasks, notify,
                               lambda _problems: handle_damage(window, paths), window)
    when_first_page_ready(window, window.duties.begin)


def watch_store(window: MainWindow, shop: Shop, paths: AppPaths) -> None:
    """From the first query on: SQLite's "malformed" at any moment stops writes (the store
    refuses them) and sets the file aside with the newest good backup offered; a write that
    waits for another writer says so in the status bar."""
    relay = _StoreRelay(window)
    relay.damaged.connect(lambda: handle_damage(window, paths), Qt.ConnectionType.QueuedConnection)
    shop.services.db.damage_listeners.append(relay.damaged.emit)
    relay.waiting.connect(lambda text: window.statusBar().showMessage(text, 10_000),
                          Qt.ConnectionType.QueuedConnection)
    shop.services.db.wait_listeners.append(relay.waiting.emit)
    if shop.services.db.damaged:
        relay.damaged.emit()


class _StoreRelay(QObject):
    """The store reports from whichever thread ran the query; the signals bring it to the UI
    thread."""

    damaged = Signal()
    # A write waiting for another window's or command's (a big import), from the writing
    # thread: shown in the status bar so the window does not look stuck.
    waiting = Signal(str)


def handle_damage(window: MainWindow, paths: AppPaths) -> None:
    """The file is damaged: nothing more is written into it (the store refuses), the window
    lets go of it, the file is set aside and the newest good backup offered."""
    from smallbiz_crm.assembly import set_aside_damaged

    if getattr(window, "_handling_damage", False):
        return
    window._handling_damage = True  # type: ignore[attr-defined]
    computer = window.shop.computer if window.shop is not None else None
    window.close_database()
    from smallbiz_crm.assembly import computer_settings

    check = set_aside_damaged(paths, computer or computer_settings(paths))
    _offer_backup(window, paths, check)
    reopen_window(window, paths.db_file, paths, check.message or "")
    window.close()


def when_first_page_ready(window: MainWindow, callback: Callable[[], None]) -> None:
    """Call back once the first page shows its data (the Today page says when it has loaded;
    the customer list when its first ids are in)."""
    fired: list[bool] = []

    def once(*_args: Any) -> None:
        if not fired:
            fired.append(True)
            callback()

    if window.pages.currentWidget() is window.today_page:
        window.today_page.loaded.connect(once)
    else:
        window.customers_page.list_reloaded.connect(once)


def watch_due_dates(window: MainWindow) -> None:
    """A tray notification when a follow-up or a concern deadline comes due (best effort:
    where there is no tray, the Today page is where the owner sees it)."""
    from smallbiz_crm.ui.notifier import DueWatcher, TrayNotifier, make_notifier

    notifier = make_notifier(window)
    watcher = DueWatcher(window.services, notifier, parent=window, tasks=window.tasks)
    watcher.start()
    if isinstance(notifier, TrayNotifier):
        notifier.message_clicked.connect(lambda: bring_to_front(window))


REQUEST_POLL_MS = 1_000
_notices: list[QMessageBox] = []


def answer_requests(window: MainWindow, shop: Shop) -> None:
    """Look every second for what other processes ask through the file's registrations: a
    restore elsewhere asks this window to let go of the file (it saves its layout, closes and
    says why); a second start of the app asks it to come forward."""
    from smallbiz_crm.store.registrations import CLOSE, RAISE

    timer = QTimer(window)
    timer.setInterval(REQUEST_POLL_MS)

    def poll() -> None:
        registration = shop.services.db.registration
        if window.shop is not shop or registration is None:
            timer.stop()
            return
        if registration.requested(RAISE):
            bring_to_front(window)
        if registration.requested(CLOSE):
            timer.stop()
            # Shown before the window closes, so the app stays until the owner has read it.
            notice = QMessageBox(QMessageBox.Icon.Information, APP_NAME, window.tr(
                "A backup is being restored into {0} from another window or command, so this "
                "window has closed it. Start {1} again to see the restored data.").format(
                    shop.paths.db_file.name, APP_NAME))
            notice.setObjectName("closedForRestoreNotice")
            # Kept alive here (it has no parent: the window it explains is going away).
            _notices.append(notice)
            notice.finished.connect(lambda _result: _notices.remove(notice))
            notice.show()
            window.close()  # saves the layout, then closes the database

    timer.timeout.connect(poll)
    timer.start()


def bring_to_front(window: MainWindow) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()


def _start_message(exc: BaseException) -> str:
    from smallbiz_crm.logs import log
    from smallbiz_crm.user_errors import user_message

    message = user_message(exc)
    if message is None:
        log.exception("could not start")
        message = f"{APP_NAME} could not start ({type(exc).__name__}: {exc})."
    return message


def _refuse(message: str, parent: QWidget | None = None) -> int:
    if sys.stderr is not None:
        print(f"smallbiz-crm: {message}", file=sys.stderr)
    QMessageBox.critical(parent, APP_NAME, message)
    return 1


def _report_startup(app: QApplication, window: MainWindow) -> None:
    """SMALLBIZ_CRM_STARTUP_PROBE=1: print when the window is shown and when its first page
    has its data on screen, then quit. Used by the start-up benchmark and the smoke test."""
    started = time.perf_counter()

    def shown() -> None:
        print(f"shown {time.perf_counter() - started:.3f}", file=sys.stderr, flush=True)

    def ready() -> None:
        print(f"ready {time.perf_counter() - started:.3f}", file=sys.stderr, flush=True)
        app.quit()

    QTimer.singleShot(0, shown)
    window.attached.connect(lambda: when_first_page_ready(window, ready))
