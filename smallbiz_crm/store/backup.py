"""Copies of the database taken with SQLite's online backup API, verified after writing."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from smallbiz_crm.store.engine import check_is_database, create_private_file
from smallbiz_crm.store.errors import CorruptDatabaseError, StoreError


def integrity_problems(path: Path, quick: bool = False) -> list[str]:
    """What `PRAGMA integrity_check` (or quick_check) reports; empty when the file is sound."""
    check_is_database(path)
    pragma = "quick_check" if quick else "integrity_check"
    try:
        # Not read-only: FTS5's integrity-check is spelled as an INSERT, though it writes
        # nothing; the file is known to exist, so connecting creates nothing either.
        conn = sqlite3.connect(path)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        rows = [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}")]
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "customer_fts" in tables:
            # The FTS index has its own check; a broken one raises rather than reporting rows.
            try:
                conn.execute(
                    "INSERT INTO customer_fts(customer_fts, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as exc:
                rows.append(f"search index: {exc}")
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()
    return [row for row in rows if row != "ok"]


def backup_to(source: Path, dest: Path) -> Path:
    """Copy a live database (its WAL included) to dest, then verify the copy."""
    check_is_database(source)
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private_file(partial)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            out = sqlite3.connect(partial)
            try:
                src.backup(out)
                # A backup must be one self-contained file: no WAL beside it.
                out.execute("PRAGMA journal_mode = DELETE")
            finally:
                out.close()
        finally:
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


def timestamped_name(prefix: str = "backup") -> str:
    return f"{prefix}-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.db"


def restore_from(backup: Path, target: Path, backups_dir: Path) -> Path | None:
    """Replace target's content with backup's, after backing up the current target.

    Returns the safety copy of what was there before (None if there was no target).
    """
    check_is_database(backup)
    problems = integrity_problems(backup)
    if problems:
        raise CorruptDatabaseError(f"{backup.name} is damaged and cannot be restored: "
                                   f"{problems[0]}")
    safety = None
    if target.exists() and target.stat().st_size > 0:
        safety = backup_to(target, backups_dir / timestamped_name("before-restore"))
    create_private_file(target)
    try:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            out = sqlite3.connect(target)
            try:
                # The backup API writes the whole copy in one go, under SQLite's own locking.
                src.backup(out)
                out.execute("PRAGMA journal_mode = WAL")
                out.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                out.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise StoreError(f"Could not restore {backup.name}: {exc}") from None
    return safety
