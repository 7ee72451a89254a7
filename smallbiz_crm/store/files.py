"""Files on disk: the database's private creation and header check, and the app's other
files written whole and 0600 (exports, PDFs), with the leftovers of killed runs cleaned up."""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

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


# A file of the app's naming pattern untouched this long is a leftover of a killed run, not
# one being written (an export or backup in progress writes to its file all the time).
STALE_AFTER_SECONDS = 5 * 60


def remove_stale(folder: Path, pattern: re.Pattern[str],
                 in_use: Callable[[Path], bool] | None = None,
                 older_than: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Delete the files in `folder` whose whole name matches `pattern` (the app's own
    temporary files), unmodified for `older_than` seconds and not `in_use`; never anything
    else. Returns what was removed; a file that cannot be removed is left for next time."""
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        path = Path(entry.path)
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if now - entry.stat(follow_symlinks=False).st_mtime < older_than:
                continue
            if in_use is not None and in_use(path):
                continue
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed


def temporary_name_pattern(target: Path) -> re.Pattern[str]:
    """The names `atomic_write` gives its temporary files for `target` (mkstemp's eight
    random letters): what may be cleaned up beside it, and nothing else."""
    return re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp")


@contextlib.contextmanager
def _atomic(path: Path | str, open_handle: Callable[[int], IO[Any]]) -> Iterator[IO[Any]]:
    target = Path(path)
    # Imported here: tempfile pulls in random and shutil, which opening a file never needs.
    import tempfile

    # A run killed before its rename left its temporary file here: this run takes it away.
    remove_stale(target.parent, temporary_name_pattern(target))
    # mkstemp creates the file 0600 in the target's folder, so the replace stays one rename.
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                     dir=target.parent)
    try:
        with open_handle(fd) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def atomic_text(path: Path | str, encoding: str = "utf-8") -> contextlib.AbstractContextManager[
        IO[str]]:
    """A text file that appears at `path` (owner-only, 0600) only once completely written.

    Written beside the target and moved into place, so an interrupted or cancelled write
    never leaves half a file, nor destroys the previous one.
    """
    return _atomic(path, lambda fd: os.fdopen(fd, "w", encoding=encoding, newline=""))


def atomic_bytes(path: Path | str) -> contextlib.AbstractContextManager[IO[bytes]]:
    """As atomic_text, for a binary file (a PDF)."""
    return _atomic(path, lambda fd: os.fdopen(fd, "wb"))


# Folder names the sync services give their folders (any level of the path).
_SYNCED_NAMES = ("dropbox", "onedrive", "icloud drive", "icloud", "icloud~", "google drive",
                 "googledrive", "my drive", "box sync", "pcloud", "nextcloud", "owncloud")
# Linux file systems that live on another computer.
_NETWORK_FS = ("nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "fuse.sshfs", "9p", "afs",
               "fuse.rclone", "davfs", "fuse.davfs2")


def shared_location(path: Path) -> str | None:
    """The kind of synced or network folder `path` lives in ("Dropbox", "a network share"),
    or None. Such folders copy an SQLite file while it is written and corrupt it."""
    absolute = path.expanduser().absolute()
    for part in absolute.parts:
        lowered = part.casefold()
        for name in _SYNCED_NAMES:
            if lowered == name or lowered.startswith(name + " ") or lowered.startswith(
                    name + "-") or (name == "icloud~" and lowered.startswith(name)):
                return part
    fs_type = _filesystem_type(absolute)
    if fs_type is not None and fs_type.casefold() in _NETWORK_FS:
        return "a network share"
    return None


def _filesystem_type(path: Path) -> str | None:
    """The type of the mount holding `path`, from /proc/mounts (Linux); None elsewhere."""
    try:
        lines = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    best: tuple[int, str] | None = None
    text = str(path)
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount = fields[1].replace("\\040", " ")
        inside = text == mount or text.startswith(mount.rstrip("/") + "/")
        if inside and (best is None or len(mount) > best[0]):
            best = (len(mount), fields[2])
    return best[1] if best else None


def shared_location_notice(path: Path) -> str | None:
    """What the owner is told when the data folder is synced or on a network share."""
    where = shared_location(path)
    if where is None:
        return None
    return (f"Your data is in {where}, which copies the file while the app writes it and can "
            "damage it. Keep the data folder on this computer (the app makes its own daily "
            "backups), or use a shared database for several computers.")
