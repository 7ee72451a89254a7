"""Holding a database file so no other connection reads or writes it (a restore, from its
safety copy to its end): commits made elsewhere land either in the safety copy or after."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from smallbiz_crm.store.errors import StoreError

HOLD_WAIT_SECONDS = 5.0


class DatabaseHeldError(StoreError):
    """Another connection kept the file open: it could not be held alone; nothing changed."""


@contextmanager
def held_exclusively(path: Path, wait_seconds: float = HOLD_WAIT_SECONDS,
                     ) -> Iterator[sqlite3.Connection]:
    """A connection to `path` holding it exclusively until the block ends.

    In WAL mode an exclusive lock is only granted once every other connection has closed, and
    SQLite does not wait for it on its own (no busy handler): hence the loop. While held, this
    process must not open and close the file by other means (a header check): on POSIX that
    drops every lock the process holds on it.
    """
    conn = sqlite3.connect(path, timeout=0)
    try:
        conn.isolation_level = None
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                # The lock is kept after COMMIT: that is what EXCLUSIVE locking mode means.
                conn.execute("BEGIN EXCLUSIVE")
                # In WAL mode the lock is only taken at the first read: read, then keep it.
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                conn.execute("COMMIT")
                break
            except sqlite3.OperationalError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise DatabaseHeldError(
                        f"{path.name} is in use by another program (perhaps another window "
                        "of the app); close it and try again. Nothing was changed.") from None
                time.sleep(0.05)
        yield conn
    finally:
        conn.close()
