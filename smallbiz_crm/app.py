"""Starting the window: paths, the database, the QApplication and the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from smallbiz_crm import APP_NAME, __version__
from smallbiz_crm.paths import AppPaths, resolve


def window_settings(paths: AppPaths) -> QSettings:
    """Window layout kept beside the data (an ini file), so tests and --data-dir stay apart."""
    return QSettings(str(paths.data_dir / "window.ini"), QSettings.Format.IniFormat)


def build_main_window(db_path: Path, paths: AppPaths | None = None) -> QMainWindow:
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
    services = Services(open_database(Path(db_path), paths.backups_dir))
    return MainWindow(services, paths.log_file, window_settings(paths))


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
    except Exception as exc:
        message = user_message(exc)
        if message is None:
            log.exception("could not start")
            message = f"{APP_NAME} could not start ({type(exc).__name__}: {exc})."
        QMessageBox.critical(None, APP_NAME, message)
        print(f"smallbiz-crm: {message}", file=sys.stderr) if sys.stderr else None
        return 1
    window.show()
    return int(app.exec())
