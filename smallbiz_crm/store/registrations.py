"""Who has a database file open: each process that opens it leaves a small 0600 note in
`<db>.open/`, so a restore can ask the others to close and a second window can be noticed.

SQLite's own locks say only that someone holds the file, not who; these notes name them (pid,
host, since when, what: "window", "command import") in the one line a refusal shows.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# What another process may ask of the one holding a note: let go of the file, or come forward.
CLOSE = "close"
RAISE = "raise"
_serial = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Holder:
    """Another process with the file open, as its note describes it."""

    pid: int
    host: str
    since: datetime
    what: str
    note: Path

    def describe(self) -> str:
        where = "" if self.host == _host() else f" on {self.host}"
        what = "" if self.what == "window" else f"{self.what}, "
        place = "in another window" if self.what == "window" else "in another program"
        return f"{place} ({what}pid {self.pid}{where}, since {self.since:%H:%M})"


def folder_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".open")


def _host() -> str:
    return socket.gethostname() or "localhost"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or a platform that cannot tell: assume alive
    return True


class Registration:
    """This process's note for one open of the file; removed by `close`."""

    def __init__(self, db_path: Path, what: str) -> None:
        self.db_path = db_path
        folder = folder_for(db_path)
        # Several opens in one process (a window and its sample window) each get their note.
        note = folder / f"{os.getpid()}-{_host()}-{next(_serial)}.json"
        self.note: Path | None = note
        body = json.dumps({"pid": os.getpid(), "host": _host(), "since": time.time(),
                           "what": what})
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            fd = os.open(note, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(body)
        except OSError:
            # A read-only folder: the file opens without a note (a restore then relies on
            # SQLite's lock alone); never a reason to refuse opening.
            self.note = None

    def requested(self, kind: str) -> bool:
        """Whether another process asked this one to `kind` (CLOSE, RAISE); a request is
        answered once."""
        if self.note is None:
            return False
        request = self.note.with_suffix(f".{kind}")
        if not request.exists():
            return False
        request.unlink(missing_ok=True)
        return True

    def close(self) -> None:
        if self.note is None:
            return
        for path in (self.note, self.note.with_suffix(f".{CLOSE}"),
                     self.note.with_suffix(f".{RAISE}")):
            path.unlink(missing_ok=True)
        self.note = None
        with contextlib.suppress(OSError):  # only when it is empty: the last one out
            folder_for(self.db_path).rmdir()


def others(db_path: Path, what: str | None = None) -> list[Holder]:
    """The other processes with the file open (of kind `what`, if given), oldest first. A
    note left by a process that no longer runs on this host is removed."""
    found: list[Holder] = []
    try:
        notes = sorted(folder_for(db_path).glob("*.json"))
    except OSError:
        return found
    for note in notes:
        try:
            data = json.loads(note.read_text(encoding="utf-8"))
            holder = Holder(pid=int(data["pid"]), host=str(data["host"]),
                            since=datetime.fromtimestamp(float(data["since"])),
                            what=str(data["what"]), note=note)
        except (OSError, ValueError, KeyError, TypeError):
            continue  # half-written or foreign: not ours to judge
        if holder.host == _host():
            if holder.pid == os.getpid():
                continue
            if not _alive(holder.pid):
                for path in note.parent.glob(note.stem + ".*"):
                    path.unlink(missing_ok=True)
                continue
        if what is None or holder.what == what:
            found.append(holder)
    return sorted(found, key=lambda holder: holder.since)


def ask(holder: Holder, kind: str) -> None:
    """Leave a request (CLOSE, RAISE) beside a holder's note, which it polls for."""
    request = holder.note.with_suffix(f".{kind}")
    try:
        fd = os.open(request, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError:
        pass


def ask_to_close(db_path: Path, wait_seconds: float) -> list[Holder]:
    """Ask every other holder to let go of the file and wait up to `wait_seconds` for them;
    returns those still holding it."""
    holders = others(db_path)
    for holder in holders:
        ask(holder, CLOSE)
    deadline = time.monotonic() + wait_seconds
    while holders and time.monotonic() < deadline:
        time.sleep(0.1)
        holders = others(db_path)
    return holders
