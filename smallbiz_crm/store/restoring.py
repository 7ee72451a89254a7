"""Restoring a backup over the database: the backup checked completely before anything is
touched, the current file copied (or, when it is damaged, set aside as it is), then written."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from smallbiz_crm.store.backup import (
    COMPANION_SUFFIXES,
    DatabaseInUseError,
    backup_to,
    integrity_problems,
    move_aside,
    read_only_uri,
    timestamped_name,
)
from smallbiz_crm.store.engine import is_damage
from smallbiz_crm.store.errors import (
    CorruptDatabaseError,
    NotADatabaseError,
    SchemaTooNewError,
    StoreError,
)
from smallbiz_crm.store.exclusive import held_exclusively
from smallbiz_crm.store.files import check_is_database, create_private_file
from smallbiz_crm.store.migrate import known_revisions

UNCHANGED = "Nothing was changed."
# Tables every revision of the schema has had since the first: a file without them is some
# other program's, whatever else it holds.
CORE_TABLES = frozenset({"alembic_version", "customer", "follow_up", "interaction", "setting"})
# How long to wait for another program to let go of the database before giving up; SQLite's
# backup API (as Python drives it) would otherwise wait for ever.
IN_USE_WAIT_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """Where the file from before went: a verified copy of it in the backups folder, or, when
    it was damaged (no copy can be made of it), the file itself renamed beside the database."""

    safety_copy: Path | None = None
    set_aside: Path | None = None

    def where_previous(self) -> str:
        """One sentence saying where the file from before is; empty when there was none."""
        if self.safety_copy is not None:
            return f"A copy of the file from before is at {self.safety_copy}."
        if self.set_aside is not None:
            return f"The damaged file from before was set aside, unchanged, as {self.set_aside}."
        return ""


def _one_line(text: object, limit: int = 200) -> str:
    return " ".join(str(text).split())[:limit]


def check_restorable(backup: Path) -> None:
    """Refuse, with one sentence saying why, anything but a sound backup of this app that this
    version can open: not SQLite, empty, damaged, another program's, or from a newer version."""
    try:
        check_is_database(backup)
    except StoreError as exc:
        raise type(exc)(f"{exc} {UNCHANGED}") from None
    if backup.stat().st_size == 0:
        raise NotADatabaseError(f"{backup} is empty (0 bytes), not a backup. {UNCHANGED}")
    try:
        problems = integrity_problems(backup)
    except DatabaseInUseError as exc:
        raise DatabaseInUseError(f"{exc} {UNCHANGED}") from None
    if problems:
        raise CorruptDatabaseError(f"{backup.name} is damaged and cannot be restored: "
                                   f"{_one_line(problems[0])}. {UNCHANGED}")
    conn = sqlite3.connect(read_only_uri(backup), uri=True)
    try:
        tables = {str(row[0]) for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        rows = (conn.execute("SELECT version_num FROM alembic_version").fetchall()
                if "alembic_version" in tables else [])
    except sqlite3.Error as exc:
        raise NotADatabaseError(f"{backup.name} cannot be read as a backup ({exc}). "
                                f"{UNCHANGED}") from None
    finally:
        conn.close()
    if not tables - {"sqlite_sequence"}:
        raise NotADatabaseError(f"{backup.name} is an empty SQLite file with no Smallbiz CRM "
                                f"data in it. {UNCHANGED}")
    if CORE_TABLES - tables:
        raise NotADatabaseError(f"{backup.name} holds another program's data, not a "
                                f"Smallbiz CRM backup. {UNCHANGED}")
    if len(rows) != 1:
        raise NotADatabaseError(f"{backup.name} records no schema revision, so this app cannot "
                                f"tell what it holds. {UNCHANGED}")
    revision = _one_line(rows[0][0], 40)
    if revision not in known_revisions():
        raise SchemaTooNewError(
            f"{backup.name} was written by a newer version of Smallbiz CRM (schema "
            f"{revision}); update the app to restore it. {UNCHANGED}")


def restore_from(backup: Path, target: Path, backups_dir: Path,
                 when: datetime | None = None) -> RestoreResult:
    """Replace target's content with backup's.

    The backup is checked completely first (check_restorable); a refusal changes nothing.
    A sound current file is copied into backups_dir first; a damaged one (which cannot be
    copied) is renamed aside beside it, stamped with `when`, never deleted. The caller must
    have closed its own connections to target.
    """
    check_restorable(backup)
    if target.is_dir():
        raise NotADatabaseError(f"{target} is a folder, not a database file. {UNCHANGED}")
    result = RestoreResult()
    if target.exists() and target.stat().st_size > 0:
        # Looked at read-only first: holding a file opens it for writing, and closing that
        # would fold its WAL into the damaged pages. A damaged file is set aside as it is.
        if _damaged_now(target):
            result = _set_aside(target, when or datetime.now())
        else:
            try:
                return _restore_held(backup, target, backups_dir)
            except _Damaged:
                result = _set_aside(target, when or datetime.now())
    try:
        _write(backup, target)
    except (StoreError, sqlite3.Error, OSError) as exc:
        reason = str(exc) if isinstance(exc, StoreError) else (
            f"Could not restore {backup.name}: {getattr(exc, 'strerror', None) or exc}.")
        if _undo_write(target, result.set_aside):
            raise StoreError(f"{reason} {UNCHANGED}") from None
        raise StoreError(f"{reason} {result.where_previous()}".strip()) from None
    return result


def _damaged_now(target: Path) -> bool:
    try:
        return bool(integrity_problems(target, quick=True))
    except DatabaseInUseError:
        return False  # held by another program: the hold below says so
    except (StoreError, sqlite3.Error):
        return True


class _Damaged(Exception):
    """The current file could not be copied because it is damaged."""


def _restore_held(backup: Path, target: Path, backups_dir: Path) -> RestoreResult:
    """Held alone from the safety copy to the end: a commit from another process lands in the
    safety copy or waits for the restored file, never in between (where it would be lost).
    Written into the existing file through SQLite's backup API, never renamed over it
    (another process may still have it open; on Windows the rename fails outright)."""
    result = RestoreResult()
    try:
        with held_exclusively(target) as held:
            try:
                result = RestoreResult(safety_copy=backup_to(
                    target, backups_dir / timestamped_name("before-restore"), held))
            except DatabaseInUseError as exc:
                raise DatabaseInUseError(f"{exc} {UNCHANGED}") from None
            except StoreError as exc:
                if _is_damaged(target, exc):
                    raise _Damaged from None
                raise StoreError(f"{exc} {UNCHANGED}") from None
            except OSError as exc:
                raise StoreError(f"Could not copy {target.name} before the restore: "
                                 f"{exc.strerror or exc}. {UNCHANGED}") from None
            _write_into(backup, held)
    except sqlite3.DatabaseError as exc:
        if result.safety_copy is None and is_damage(exc):
            raise _Damaged from None
        reason = f"Could not restore {backup.name}: {exc}."
        raise StoreError(f"{reason} {result.where_previous() or UNCHANGED}") from None
    except StoreError as exc:
        if result.safety_copy is None:
            raise
        raise StoreError(f"{exc} {result.where_previous()}") from None
    return result


def _undo_write(target: Path, set_aside: Path | None) -> bool:
    """After a failed write where no file of the owner's was written into: remove what this
    restore created and put a set-aside file back. True when everything is as before."""
    try:
        for leftover in _with_companions(target):
            leftover.unlink(missing_ok=True)
        if set_aside is not None:
            for source, dest in zip(_with_companions(set_aside), _with_companions(target),
                                    strict=True):
                if source.exists():
                    os.rename(source, dest)
    except OSError:
        return False
    return True


def _with_companions(path: Path) -> list[Path]:
    # The main file last: renamed back after its -wal, so SQLite never sees it alone.
    return [*(path.with_name(path.name + extra) for extra in COMPANION_SUFFIXES), path]


def _set_aside(target: Path, when: datetime) -> RestoreResult:
    # Renamed, not copied: the owner (or someone who repairs SQLite files) may still recover
    # rows from it, and a rename cannot fail half-way through the damaged pages.
    try:
        return RestoreResult(set_aside=move_aside(target, when))
    except OSError as exc:
        raise StoreError(f"{target.name} is damaged and could not be set aside: "
                         f"{exc.strerror or exc}. {UNCHANGED}") from None


def _is_damaged(target: Path, failure: StoreError) -> bool:
    """Whether the copy failed because of the file itself (not a full disk, say)."""
    if isinstance(failure, CorruptDatabaseError | NotADatabaseError):
        return True
    try:
        return bool(integrity_problems(target, quick=True))
    except DatabaseInUseError:
        raise
    except NotADatabaseError:
        return True


def _write(backup: Path, target: Path) -> None:
    create_private_file(target)
    src = sqlite3.connect(read_only_uri(backup), uri=True)
    try:
        out = sqlite3.connect(target, timeout=IN_USE_WAIT_SECONDS)
        try:
            # The backup API writes the whole copy in one go, under SQLite's own locking.
            src.backup(out)
            out.execute("PRAGMA journal_mode = WAL")
            out.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            out.close()
    finally:
        src.close()


def _write_into(backup: Path, held: sqlite3.Connection) -> None:
    src = sqlite3.connect(read_only_uri(backup), uri=True)
    try:
        src.backup(held)
        held.execute("PRAGMA journal_mode = WAL")
        held.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        src.close()
