"""The database file on disk before SQLAlchemy opens it: private creation, the header check."""

from __future__ import annotations

import os
from pathlib import Path

from smallbiz_crm.store.errors import MissingDatabaseError, NotADatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"


def create_private_file(path: Path) -> None:
    """Create an empty file readable and writable by its owner only (0600), if it is missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def check_is_database(path: Path) -> None:
    """Refuse, untouched, a missing file or one that is not an SQLite database."""
    if not path.exists():
        raise MissingDatabaseError(f"There is no database file at {path}.")
    if path.is_dir():
        raise NotADatabaseError(f"{path} is a folder, not a database file.")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise NotADatabaseError(f"Cannot read {path}: {exc.strerror}.") from None
    if header and header != SQLITE_HEADER:
        raise NotADatabaseError(f"{path} is not a Smallbiz CRM database file.")
