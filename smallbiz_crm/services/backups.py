"""Backups: one automatic copy a day, copies on demand, the list shown before a restore."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from smallbiz_crm.computer_settings import ComputerSettings
from smallbiz_crm.domain.settings import BACKUP_FOLDER
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.paths import AppPaths
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.store.backup import (
    backup_to,
    in_use,
    integrity_problems,
    read_counts,
    unused_name,
)
from smallbiz_crm.store.errors import StoreError
from smallbiz_crm.store.exclusive import DatabaseHeldError
from smallbiz_crm.store.files import remove_stale
from smallbiz_crm.store.registrations import ask_to_close
from smallbiz_crm.store.restoring import RestoreResult, restore_from

KEEP_AUTOMATIC = 14
# How long a restore waits for other windows to close the file when asked.
CLOSE_WAIT_SECONDS = 5.0
AUTO_PREFIX = "auto"
MANUAL_PREFIX = "backup"
BACKUP_SUFFIX = ".db"
# <kind>-YYYYMMDD-HHMMSS[-microseconds][-n].db, the names every writer of backups uses.
_NAME = re.compile(r"^(?P<kind>.+?)-(?P<stamp>\d{8}-\d{6})(?:-\d+)*\.db$")
# What backup_to writes before the rename (with SQLite's journal beside it): a backup killed
# half-way leaves these, and the next backup into that folder takes them away.
_PARTIAL = re.compile(r".+?-\d{8}-\d{6}(?:-\d+)*\.db\.partial(?P<companion>-journal|-wal|-shm)?")


class BackupKind(StrEnum):
    AUTOMATIC = "automatic"
    MANUAL = "manual"
    BEFORE_RESTORE = "before_restore"
    BEFORE_UPGRADE = "before_upgrade"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file; counts are None when the file cannot be read."""

    path: Path
    created_at: datetime
    size: int
    customers: int | None
    follow_ups: int | None
    ok: bool
    kind: BackupKind = BackupKind.OTHER
    problem: str = ""
    # Whether `ok` comes from an integrity check (listing without one is fast: ok then only
    # means the counts could be read).
    checked: bool = True
    # The owner's chosen folder, when it was unavailable and this backup went to the
    # standard backups folder instead.
    fell_back_from: Path | None = None


def backup_kind(path: Path) -> BackupKind:
    match = _NAME.match(path.name)
    kind = match.group("kind") if match else ""
    if kind == AUTO_PREFIX:
        return BackupKind.AUTOMATIC
    if kind == MANUAL_PREFIX:
        return BackupKind.MANUAL
    if kind.startswith("before-restore"):
        return BackupKind.BEFORE_RESTORE
    if kind.startswith("before-upgrade"):
        return BackupKind.BEFORE_UPGRADE
    return BackupKind.OTHER


def created_at(path: Path) -> datetime:
    """When a backup was taken: from its name (written with the app's clock), else the file's
    modification time."""
    match = _NAME.match(path.name)
    if match:
        try:
            return datetime.strptime(match.group("stamp"), "%Y%m%d-%H%M%S")
        except ValueError:
            pass
    return datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)


def describe(path: Path, verify: bool = True, quick: bool = False) -> BackupInfo:
    """Size, counts and soundness of one backup file (verify=False: ok means "readable").

    integrity_check reads every page: about 12 s for a 400 MB file of 100,000 customers with
    their histories; quick_check about 2 s.
    """
    counts = read_counts(path)
    problem = "" if counts is not None else "It cannot be read as a Smallbiz CRM database."
    if verify and counts is not None:
        try:
            problems = integrity_problems(path, quick=quick)
        except StoreError as exc:
            problems = [str(exc)]
        problem = problems[0] if problems else ""
    return BackupInfo(path=path, created_at=created_at(path), size=path.stat().st_size,
                      customers=counts.customers if counts else None,
                      follow_ups=counts.follow_ups if counts else None,
                      ok=not problem, kind=backup_kind(path), problem=problem,
                      checked=verify or counts is None)


def backup_files(folder: Path) -> list[Path]:
    """The backup files in a folder (not the half-written ones), newest first."""
    try:
        found = [path for path in folder.iterdir()
                 if path.name.endswith(BACKUP_SUFFIX) and path.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda path: (created_at(path), path.name), reverse=True)


def newest_good_backup(folders: list[Path], exclude: Path | None = None,
                       quick: bool = True) -> BackupInfo | None:
    """The newest backup in `folders` that passes quick_check (quick=False: integrity_check);
    older ones are checked only when a newer one fails. A restore checks it in full anyway."""
    candidates = {path.resolve(): path for folder in folders for path in backup_files(folder)
                  if exclude is None or not _same(path, exclude)}
    ordered = sorted(candidates.values(), key=lambda path: (created_at(path), path.name),
                     reverse=True)
    for path in ordered:
        try:
            info = describe(path, quick=quick)
        except OSError:
            continue
        if info.ok:
            return info
    return None


