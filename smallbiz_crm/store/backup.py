"""Copies of the database taken with SQLite's online backup API, verified after writing."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from smallbiz_crm.store.engine import access_for, connect
from smallbiz_crm.store.errors import CorruptDatabaseError, StoreError
from smallbiz_crm.store.files import check_is_database, create_private_file

# Beside a database file, SQLite keeps these; they belong to it and move with it.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class DatabaseInUseError(StoreError):
    """Another program holds the file locked: it could not be checked, which is not damage."""


def _raise_if_busy(exc: sqlite3.Error, path: Path) -> None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _BUSY_CODES:
        raise DatabaseInUseError(
            f"{path.name} is in use by another program (perhaps another window of the app); "
            "close it and try again.") from None


def read_only_uri(path: Path) -> str:
    # as_uri() percent-encodes, so a folder named "a?b#c" cannot bend the URI's meaning.
    return path.absolute().as_uri() + "?mode=ro"


def integrity_problems(path: Path, quick: bool = False) -> list[str]:
    """What `PRAGMA integrity_check` (or quick_check) reports; empty when the file is sound.

    A file locked by another program raises DatabaseInUseError rather than reporting damage.
    """
    check_is_database(path)
    pragma = "quick_check" if quick else "integrity_check"
    # Not read-only when it can be written: FTS5's integrity-check is spelled as an INSERT,
    # though it writes nothing; the file is known to exist, so connecting creates nothing.
    access = access_for(path)
    try:
        conn = connect(path, access)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        rows = [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}")]
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        # The FTS index has its own check; a broken one raises rather than reporting rows. A
        # read-only file (or a full disk) cannot run that INSERT: its other checks stand.
        if "customer_fts" in tables and access.reason is None:
            try:
                conn.execute(
                    "INSERT INTO customer_fts(customer_fts, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as exc:
                _raise_if_busy(exc, path)
                rows.append(f"search index: {exc}")
    except sqlite3.DatabaseError as exc:
        _raise_if_busy(exc, path)
        return [str(exc)]
    finally:
        conn.close()
    return [row for row in rows if row != "ok"]


def backup_to(source: Path, dest: Path,
              connection: sqlite3.Connection | None = None) -> Path:
    """Copy a live database (its WAL included) to dest, then verify the copy. `connection`:
    one already open on source that holds it exclusively (a restore), to copy through."""
    if connection is None:
        # Not with a held file: closing any descriptor of it drops this process's locks
        # (POSIX), so even reading its header would let other writers in.
        check_is_database(source)
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private_file(partial)
    try:
        src = connection or sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            out = sqlite3.connect(partial)
            try:
                src.backup(out)
                # A backup must be one self-contained file: no WAL beside it.
                out.execute("PRAGMA journal_mode = DELETE")
            finally:
                out.close()
        finally:
            if connection is None:
                src.close()
        problems = integrity_problems(partial)
        if problems:
            raise CorruptDatabaseError(
                f"The backup of {source.name} failed its check: {problems[0]}")
        # Written under another name and renamed: a half-written backup never looks finished.
        partial.replace(dest)
    except sqlite3.Error as exc:
        raise StoreError(f"Could not back up {source.name}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return dest


def in_use(path: Path) -> bool:
    """Whether another connection holds a lock on the database file (a backup being written
    into it, or checked); a file that is no database, or no longer there, is not in use."""
    if not path.exists():
        return False
    try:
        conn = sqlite3.connect(path, timeout=0)
    except sqlite3.Error:
        return False
    try:
        conn.isolation_level = None
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _BUSY_CODES
    finally:
        conn.close()
    return False


def timestamped_name(prefix: str = "backup") -> str:
    return f"{prefix}-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.db"


# -- reading backups, setting damaged files aside ------------------------------------------


@dataclass(frozen=True, slots=True)
class FileCounts:
    customers: int
    follow_ups: int


def read_counts(path: Path) -> FileCounts | None:
    """How many customers and follow-ups a database file holds, read without changing it;
    None when the file cannot be read as a database."""
    try:
        check_is_database(path)
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except (StoreError, sqlite3.Error):
        return None
    try:
        customers = conn.execute("SELECT count(*) FROM customer").fetchone()[0]
        follow_ups = conn.execute("SELECT count(*) FROM follow_up").fetchone()[0]
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return FileCounts(customers=int(customers), follow_ups=int(follow_ups))


def read_setting(path: Path, key: str) -> Any:
    """One owner setting read straight from a file (even a damaged one, if that page is
    readable); None when it cannot be read."""
    try:
        check_is_database(path)
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except (StoreError, sqlite3.Error):
        return None
    try:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        conn.close()


def rebuild_search_index(path: Path) -> None:
    """Rebuild the customer search index from the customer rows (it holds nothing else)."""
    try:
        conn = sqlite3.connect(path)
        try:
            with conn:
                conn.execute("INSERT INTO customer_fts(customer_fts) VALUES ('rebuild')")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        _raise_if_busy(exc, path)
        raise StoreError(f"Could not rebuild the search index of {path.name}: {exc}") from None


def unused_name(folder: Path, stem: str, suffix: str = "",
                companions: tuple[str, ...] = ()) -> Path:
    """folder/stem+suffix, or stem-2, stem-3, ... when that (or a companion of it) exists."""
    number = 1
    while True:
        name = f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}"
        candidate = folder / name
        taken = [candidate, *(candidate.with_name(name + extra) for extra in companions)]
        if not any(os.path.lexists(path) for path in taken):
            return candidate
        number += 1


def move_aside(path: Path, when: datetime) -> Path:
    """Rename a damaged database, with its -wal/-shm, to `<name>.damaged-YYYYMMDD-HHMMSS`.

    Never overwrites and never deletes: the owner (or someone who repairs SQLite files) may
    still recover rows from it. Returns the new path of the main file.
    """
    target = unused_name(path.parent, f"{path.name}.damaged-{when:%Y%m%d-%H%M%S}",
                         companions=COMPANION_SUFFIXES)
    # The companions keep their suffix after the new name, so SQLite still pairs them up; a
    # WAL left behind would be replayed into whatever file is created under the old name.
    moves = [(path.with_name(path.name + extra), target.with_name(target.name + extra))
             for extra in COMPANION_SUFFIXES]
    moves = [(source, dest) for source, dest in moves if source.exists()]
    moves.append((path, target))
    done: list[tuple[Path, Path]] = []
    try:
        for source, dest in moves:
            os.rename(source, dest)
            done.append((source, dest))
    except OSError:
        for source, dest in reversed(done):
            os.rename(dest, source)
        raise
    return target
