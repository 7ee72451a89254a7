"""Opening a database file: create it private, refuse what is not ours, migrate, then connect."""

from __future__ import annotations

from pathlib import Path

from smallbiz_crm.store.engine import Database, access_for, make_engine
from smallbiz_crm.store.errors import MissingDatabaseError
from smallbiz_crm.store.files import check_is_database, create_private_file
from smallbiz_crm.store.migrate import ensure_current
from smallbiz_crm.store.registrations import Registration


def open_database(path: Path, backups_dir: Path | None = None, create: bool = True,
                  what: str = "program") -> Database:
    """Open (or create) the file, bringing its schema up to date; refuse anything unsafe.

    `what` names this process in the file's registrations ("window", "command import"), so a
    restore elsewhere can say who has it open."""
    created = not path.exists()
    if created:
        if not create:
            raise MissingDatabaseError(f"There is no database file at {path}.")
        create_private_file(path)
    check_is_database(path)
    # A read-only file, folder or full disk opens for reading, creating nothing new.
    access = access_for(path)
    try:
        ensure_current(path, backups_dir, access)
    except BaseException:
        if created:
            # A file we just made and could not set up would later read as "schema none".
            for leftover in (path, path.with_name(path.name + "-wal"),
                             path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise
    database = Database(path, make_engine(path, access=access), access)
    database.registration = Registration(path, what)
    return database