class BackupService:
    """Backups of one database file.

    `source` is the app's paths (backups go to paths.backups_dir) or the database path (backups
    go to a "backups" folder beside it). With `computer` (this computer's settings), the owner's
    other folder (BACKUP_FOLDER) is used when it is there.
    """

    def __init__(self, source: AppPaths | Path, backups_dir: Path | None = None,
                 clock: Clock = system_clock, computer: ComputerSettings | None = None) -> None:
        if isinstance(source, AppPaths):
            self.db_path = source.db_file
            default = source.backups_dir
        else:
            self.db_path = Path(source)
            default = self.db_path.parent / "backups"
        self.default_dir = backups_dir if backups_dir is not None else default
        self.clock = clock
        self.computer = computer

    # -- the folder ---------------------------------------------------------------------------

    def chosen_folder(self) -> Path | None:
        """The owner's other folder, whether or not it is plugged in now; None if not set."""
        if self.computer is None:
            return None
        value = self.computer.get(BACKUP_FOLDER)
        return Path(value) if isinstance(value, str) and value else None

    def set_chosen_folder(self, folder: Path | None) -> None:
        """Send backups to `folder` (None: back to the standard backups folder)."""
        if self.computer is None:
            raise RuntimeError("The backup folder is kept in this computer's settings.")
        if folder is None:
            self.computer.set(BACKUP_FOLDER, None)
            return
        folder = Path(folder).expanduser().absolute()
        if not folder.is_dir():
            raise ValidationError.single("folder", f"There is no folder at {folder}.")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ValidationError.single(
                "folder", f"The app may not write in {folder}; choose another folder.")
        self.computer.set(BACKUP_FOLDER, str(folder))

    def folders(self) -> list[Path]:
        """Where backups are looked for: the standard folder and the chosen one if present."""
        found = [self.default_dir]
        chosen = self.chosen_folder()
        if chosen is not None and chosen.is_dir() and not _same(chosen, self.default_dir):
            found.append(chosen)
        return found

    # -- writing ------------------------------------------------------------------------------

    def daily_backup(self) -> BackupInfo | None:
        """Take today's automatic backup unless one was already taken today; then keep the
        newest KEEP_AUTOMATIC automatic backups in that folder. None if there was one."""
        now = self.clock()
        if any(self._automatic_on(folder, now.date()) for folder in self._candidate_folders()):
            return None
        info = self._write(AUTO_PREFIX, now)
        self.prune(info.path.parent, known_good=info.path)
        return info

    def backup_now(self, dest: Path | None = None) -> BackupInfo:
        """Take a backup now: into the backup folder (dest None), into folder `dest`, or to the
        file `dest`. Verified with integrity_check before it is reported."""
        now = self.clock()
        if dest is None:
            return self._write(MANUAL_PREFIX, now)
        dest = Path(dest).expanduser()
        if dest.is_dir():
            return self._write_into(dest, MANUAL_PREFIX, now)
        self._refuse_the_database(dest)
        backup_to(self.db_path, dest)
        return self._written(dest)

    def _write(self, prefix: str, now: datetime) -> BackupInfo:
        chosen = self.chosen_folder()
        if chosen is None or _same(chosen, self.default_dir):
            return self._write_into(self.default_dir, prefix, now)
        if chosen.is_dir():
            try:
                return self._write_into(chosen, prefix, now)
            except (OSError, StoreError):
                # A full, read-only or failing stick, or one pulled out while writing. Were the
                # database itself at fault, the standard folder below fails the same way.
                pass
        return replace(self._write_into(self.default_dir, prefix, now), fell_back_from=chosen)

    def _write_into(self, folder: Path, prefix: str, now: datetime) -> BackupInfo:
        remove_stale_partials(folder)
        dest = unused_name(folder, f"{prefix}-{now:%Y%m%d-%H%M%S}", BACKUP_SUFFIX,
                           companions=(".partial",))
        self._refuse_the_database(dest)
        backup_to(self.db_path, dest)
        return self._written(dest)

    def _written(self, dest: Path) -> BackupInfo:
        # backup_to has just run integrity_check on it: no need to read it twice.
        counts = read_counts(dest)
        return BackupInfo(path=dest, created_at=created_at(dest), size=dest.stat().st_size,
                          customers=counts.customers if counts else None,
                          follow_ups=counts.follow_ups if counts else None, ok=True,
                          kind=backup_kind(dest))

    def _refuse_the_database(self, dest: Path) -> None:
        if _same(dest, self.db_path):
            raise ValidationError.single("dest",
                                         "A backup cannot overwrite the database it copies.")

    def _candidate_folders(self) -> list[Path]:
        chosen = self.chosen_folder()
        return [self.default_dir, *([chosen] if chosen is not None else [])]

    @staticmethod
    def _automatic_on(folder: Path, day: date) -> bool:
        return any(backup_kind(path) is BackupKind.AUTOMATIC and created_at(path).date() == day
                   for path in backup_files(folder))

    # -- pruning ------------------------------------------------------------------------------

    def prune(self, folder: Path, known_good: Path | None = None) -> list[Path]:
        """Delete automatic backups beyond the newest KEEP_AUTOMATIC, but only when a kept one
        is verified sound; if none is, the newest sound older one and everything newer stay.
        Other backups (by hand, before a restore or upgrade) are never deleted here."""
        automatic = [path for path in backup_files(folder)
                     if backup_kind(path) is BackupKind.AUTOMATIC]
        kept, extra = automatic[:KEEP_AUTOMATIC], automatic[KEEP_AUTOMATIC:]
        if not extra:
            return []

        def sound(path: Path) -> bool:
            if known_good is not None and path == known_good:
                return True
            try:
                return not integrity_problems(path)
            except StoreError:
                return False

        if not any(sound(path) for path in kept):
            good = next((index for index, path in enumerate(extra) if sound(path)), None)
            if good is None:
                return []
            extra = extra[good + 1:]
        removed = []
        for path in extra:
            try:
                path.unlink()
            except OSError:
                continue
            removed.append(path)
        return removed

    # -- reading and restoring ----------------------------------------------------------------

    def list_backups(self, verify: bool = True, quick: bool = True) -> list[BackupInfo]:
        """Every backup in the backup folders, newest first, with counts read from each file
        (read-only) and, with verify, whether it passes quick_check (quick=False:
        integrity_check). Without verify it takes milliseconds; see `check` and `describe`."""
        seen: set[Path] = set()
        found = []
        for folder in self.folders():
            for path in backup_files(folder):
                key = path.resolve()
                if key in seen or _same(path, self.db_path):
                    continue
                seen.add(key)
                try:
                    found.append(describe(path, verify=verify, quick=quick))
                except OSError:
                    continue  # removed while being listed
        return sorted(found, key=lambda info: (info.created_at, info.path.name), reverse=True)

    def check(self, path: Path, quick: bool = True) -> BackupInfo:
        """One backup, verified (quick_check, or integrity_check with quick=False)."""
        return describe(Path(path), verify=True, quick=quick)

    def newest_good(self) -> BackupInfo | None:
        """The newest backup that passes integrity_check, checking newest first."""
        return newest_good_backup(self.folders(), exclude=self.db_path)

    def restore(self, backup_path: Path) -> RestoreResult:
        """Replace the database with the backup; returns where the file from before went.

        The backup is checked completely first: a file that is not a sound backup of this app
        (empty, damaged, another program's, from a newer version) is refused with a
        StoreError and nothing changes. A sound current file is copied into the standard
        backups folder first; a damaged one is renamed aside beside it, never deleted.

        The caller must close its Database (Database.close / Services.close) before, and open
        it again after with open_database, which also brings an older backup's schema up to
        date.
        """
        backup_path = Path(backup_path)
        if _same(backup_path, self.db_path):
            raise ValidationError.single("backup",
                                         "That is the database itself, not a backup of it.")
        self._ask_others_to_close()
        if self.default_dir.is_dir():
            # A restore killed while writing its safety copy left a .partial here: the next
            # restore (not only the next backup) takes it away.
            remove_stale_partials(self.default_dir)
        return restore_from(backup_path, self.db_path, self.default_dir, when=self.clock())

    def _ask_others_to_close(self) -> None:
        """Other windows and commands with the file open are asked to let go of it (a window
        notices within a second or two); refused, naming them, if they have not."""
        holders = ask_to_close(self.db_path, CLOSE_WAIT_SECONDS)
        if holders:
            raise DatabaseHeldError(
                f"The database is open {holders[0].describe()}; close it and try again. "
                "Nothing was changed.")


def remove_stale_partials(folder: Path) -> list[Path]:
    """Delete the half-written backups a killed run left in `folder` (the app's own names
    only), unless recently written or still locked by a backup in progress."""

    def busy(path: Path) -> bool:
        match = _PARTIAL.fullmatch(path.name)
        companion = match.group("companion") if match else None
        main = path.with_name(path.name.removesuffix(companion)) if companion else path
        return in_use(main)

    return remove_stale(folder, _PARTIAL, in_use=busy)


def _same(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except OSError:
        return False
