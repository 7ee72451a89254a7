"""Problems with the database file itself, each with a message an owner can act on."""

from __future__ import annotations

import errno
import sqlite3

_SQLITE_FULL = 13


class StoreError(Exception):
    """The database file cannot be used as asked; str(error) is a plain one-line message."""


class NotADatabaseError(StoreError):
    pass


class SchemaTooNewError(StoreError):
    pass


class CorruptDatabaseError(StoreError):
    pass


class MissingDatabaseError(StoreError):
    pass


class ReadOnlyDatabaseError(StoreError):
    """The file can only be read (read-only file or folder, or a full disk): nothing was
    written."""


class DiskFullError(StoreError):
    pass


def is_disk_full(exc: BaseException) -> bool:
    """SQLite's "database or disk is full" or the system's "no space left" (quota too)."""
    cause = getattr(exc, "orig", None) or exc
    if isinstance(cause, OSError):
        return cause.errno in (errno.ENOSPC, errno.EDQUOT)
    if not isinstance(cause, sqlite3.OperationalError):
        return False
    code = getattr(cause, "sqlite_errorcode", None)
    return (code is not None and code & 0xFF == _SQLITE_FULL) or "disk is full" in str(cause)


class DamagedDatabaseError(CorruptDatabaseError):
    """The database file itself fails its check: nothing may be written into it."""
