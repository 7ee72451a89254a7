"""The File menu: new customers and imports, exports, printing the checklist, backups and
restore, the sample data."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from smallbiz_crm.domain.records.changes import Area, Changes
from smallbiz_crm.ui.errors import show_error
from smallbiz_crm.ui.pages.customer_actions import menu_action

if TYPE_CHECKING:
    from smallbiz_crm.services.backups import BackupService
    from smallbiz_crm.services.registry import Services
    from smallbiz_crm.ui.context import WindowContext
    from smallbiz_crm.ui.dialogs.import_wizard import ImportWizard
    from smallbiz_crm.ui.pages.customer_actions import CustomerActions
    from smallbiz_crm.ui.tasks import Progress

Cancelled = Callable[[], bool]


class FileActions(QObject):
    # The open file was replaced (a restore): the window closes, the app reopens it.
    database_replaced = Signal(object, str)
    # Open the sample database in a window of its own.
    sample_requested = Signal()

    def __init__(self, ctx: WindowContext, customers: CustomerActions) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx
        self.customers = customers
        self.tasks = ctx.tasks
        self._import_wizard: ImportWizard | None = None

    @property
    def services(self) -> Services:
        return self.ctx.services

    def _say(self, text: str) -> None:
        self.ctx.say(text)

    def _failed(self, exc: BaseException) -> None:
        show_error(self.ctx.window, exc, self.ctx.log_file)

    def fill_menu(self, menu: QMenu) -> None:
        add = menu_action
        add(self, menu, self.tr("&New customer…"), self.customers.new_customer,
            QKeySequence.StandardKey.New, "newCustomerAction")
        add(self, menu, self.tr("&Import contacts…"), self.import_contacts, name="importAction")
        add(self, menu, self.tr("&Undo last import…"), self.undo_last_import,
            name="undoImportAction")
        export_menu = menu.addMenu(self.tr("&Export"))
        add(self, export_menu, self.tr("Customers as a &spreadsheet (CSV)…"),
            partial(self.export_data, "csv"), name="exportCsvAction")
        add(self, export_menu, self.tr("Customers as &contacts (vCard)…"),
            partial(self.export_data, "vcard"), name="exportVcardAction")
        add(self, export_menu, self.tr("&Follow-ups and deadlines to a calendar (.ics)…"),
            self.export_calendar, name="exportIcsAction")
        add(self, export_menu, self.tr("&Everything (JSON)…"),
            partial(self.export_data, "json"), name="exportJsonAction")
        menu.addSeparator()
        add(self, menu, self.tr("&Print follow-up checklist…"), self.print_checklist,
            QKeySequence.StandardKey.Print, "printChecklistAction")
        add(self, menu, self.tr("Enter checklist &results…"), self.enter_checklist_results,
            name="checklistResultsAction")
        menu.addSeparator()
        add(self, menu, self.tr("&Back up now"), self.back_up_now, name="backUpNowAction")
        add(self, menu, self.tr("Res&tore a backup…"), self.restore_backup,
            name="restoreBackupAction")
        menu.addSeparator()
        add(self, menu, self.tr("Open &sample data"), self.sample_requested.emit,
            name="sampleDataAction")
        menu.addSeparator()
        add(self, menu, self.tr("&Quit"), self.ctx.window.close, QKeySequence.StandardKey.Quit)

    # -- import -------------------------------------------------------------------------------

    def import_contacts(self, path: Path | None = None) -> None:
        from smallbiz_crm.ui.dialogs.import_wizard import ImportWizard

        old = self._import_wizard
        if old is not None and not old.is_busy():
            old.deleteLater()
        # Not deleted on close: a cancelled import still reports back to the wizard.
        self._import_wizard = wizard = ImportWizard(self.services, self.tasks, self.ctx.window,
                                                    path)
        wizard.data_changed.connect(lambda: self.ctx.ops.announce(_IMPORTED))
        wizard.open()

    def undo_last_import(self) -> None:
        from smallbiz_crm.ui.dialogs.import_wizard import undo_last_import

        undo_last_import(self.ctx.window, self.services, self.tasks,
                         after=lambda: self.ctx.ops.announce(_IMPORTED))

    # -- backups ----------------------------------------------------------------------------

    def backups(self) -> BackupService:
        return self.ctx.shop.backups

    def back_up_now(self) -> None:
        from smallbiz_crm.ui.backup_duties import back_up_now

        back_up_now(self.backups(), self._say, self.tasks, on_error=self._failed)

    def restore_backup(self) -> None:
        from smallbiz_crm.ui.dialogs.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.backups(), self.ctx.window, runner=self.tasks)
        chosen: list[Path] = []
        dialog.restore_requested.connect(chosen.append)
        dialog.exec()
        dialog.deleteLater()
        if chosen:
            self.restore_from(chosen[0])

    def restore_from(self, backup: Path) -> None:
        """Close the database, restore the backup over it (the current file is backed up
        first, or set aside when it is damaged), and ask the app to open the restored file
        in a fresh window."""
        backups = self.backups()
        db_path = Path(self.services.location)
        self.ctx.window.close_database()  # type: ignore[attr-defined]
        try:
            result = backups.restore(backup)
        except Exception as exc:  # noqa: BLE001 - explained; the message says what was kept
            self._failed(exc)
            message = self.tr("{0} was not restored.").format(backup.name)
        else:
            message = self.tr("Restored {0}.").format(backup.name)
            if result.safety_copy is not None:
                message += self.tr(" The data from before was saved as {0}.").format(
                    result.safety_copy.name)
            elif result.set_aside is not None:
                message += self.tr(" The damaged file from before was set aside, unchanged, "
                                   "as {0}.").format(str(result.set_aside))
        self.database_replaced.emit(db_path, message)

    # -- exports ----------------------------------------------------------------------------

    def _save_path(self, title: str, suggested: str, pattern: str) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self.ctx.window, title, str(Path.home() / suggested), pattern)
        return Path(chosen) if chosen else None

    def export_calendar(self, path: Path | None = None) -> None:
        """Open follow-ups and concern deadlines as an .ics file for a calendar app."""
        target = path or self._save_path(self.tr("Export to calendar"), "smallbiz-crm.ics",
                                         self.tr("Calendar files (*.ics)"))
        if target is None:
            return

        services = self.services
        self.tasks.run(
            lambda _p, _c: services.exports.calendar(target),
            lambda count: self._say(self.tr("Wrote {0:,} calendar events to {1}.").format(
                count, str(target))),
            self._failed)

    def export_data(self, kind: str, path: Path | None = None) -> None:
        """Customers as CSV or vCard, or everything as JSON, with a progress bar."""

        services = self.services
        writers: dict[str, tuple[str, str, Callable[[Path, Progress, Cancelled], object]]] = {
            "csv": ("customers.csv", self.tr("Spreadsheet (*.csv)"),
                    lambda target, p, c: services.exports.csv(target, progress=p, cancelled=c)),
            "vcard": ("customers.vcf", self.tr("Contacts (*.vcf)"),
                      lambda target, p, c: services.exports.vcard(target, progress=p, cancelled=c)),
            "json": ("smallbiz-crm.json", self.tr("JSON (*.json)"),
                     lambda target, p, c: services.exports.json(target, progress=p, cancelled=c)),
        }
        suggested, pattern, write = writers[kind]
        target = path or self._save_path(self.tr("Export"), suggested, pattern)
        if target is None:
            return
        chosen = target
        self.tasks.run_with_progress(
            self.ctx.window, self.tr("Exporting…"), lambda p, c: write(chosen, p, c),
            lambda _result: self._say(self.tr("Exported to {0}.").format(str(chosen))),
            self._failed)

    # -- printing ---------------------------------------------------------------------------

    def print_checklist(self) -> None:
        from smallbiz_crm.ui.dialogs.pdf_preview import preview_checklist

        preview_checklist(self.ctx.window, self.services, self.tasks, log_file=self.ctx.log_file)

    def enter_checklist_results(self) -> None:
        from smallbiz_crm.ui.dialogs.checklist_results import ChecklistResultsDialog

        checklist = self.services.printing.last_checklist()
        if checklist is None:
            QMessageBox.information(self.ctx.window, self.tr("Enter checklist results"), self.tr(
                "Print a follow-up checklist first (File → Print follow-up checklist); its "
                "numbers are what you type here."))
            return
        dialog = ChecklistResultsDialog(self.services, checklist, self.ctx.window)
        dialog.data_changed.connect(lambda: self.ctx.ops.announce(
            Changes.of(Area.FOLLOW_UPS, Area.INTERACTIONS, Area.CUSTOMERS, customers=None)))
        dialog.exec()
        dialog.deleteLater()


# An import (or its undo) may add, merge or remove any customer and their tags.
_IMPORTED = Changes.of(Area.CUSTOMERS, Area.CUSTOMER_SET, Area.TAGS, customers=None)
