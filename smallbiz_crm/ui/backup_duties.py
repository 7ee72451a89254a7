"""The window's safety duties: the quick check and the day's backup in the background once the
first page is on screen, Back up now, and the offer of a backup when the file is damaged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from smallbiz_crm.services.backups import BackupInfo, BackupService
from smallbiz_crm.services.startup_check import StartupCheck
from smallbiz_crm.ui.errors import show_error
from smallbiz_crm.ui.models.backup_table import count_or_unknown, fallback_text, when_text
from smallbiz_crm.ui.tasks import TaskRunner
from smallbiz_crm.user_errors import user_message

if TYPE_CHECKING:
    from smallbiz_crm.assembly import DutiesResult, Shop

Notify = Callable[[str], None]
# A window left open overnight takes the next day's backup too.
RECHECK_MS = 60 * 60 * 1000


def _tr(text: str) -> str:
    return QCoreApplication.translate("BackupDuties", text)


def damage_message_box(parent: QWidget | None, check: StartupCheck) -> QMessageBox:
    """The question shown after a damaged file was set aside: Yes restores the backup."""
    box = QMessageBox(parent)
    box.setObjectName("damageMessage")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_tr("Your data file is damaged"))
    moved = str(check.moved_aside_to) if check.moved_aside_to else ""
    backup = check.newest_good_backup
    if backup is None:
        box.setText(_tr("Your data file failed its safety check. It was set aside, unchanged, "
                        "as:\n{0}\n\nNo good backup was found.").format(moved))
        box.setInformativeText(_tr(
            "The app starts with a new, empty file. Keep the damaged file: someone who "
            "repairs SQLite files may be able to recover it."))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        return box
    box.setText(_tr("Your data file failed its safety check. It was set aside, unchanged, "
                    "as:\n{0}\n\nRestore the backup from {1} ({2} customers)?").format(
        moved, when_text(backup), count_or_unknown(backup.customers)))
    box.setInformativeText(_tr(
        "Work done after that backup is not in it. If you do not restore it now, the app "
        "starts with a new, empty file; File → Restore… can bring a backup back later."))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    yes = box.button(QMessageBox.StandardButton.Yes)
    no = box.button(QMessageBox.StandardButton.No)
    if yes is not None:
        yes.setText(_tr("Restore"))
    if no is not None:
        no.setText(_tr("Start empty"))
    return box


def offer_restore_after_damage(parent: QWidget | None, check: StartupCheck,
                               backups: BackupService, log_file: Path) -> bool:
    """After check_database_at_start set a damaged file aside: offer its newest good backup
    and restore it if the owner agrees. Call before the database is opened. True when a
    backup was restored; False when the app should start with a new, empty file."""
    if check.ok:
        return False
    box = damage_message_box(parent, check)
    answer = box.exec()
    backup = check.newest_good_backup
    if backup is None or answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        backups.restore(backup.path)
    except Exception as exc:  # noqa: BLE001 - explained; the app goes on with an empty file
        show_error(parent, exc, log_file)
        return False
    return True


def run_daily_backup(runner: TaskRunner, backups: BackupService, notify: Notify,
                     on_error: Callable[[BaseException], None] | None = None) -> None:
    """Take today's automatic backup in the background (a 100,000-customer file takes about
    15 s, mostly its integrity check). `notify` gets a sentence only when the owner should
    know: the backup went elsewhere than their chosen folder, or it failed."""

    def done(info: BackupInfo | None) -> None:
        if info is not None and info.fell_back_from is not None:
            notify(fallback_text(info))

    def failed(exc: BaseException) -> None:
        if on_error is not None:
            on_error(exc)
        notify(_tr("Today's automatic backup failed: {0}").format(
            user_message(exc) or f"{type(exc).__name__}: {exc}"))

    runner.run(lambda _progress, _cancelled: backups.daily_backup(), done, failed)


def back_up_now(backups: BackupService, notify: Notify, runner: TaskRunner | None = None,
                on_error: Callable[[BaseException], None] | None = None) -> None:
    """File → Back up now: a backup into the backup folder, then one sentence saying where."""

    def done(info: BackupInfo) -> None:
        notify(fallback_text(info) or _tr("Backed up to {0} ({1} customers).").format(
            str(info.path), count_or_unknown(info.customers)))

    def failed(exc: BaseException) -> None:
        if on_error is not None:
            on_error(exc)
            return
        notify(_tr("The backup failed: {0}").format(
            user_message(exc) or f"{type(exc).__name__}: {exc}"))

    if runner is not None:
        runner.run(lambda _progress, _cancelled: backups.backup_now(), done, failed)
        return
    try:
        info = backups.backup_now()
    except Exception as exc:  # noqa: BLE001 - reported through notify/on_error
        failed(exc)
    else:
        done(info)


class DutyRunner(QTimer):
    """Runs the shop's start-up duties on the task runner once the first page is on screen
    (never before: the owner's first look must not wait for a 15-second check), then looks
    again every hour for a new day's backup. `damaged` is called on the UI thread when the
    quick check fails, with the problems found."""

    def __init__(self, shop: Shop, tasks: TaskRunner, notify: Notify,
                 damaged: Callable[[tuple[str, ...]], None], parent: QWidget) -> None:
        from smallbiz_crm.assembly import StartupDuties

        super().__init__(parent)
        self.setObjectName("backupDuties")
        self.setInterval(RECHECK_MS)
        self.duties = StartupDuties(shop)
        self.tasks = tasks
        self.notify = notify
        self.damaged = damaged
        self.finished_once = False
        self.timeout.connect(self._again)

    def begin(self) -> None:
        self.tasks.run(lambda _progress, _cancelled: self.duties.run(), self._done,
                       self._failed)

    def _done(self, result: DutiesResult) -> None:
        self.finished_once = True
        if result.problems:
            self.damaged(result.problems)
            return
        if result.backup is not None and result.backup.fell_back_from is not None:
            self.notify(fallback_text(result.backup))
        self.start()

    def _failed(self, exc: BaseException) -> None:
        self.finished_once = True
        self.notify(_tr("Today's automatic backup failed: {0}").format(
            user_message(exc) or f"{type(exc).__name__}: {exc}"))
        self.start()

    def _again(self) -> None:
        if self.duties.due_again():
            self.tasks.run(lambda _p, _c: self.duties.backup_if_due(),
                           lambda info: self._done(_backup_only(info)), self._failed)


def _backup_only(info: BackupInfo | None) -> DutiesResult:
    from smallbiz_crm.assembly import DutiesResult

    return DutiesResult(backup=info)
