"""The last line of defence: an unexpected error is logged and explained; the app stays up."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from smallbiz_crm.logs import log
from smallbiz_crm.user_errors import user_message


def show_error(parent: QWidget | None, exc: BaseException, log_file: Path) -> None:
    """Explain an error in a dialog; the caller (task runner, excepthook) has logged bugs."""
    from smallbiz_crm.store.engine import is_damage

    if is_damage(exc):
        # A damaged file is explained once, by the offer of the newest good backup that the
        # app makes as soon as SQLite reports it; one dialog per failed query would bury it.
        log.warning("the database file reported damage: %s", exc)
        return
    message = user_message(exc)
    if message is None:
        message = QApplication.translate(
            "errors", "Something went wrong that the app did not expect ({0}). Nothing you "
            "saved before was lost. The details were written to:\n{1}").format(
                type(exc).__name__, str(log_file))
    QMessageBox.warning(parent, QApplication.translate("errors", "Smallbiz CRM"), message)


def install_excepthook(log_file: Path) -> None:
    """Errors escaping a slot go to the log and a dialog instead of killing the app."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("unhandled exception", exc_info=(kind, exc, tb))
        # Widgets live on the UI thread only: from any other thread the log must do.
        if QApplication.instance() is not None and threading.current_thread() is (
                threading.main_thread()):
            show_error(QApplication.activeWindow(), exc, log_file)

    sys.excepthook = hook
