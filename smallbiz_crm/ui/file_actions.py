"""The File menu's jobs: backups and restore, exports, printing the checklist, shop settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QFileDialog, QMainWindow, QMessageBox

from smallbiz_crm.ui.errors import show_error

if TYPE_CHECKING:
    from smallbiz_crm.paths import AppPaths
    from smallbiz_crm.services.backups import BackupService
    from smallbiz_crm.services.registry import Services
    from smallbiz_crm.ui.tasks import Progress, TaskRunner

Cancelled = Callable[[], bool]


def tr(text: str) -> str:
    return QCoreApplication.translate("file", text)


class FileActions:
    """Mixed into the main window; relies on its services, tasks, paths and status bar."""

    tasks: TaskRunner
    log_file: Path
    app_paths: AppPaths

    @property
    def services(self) -> Services:  # the window's own
        raise NotImplementedError

    def _window(self) -> QMainWindow:
        assert isinstance(self, QMainWindow)
        return self

    def _say(self, text: str) -> None:
        self._window().statusBar().showMessage(text, 30_000)

    def _failed(self, exc: BaseException) -> None:
        show_error(self._window(), exc, self.log_file)

    def _after_change(self, select_id: int | None = None) -> None:  # the window's own
        raise NotImplementedError

    # -- backups ----------------------------------------------------------------------------

    def backups(self) -> BackupService:
        from smallbiz_crm.services.backups import BackupService

        return BackupService(self.services.db.path, self.app_paths.backups_dir,
                             clock=self.services.clock, settings=self.services.settings)

    def back_up_now(self) -> None:
        from smallbiz_crm.ui.dialogs.restore_dialog import back_up_now

        back_up_now(self.backups(), self._say, self.tasks, on_error=self._failed)

    def restore_backup(self) -> None:
        from smallbiz_crm.ui.dialogs.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.backups(), self._window(), runner=self.tasks)
        chosen: list[Path] = []
        dialog.restore_requested.connect(chosen.append)
        dialog.exec()
        dialog.deleteLater()
        if chosen:
            self.restore_from(chosen[0])

    def restore_from(self, backup: Path) -> None:
        """Close the database, restore the backup over it (the current file is backed up
        first), and ask the app to open the restored file in a fresh window."""
        backups = self.backups()
        db_path = self.services.db.path
        self.close_database()
        try:
            safety = backups.restore(backup)
        except Exception as exc:  # noqa: BLE001 - explained; the old file is still there
            self._failed(exc)
            safety = None
        self.database_replaced(db_path, tr("Restored {0}.").format(backup.name) + (
            tr(" The data from before was saved as {0}.").format(safety.name) if safety
            else ""))

    def close_database(self) -> None:  # the window's own
        raise NotImplementedError

    def database_replaced(self, db_path: Path, message: str) -> None:  # the window's own
        raise NotImplementedError

    # -- exports ----------------------------------------------------------------------------

    def _save_path(self, title: str, suggested: str, pattern: str) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self._window(), title, str(Path.home() / suggested), pattern)
        return Path(chosen) if chosen else None

    def export_calendar(self, path: Path | None = None) -> None:
        """Open follow-ups and concern deadlines as an .ics file for a calendar app."""
        target = path or self._save_path(tr("Export to calendar"), "smallbiz-crm.ics",
                                         tr("Calendar files (*.ics)"))
        if target is None:
            return
        from smallbiz_crm.services.calendar_export import export_ics

        services = self.services
        self.tasks.run(
            lambda _p, _c: export_ics(services.db, target, services.clock()),
            lambda count: self._say(tr("Wrote {0:,} calendar events to {1}.").format(
                count, str(target))),
            self._failed)

    def export_data(self, kind: str, path: Path | None = None) -> None:
        """Customers as CSV or vCard, or everything as JSON, with a progress bar."""
        from smallbiz_crm.services import exporting

        services = self.services
        writers: dict[str, tuple[str, str, Callable[[Path, Progress, Cancelled], object]]] = {
            "csv": ("customers.csv", tr("Spreadsheet (*.csv)"),
                    lambda target, p, c: exporting.export_csv(
                        services.db, target, progress=p, cancelled=c)),
            "vcard": ("customers.vcf", tr("Contacts (*.vcf)"),
                      lambda target, p, c: exporting.export_vcard(
                          services.db, target, progress=p, cancelled=c)),
            "json": ("smallbiz-crm.json", tr("JSON (*.json)"),
                     lambda target, p, c: exporting.export_json(
                         services.db, target, services.clock, progress=p, cancelled=c)),
        }
        suggested, pattern, write = writers[kind]
        target = path or self._save_path(tr("Export"), suggested, pattern)
        if target is None:
            return
        chosen = target
        self.tasks.run_with_progress(
            self._window(), tr("Exporting…"), lambda p, c: write(chosen, p, c),
            lambda _result: self._say(tr("Exported to {0}.").format(str(chosen))),
            self._failed)

    # -- printing ---------------------------------------------------------------------------

    def print_checklist(self) -> None:
        from smallbiz_crm.ui.dialogs.pdf_preview import preview_checklist

        preview_checklist(self._window(), self.services, self.tasks, log_file=self.log_file)

    def enter_checklist_results(self) -> None:
        from smallbiz_crm.services.checklist import last_checklist
        from smallbiz_crm.ui.dialogs.checklist_results import ChecklistResultsDialog

        checklist = last_checklist(self.services.db, self.services.clock)
        if checklist is None:
            QMessageBox.information(self._window(), tr("Enter checklist results"), tr(
                "Print a follow-up checklist first (File → Print follow-up checklist); its "
                "numbers are what you type here."))
            return
        dialog = ChecklistResultsDialog(self.services, checklist, self._window())
        dialog.data_changed.connect(lambda: self._after_change())
        dialog.exec()
        dialog.deleteLater()

    # -- shop settings ----------------------------------------------------------------------

    def _run(self, make: Callable[[], QDialog]) -> None:
        dialog = make()
        dialog.exec()
        dialog.deleteLater()
        self._after_change()

    def calendar_settings(self) -> None:
        from smallbiz_crm.ui.dialogs.calendar_dialog import CalendarDialog

        self._run(lambda: CalendarDialog(self.services, self._window()))

    def cadences(self) -> None:
        from smallbiz_crm.ui.dialogs.cadences_dialog import CadencesDialog

        self._run(lambda: CadencesDialog(self.services, self._window()))

    def products(self) -> None:
        from smallbiz_crm.ui.dialogs.products_dialog import ProductsDialog

        self._run(lambda: ProductsDialog(self.services, self._window()))
