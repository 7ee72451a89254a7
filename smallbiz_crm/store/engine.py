"""Opening the SQLite file: owner-only permissions, per-connection pragmas, units of work."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from smallbiz_crm.store.errors import CorruptDatabaseError, ReadOnlyDatabaseError, is_disk_full
from smallbiz_crm.store.registrations import Registration

BUSY_TIMEOUT_MS = 10_000
# Below this much free space a file whose first read fails is taken to be on a full disk.
NEARLY_FULL_BYTES = 1024 * 1024
_SQLITE_IOERR = 10


@dataclass(frozen=True)
class Access:
    """How a database file can be opened.

    reason: why nothing can be written ("shop.db is read-only"), None when it can be;
    remedy: what the owner can do about it; query: SQLite URI options; exclusive: keep the
    WAL index in this process's memory, so reading creates no -shm file (a full disk).
    """

    reason: str | None = None
    remedy: str = ""
    query: str = ""
    exclusive: bool = False

    @property
    def refusal(self) -> str | None:
        """The one line every write is refused with."""
        return None if self.reason is None else f"{self.reason}: nothing was changed; {self.remedy}"

    @property
    def notice(self) -> str | None:
        """What the owner is told when the file opens for reading only."""
        return None if self.reason is None else (
            f"{self.reason}, so it is open for reading only: nothing can be changed.")


WRITABLE = Access()
READ = Access(query="mode=ro")  # a look at a writable file: no write can happen by mistake


def _space_left(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return NEARLY_FULL_BYTES  # unknown: do not guess "full"


def database_uri(path: Path, access: Access) -> str:
    # as_uri() percent-encodes, so a folder named "a?b#c" cannot bend the URI's meaning.
    uri = path.absolute().as_uri()
    return f"{uri}?{access.query}" if access.query else uri


def connect(path: Path, access: Access = WRITABLE) -> sqlite3.Connection:
    """A raw connection opened as `access` says (every open of the file goes through here)."""
    conn = sqlite3.connect(database_uri(path, access), uri=True, check_same_thread=False,
                           timeout=BUSY_TIMEOUT_MS / 1000)
    if access.exclusive:
        # Before the first read: SQLite then keeps the WAL index in memory, no -shm file.
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    return conn


def access_for(path: Path) -> Access:
    """How `path` (an existing file) can be opened, found without writing anything new.

    A file or folder that cannot be written opens read-only; SQLite's shared -shm file cannot
    be created in a read-only folder, so there the file is read as it stands (immutable: no
    one can change it either). A file whose first read fails on a full disk (creating the
    -shm needs space) opens with the WAL index in memory, writes refused.
    """
    name = path.name
    folder = path.parent
    folder_writable = os.access(folder, os.W_OK)
    if not os.access(path, os.W_OK) or not folder_writable:
        reason = (f"{name} is read-only" if folder_writable
                  else f"{name} is read-only (its folder {folder} cannot be written to)")
        shm = path.with_name(name + "-shm")
        return Access(
            reason=reason,
            remedy="make it writable (or copy it to a folder you can write to) to make changes.",
            query="mode=ro" if folder_writable or shm.exists() else "mode=ro&immutable=1")
    try:
        probe = sqlite3.connect(database_uri(path, WRITABLE), uri=True,
                                timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
    except sqlite3.OperationalError as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if is_disk_full(exc) or (code == _SQLITE_IOERR
                                 and _space_left(folder) < NEARLY_FULL_BYTES):
            return Access(reason=f"The disk holding {name} is full",
                          remedy="free some space and try again.", exclusive=True)
    except sqlite3.Error:
        pass  # damage and the like: the open that follows explains it
    return WRITABLE

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


def apply_pragmas(dbapi_connection: sqlite3.Connection, foreign_keys: bool = True,
                  writable: bool = True) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        # Asked first: switching a file that already is in WAL mode would still need a write
        # (and a read-only file or a full disk cannot take one).
        mode = str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if mode != "wal" and writable:
            cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit is on disk before it is reported, even if the laptop loses power.
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def make_engine(path: Path, foreign_keys: bool = True, access: Access = WRITABLE) -> Engine:
    # An exclusive connection locks out every other, this process's own pool included: one.
    pool: dict[str, Any] = {"pool_size": 1, "max_overflow": 0} if access.exclusive else {}
    engine = create_engine(
        f"sqlite:///{path}",
        creator=lambda: connect(path, access),
        # Errors would otherwise quote the statement's values (names, phone numbers) into
        # every message, and from there into the log.
        hide_parameters=True,
        **pool,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Python 3.11's sqlite3 starts transactions on its own and not before every statement;
        # turn that off and let SQLAlchemy emit BEGIN, so every unit of work is one transaction.
        dbapi_connection.isolation_level = None
        apply_pragmas(dbapi_connection, foreign_keys=foreign_keys,
                      writable=access.reason is None)

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

    def __init__(self, path: Path, engine: Engine, access: Access = WRITABLE) -> None:
        self.path = path
        self.engine = engine
        # Not None when the file can only be read (read-only, or on a full disk): every
        # write is refused with this line before it starts.
        self.read_only: str | None = access.refusal
        self.read_only_notice: str | None = access.notice
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
        if self.read_only is not None:
            raise ReadOnlyDatabaseError(self.read_only)
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
            # Folding the WAL into a damaged file would spread the damage; a read-only one
            # cannot take it. Either way the WAL keeps every commit for the next open.
            if not self.damaged and self.read_only is None:
                self.checkpoint()
        except Exception as exc:
            # A full disk cannot take the folded pages: the commits stay in the WAL, safe,
            # and are folded in by the first open after space is freed.
            if not is_disk_full(exc):
                raise
        finally:
            self.engine.dispose()
            if self.registration is not None:
                self.registration.close()
