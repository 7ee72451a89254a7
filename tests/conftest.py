"""Shared fixtures: a freshly migrated database file per test and the services over it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.opening import open_database

# Set before any test makes a QApplication: the UI tests run without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# A Friday morning: every test sees the same "now".
FIXED_NOW = datetime(2026, 11, 20, 10, 0)


def fixed_clock() -> datetime:
    return FIXED_NOW


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app's data folder at a temporary one: no test touches the real home."""
    folder = tmp_path_factory.mktemp("data-dir")
    monkeypatch.setenv("SMALLBIZ_CRM_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "shop.db"


@pytest.fixture
def backups_dir(tmp_path: Path) -> Path:
    return tmp_path / "backups"


@pytest.fixture
def db(db_path: Path, backups_dir: Path) -> Iterator[Database]:
    database = open_database(db_path, backups_dir=backups_dir)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def services(db: Database) -> Services:
    return Services(db, clock=fixed_clock)


def _mount_tmpfs(folder: Path, size: str) -> None:
    """A real small file system (tmpfs) at folder; the test is skipped where mounting is not
    permitted (not root, not Linux, a container without the capability)."""
    import subprocess
    import sys

    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root on Linux")
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                             str(folder)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {result.stderr.strip()}")


def _unmount(folder: Path) -> None:
    import subprocess

    # Lazy: a connection a failing test left open must not keep the mount (and the test
    # run) stuck.
    subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 12 MB disk of its own: room for a few thousand sample customers, then full."""
    folder = tmp_path / "small-disk"
    _mount_tmpfs(folder, "12m")
    try:
        yield folder
    finally:
        _unmount(folder)


@pytest.fixture
def fill_disk() -> Callable[[Path], None]:
    return _fill_disk


def _fill_disk(folder: Path) -> None:
    """Use up every free byte of the disk holding folder."""
    with (folder / "filler").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder on a disk of its own; the `remount_read_only` fixture makes it read-only
    (root ignores permission bits, a read-only mount it cannot)."""
    folder = tmp_path / "ro-disk"
    _mount_tmpfs(folder, "16m")
    try:
        yield folder
    finally:
        _unmount(folder)


@pytest.fixture
def remount_read_only() -> Callable[[Path], None]:
    return _remount_read_only


def _remount_read_only(folder: Path) -> None:
    import subprocess

    result = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True,
                            text=True)
    if result.returncode != 0:
        pytest.skip(f"remounting read-only is not permitted here: {result.stderr.strip()}")


@pytest.fixture
def immutable() -> Iterator[Callable[[Path], None]]:
    """Make a file immutable (`chattr +i`: even root cannot write it); undone after."""
    import shutil
    import subprocess

    if shutil.which("chattr") is None:
        pytest.skip("chattr is not available")
    made: list[Path] = []

    def make(path: Path) -> None:
        result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"chattr +i is not supported here: {result.stderr.strip()}")
        made.append(path)

    try:
        yield make
    finally:
        for path in made:
            subprocess.run(["chattr", "-i", str(path)], check=False, capture_output=True)
