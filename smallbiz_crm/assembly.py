"""Putting the app together without Qt: paths, this computer's settings, the store, services.

The window (`app.py`) and every command (`cli.py`) open the shop through `open_shop`, so both
use the owner's backup folder, the same migrations and the same checks. What differs is only
what runs on top: the window adds its start-up duties (`StartupDuties`), commands take no
automatic backup.
"""

from __future__ import annotations

import contextlib
import shlex
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from smallbiz_crm.computer_settings import ComputerSettings
from smallbiz_crm.domain.settings import BACKUP_FOLDER
from smallbiz_crm.paths import AppPaths
from smallbiz_crm.services.backups import BackupInfo, BackupService
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.startup_check import StartupCheck, check_database_at_start
from smallbiz_crm.store.backup import integrity_problems, read_setting
from smallbiz_crm.store.errors import DamagedDatabaseError
from smallbiz_crm.store.files import shared_location_notice
from smallbiz_crm.store.opening import open_database


@dataclass
class Shop:
    """One open shop: where its files are, this computer's settings, its services, backups."""

    paths: AppPaths
    computer: ComputerSettings
    services: Services
    backups: BackupService

    def close(self) -> None:
        self.services.close()

    @property
    def location_notice(self) -> str | None:
        """Said when the data folder is synced (Dropbox, OneDrive…) or on a network share,
        where SQLite files get damaged: the window shows it, a command prints it."""
        return shared_location_notice(self.paths.db_file.parent)


def computer_settings(paths: AppPaths) -> ComputerSettings:
    return ComputerSettings(paths.settings_file)


def open_shop(paths: AppPaths, *, create: bool = True, clock: Clock = system_clock,
              computer: ComputerSettings | None = None, for_writing: bool = False,
              what: str = "command") -> Shop:
    """Open (creating or upgrading) the shop's database. Reads only the file's header and
    schema revision before connecting; the integrity check is the start-up duties' job.

    for_writing: a command about to write runs the quick check first and refuses a damaged
    file (DamagedDatabaseError, naming the backup to restore) before anything is written.
    `what` ("window", "command import") is how the file's registrations name this process."""
    computer = computer if computer is not None else computer_settings(paths)
    backups = BackupService(paths, clock=clock, computer=computer)
    if for_writing:
        refuse_if_damaged(paths, backups)
    services = Services(open_database(paths.db_file, paths.backups_dir, create=create,
                                      what=what), clock)
    return Shop(paths=paths, computer=computer, services=services, backups=backups)


def refuse_if_damaged(paths: AppPaths, backups: BackupService) -> None:
    """Raise DamagedDatabaseError when the file fails quick_check; writing into a damaged
    file spreads the damage and buries what a repair could still recover. A file that is
    missing or empty is new, not damaged."""
    db_file = paths.db_file
    if not db_file.exists() or db_file.stat().st_size == 0:
        return
    problems = integrity_problems(db_file, quick=True)
    if not problems:
        return
    problem = " ".join(problems[0].split())[:200]
    message = f"{db_file} is damaged ({problem}); nothing was written."
    if backups.computer is not None:
        # The owner's other folder may still be named only inside the file itself.
        adopt_backup_folder(db_file, backups.computer)
    good = backups.newest_good()
    if good is None:
        message += (" No good backup was found. Keep the file: someone who repairs SQLite "
                    "files may recover it.")
    else:
        message += (f" Restore the newest good backup, from {good.created_at:%Y-%m-%d %H:%M} "
                    f"with {good.customers} customers: smallbiz-crm --db "
                    f"{shlex.quote(str(db_file))} restore {shlex.quote(str(good.path))}")
    raise DamagedDatabaseError(message)


def adopt_backup_folder(db_file: Path, computer: ComputerSettings) -> None:
    """Earlier versions kept the backup folder inside the database; it belongs to this
    computer (a backup folder cannot live in the file it protects). Copied over once."""
    if computer.get(BACKUP_FOLDER) is not None or not db_file.exists():
        return
    try:
        chosen = read_setting(db_file, BACKUP_FOLDER.name)
    except Exception:  # noqa: BLE001 - an unreadable file is the open's to explain
        return
    if isinstance(chosen, str) and chosen:
        # A full disk or read-only folder cannot take it now: copied over on a later start.
        with contextlib.suppress(OSError):
            computer.set(BACKUP_FOLDER, chosen)


@dataclass
class StartupDuties:
    """What the window does for the owner once its first page is on screen: check the file
    (quick_check) and take the day's verified backup. Qt-free; the window runs `run` on its
    task runner and `due_again` once an hour so a window left open overnight backs up too."""

    shop: Shop
    last_backup_day: date | None = field(default=None)

    def run(self) -> DutiesResult:
        adopt_backup_folder(self.shop.paths.db_file, self.shop.computer)
        problems = integrity_problems(self.shop.paths.db_file, quick=True)
        if problems:
            return DutiesResult(problems=tuple(problems))
        return DutiesResult(backup=self.backup_if_due())

    def backup_if_due(self) -> BackupInfo | None:
        today = self.shop.services.clock().date()
        if self.last_backup_day == today:
            return None
        info = self.shop.backups.daily_backup()
        self.last_backup_day = today
        return info

    def due_again(self) -> bool:
        return self.last_backup_day != self.shop.services.clock().date()


@dataclass(frozen=True)
class DutiesResult:
    """problems: the quick check failed (the file must be set aside); backup: the one taken
    now (None when today's already existed)."""

    problems: tuple[str, ...] = ()
    backup: BackupInfo | None = None


def set_aside_damaged(paths: AppPaths, computer: ComputerSettings,
                      clock: Clock = system_clock) -> StartupCheck:
    """The file failed a check: rename it aside (never deleted) and find the newest good
    backup to offer. The database must be closed first."""
    return check_database_at_start(paths, clock, computer)


def backups_for(paths: AppPaths) -> BackupService:
    """The shop's backups without opening its database (backup and restore commands)."""
    computer = computer_settings(paths)
    adopt_backup_folder(paths.db_file, computer)
    return BackupService(paths, computer=computer)
