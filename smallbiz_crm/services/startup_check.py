"""The database file's check at start: a damaged file is set aside and a backup found for it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from smallbiz_crm.computer_settings import ComputerSettings
from smallbiz_crm.domain.settings import BACKUP_FOLDER
from smallbiz_crm.paths import AppPaths
from smallbiz_crm.services.backups import BackupInfo, newest_good_backup
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.store.backup import (
    integrity_problems,
    move_aside,
    read_setting,
    rebuild_search_index,
)
from smallbiz_crm.store.errors import StoreError
from smallbiz_crm.store.files import check_is_database

SEARCH_INDEX_PROBLEM = "search index:"


@dataclass(frozen=True, slots=True)
class StartupCheck:
    """ok: open the database as usual. Otherwise the file was moved to `moved_aside_to` and
    `newest_good_backup` (if any) can be restored before the database is opened."""

    ok: bool
    moved_aside_to: Path | None = None
    newest_good_backup: BackupInfo | None = None
    message: str = ""
    problems: tuple[str, ...] = ()


def check_database_at_start(paths: AppPaths, clock: Clock = system_clock,
                            computer: ComputerSettings | None = None) -> StartupCheck:
    """Run quick_check on the database before it is opened.

    A file that is not an SQLite database at all is left untouched and refused with
    NotADatabaseError (it may be a mistaken --db path); a file locked by another program
    raises DatabaseInUseError. An SQLite file that fails the check is renamed, with its
    -wal/-shm, to `<name>.damaged-YYYYMMDD-HHMMSS` beside it (never overwritten or deleted),
    and the newest good backup is looked up in the backups folder and in the owner's other
    folder, if the damaged file still tells which one that is.
    """
    path = paths.db_file
    if not path.exists():
        return StartupCheck(ok=True)
    check_is_database(path)
    if path.stat().st_size == 0:
        return StartupCheck(ok=True)  # a new file, created by an earlier start
    problems = integrity_problems(path, quick=True)
    if not problems:
        return StartupCheck(ok=True)
    if all(problem.startswith(SEARCH_INDEX_PROBLEM) for problem in problems):
        # The search index holds nothing of its own; rebuilt from the rows, nothing is lost.
        try:
            rebuild_search_index(path)
            problems = integrity_problems(path, quick=True)
        except StoreError:
            pass
        if not problems:
            return StartupCheck(ok=True, message="The customer search index was damaged; it "
                                                 "was rebuilt from your customers.")
    folders = [paths.backups_dir]
    # This computer's choice; a file from before computer settings kept it inside itself.
    chosen = computer.get(BACKUP_FOLDER) if computer is not None else None
    chosen = chosen or read_setting(path, BACKUP_FOLDER.name)
    if isinstance(chosen, str) and chosen and Path(chosen).is_dir():
        folders.append(Path(chosen))
    moved = move_aside(path, clock())
    backup = newest_good_backup(folders, exclude=path)
    message = (f"Your data file failed its safety check ({problems[0]}). It was set aside, "
               f"unchanged, as {moved}.")
    if backup is not None:
        message += (f" The newest good backup is from {backup.created_at:%Y-%m-%d %H:%M}"
                    f" with {backup.customers} customers.")
    else:
        message += (" No good backup was found: the app starts with a new, empty file. Keep "
                    "the damaged file; someone who repairs SQLite files may recover it.")
    return StartupCheck(ok=False, moved_aside_to=moved, newest_good_backup=backup,
                        message=message, problems=tuple(problems))
