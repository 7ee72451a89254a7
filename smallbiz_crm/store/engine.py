"""Opening the SQLite file: owner-only permissions, per-connection pragmas, units of work."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from smallbiz_crm.store.errors import CorruptDatabaseError
from smallbiz_crm.store.registrations import Registration

BUSY_TIMEOUT_MS = 10_000
# A unit of work waits this long for another writer (another window's or command's big
# import) before giving up, after saying so once it has waited FIRST_WAIT_MS.
FIRST_WAIT_MS = 1_000
WRITE_WAIT_MS = 60 * 60_000
WAITING_MESSAGE = "Waiting for the other window to finish…"
# The Database whose unit of work is beginning on this thread, so its BEGIN takes the write
# lock at once (and may wait for it) rather than failing at the first write.
_writing: ContextVar[Database | None] = ContextVar("_writing", default=None)


def is_damage(exc: BaseException) -> bool:
    """SQLite's words for a damaged file ("database disk image is malformed", "file is not a
    database"), as the driver raises them or SQLAlchemy wraps them."""
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).lower()
    return isinstance(cause, sqlite3.DatabaseError) and (
        "malformed" in text or "not a database" in text)


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
        # Errors would otherwise quote the statement's values (names, phone numbers) into
        # every message, and from there into the log.
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Python 3.11's sqlite3 starts transactions on its own and not before every statement;
        # turn that off and let SQLAlchemy emit BEGIN, so every unit of work is one transaction.
        dbapi_connection.isolation_level = None
        apply_pragmas(dbapi_connection, foreign_keys=foreign_keys)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        database = _writing.get()
        if database is None:
            conn.exec_driver_sql("BEGIN")
        else:
            database.begin_write(conn)

    return engine


class Database:
    """One open database file: hands out sessions, one transaction per unit of work."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self.sessions: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)
        # Set when SQLite reports the file damaged: from then on nothing is written into it
        # (writing into a damaged file spreads the damage) and the listeners are told once.
        self.damaged = False
        self.damage_listeners: list[Callable[[], None]] = []
        # Told (on the writing thread) when a write has to wait for another program's; the
        # window shows it in the status bar, a command on stderr.
        self.wait_listeners: list[Callable[[str], None]] = []
        # This process's note in `<db>.open/` (open_database sets it), removed on close.
        self.registration: Registration | None = None
        event.listen(engine, "handle_error", self._on_error)

    def _on_error(self, context: Any) -> None:
        if self.damaged or not is_damage(context.original_exception):
            return
        self.damaged = True
        for listener in list(self.damage_listeners):
            listener()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """Commit on success, roll back everything on any error."""
        if self.damaged:
            raise CorruptDatabaseError(
                f"{self.path.name} is damaged, so nothing more is written into it. Restore "
                "the newest good backup (File → Restore a backup…).")
        token: Token[Database | None] | None = _writing.set(self)
        try:
            with self.sessions.begin() as session:
                # The connection (and its BEGIN) is taken now, not at the first statement.
                session.connection()
                _writing.reset(token)  # type: ignore[arg-type]
                token = None
                yield session
        finally:
            if token is not None:
                _writing.reset(token)

    def begin_write(self, conn: Any) -> None:
        """BEGIN IMMEDIATE: take the write lock before anything is read, waiting for another
        writer (saying so after FIRST_WAIT_MS) instead of failing after BUSY_TIMEOUT_MS. A
        deferred BEGIN could also fail later with a stale snapshot, which no wait cures."""
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {FIRST_WAIT_MS}")
        try:
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if "locked" not in str(exc.orig).lower():
                    raise
            for listener in list(self.wait_listeners):
                listener(WAITING_MESSAGE)
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {WRITE_WAIT_MS}")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

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
            if not self.damaged:  # folding the WAL into a damaged file would spread it
                self.checkpoint()
        finally:
            self.engine.dispose()
            if self.registration is not None:
                self.registration.close()
