"""Starting the window: paths, the database, the QApplication and the main window."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from smallbiz_crm import APP_NAME, __version__
from smallbiz_crm.paths import AppPaths, resolve

if TYPE_CHECKING:
    from smallbiz_crm.ui.main_window import MainWindow

SAMPLE_CUSTOMERS = 300
# Windows opened during this run (the sample-data window), kept alive while shown.
_open_windows: list[MainWindow] = []


def window_settings(paths: AppPaths) -> QSettings:
    """Window layout kept beside the data (an ini file), so tests and --data-dir stay apart."""
    return QSettings(str(paths.data_dir / "window.ini"), QSettings.Format.IniFormat)


def build_main_window(db_path: Path, paths: AppPaths | None = None) -> MainWindow:
    """Open (creating or upgrading) the database and build the main window for it.

    A QApplication must already exist. Store errors (not a database, too new) propagate.
    """
    from smallbiz_crm.logs import setup_logging
    from smallbiz_crm.services.registry import Services
    from smallbiz_crm.store.engine import open_database
    from smallbiz_crm.ui.main_window import MainWindow

    paths = paths or resolve(db=db_path)
    paths.ensure_dirs()
    setup_logging(paths.log_file)
    db_path = Path(db_path)
    services = Services(open_database(db_path, paths.backups_dir))
    sample = None if db_path == paths.sample_db_file else paths.sample_db_file
    window = MainWindow(services, paths.log_file, window_settings(paths), sample_db=sample)
    window.open_database_requested.connect(
        lambda path: open_sample_window(window, Path(path), paths))
    return window


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
        from smallbiz_crm.services.demo import fill_demo
        from smallbiz_crm.store.engine import open_database

        db = open_database(sample_db, paths.backups_dir)
        try:
            return fill_demo(db, customers=SAMPLE_CUSTOMERS, seed=1, progress=progress,
                             cancelled=cancelled)
        finally:
            db.close()

    def failed(exc: BaseException) -> None:
        from smallbiz_crm.ui.errors import show_error

        sample_db.unlink(missing_ok=True)
        show_error(origin, exc, paths.log_file)

    origin.tasks.run_with_progress(origin, origin.tr("Preparing sample data…"), fill, show,
                                   failed)


def run_gui(paths: AppPaths) -> int:
    from smallbiz_crm.logs import log, setup_logging
    from smallbiz_crm.ui.errors import install_excepthook
    from smallbiz_crm.user_errors import user_message

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Smallbiz")
    try:
        paths.ensure_dirs()
        setup_logging(paths.log_file)
        install_excepthook(paths.log_file)
        window = build_main_window(paths.db_file, paths)
    except Exception as exc:  # noqa: BLE001 - shown to the owner, never as a traceback
        message = user_message(exc)
        if message is None:
            log.exception("could not start")
            message = f"{APP_NAME} could not start ({type(exc).__name__}: {exc})."
        if sys.stderr is not None:
            print(f"smallbiz-crm: {message}", file=sys.stderr)
        QMessageBox.critical(None, APP_NAME, message)
        return 1
    window.show()
    return int(app.exec())
