"""Opening the SQLite file: owner-only permissions, per-connection pragmas, units of work."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from smallbiz_crm.store.errors import MissingDatabaseError, NotADatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


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


def apply_pragmas(dbapi_connection: sqlite3.Connection, foreign_keys: bool = True) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit is on disk before it is reported, even if the laptop loses power.
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def make_engine(path: Path, foreign_keys: bool = True) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Python 3.11's sqlite3 starts transactions on its own and not before every statement;
        # turn that off and let SQLAlchemy emit BEGIN, so every unit of work is one transaction.
        dbapi_connection.isolation_level = None
        apply_pragmas(dbapi_connection, foreign_keys=foreign_keys)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


class Database:
    """One open database file: hands out sessions, one transaction per unit of work."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self.sessions: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """Commit on success, roll back everything on any error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def checkpoint(self) -> None:
        """Fold the WAL back into the main file, so the .db alone holds every commit."""
        # On the raw connection: inside a transaction a checkpoint cannot finish.
        raw = self.engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
        finally:
            raw.close()

    def close(self) -> None:
        try:
            self.checkpoint()
        finally:
            self.engine.dispose()


def open_database(path: Path, backups_dir: Path | None = None, create: bool = True) -> Database:
    """Open (or create) the file, bringing its schema up to date; refuse anything unsafe."""
    from smallbiz_crm.store.migrate import ensure_current

    created = not path.exists()
    if created:
        if not create:
            raise MissingDatabaseError(f"There is no database file at {path}.")
        create_private_file(path)
    check_is_database(path)
    try:
        ensure_current(path, backups_dir)
    except BaseException:
        if created:
            # A file we just made and could not set up would later read as "schema none".
            for leftover in (path, path.with_name(path.name + "-wal"),
                             path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise
    return Database(path, make_engine(path))
