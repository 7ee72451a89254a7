"""A full disk and a read-only file or folder, on real small file systems: what was saved is
said exactly, reading still works, every write is refused in one plain line."""

from __future__ import annotations

import errno
import logging
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from smallbiz_crm.logs import setup_logging
from smallbiz_crm.services.demo import fill_demo
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.backup import integrity_problems
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.errors import DiskFullError, ReadOnlyDatabaseError
from smallbiz_crm.store.opening import open_database
from smallbiz_crm.user_errors import user_message


def _customers(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM customer").fetchone()[0])
    finally:
        conn.close()


def _demo_file(path: Path, customers: int = 40) -> int:
    """Fill a new file with sample customers; returns how many an empty search lists."""
    db = open_database(path)
    try:
        fill_demo(db, customers=customers, seed=3)
        return len(Services(db).customers.search("", limit=100))
    finally:
        db.close()


def _write(db: Database) -> None:
    with db.unit_of_work():
        pass


def test_demo_on_a_disk_that_fills_says_how_many_customers_were_saved(
        small_disk: Path) -> None:
    path = small_disk / "shop.db"
    db = open_database(path)
    try:
        with pytest.raises(DiskFullError) as raised:
            fill_demo(db, customers=10_000, seed=1)
    finally:
        db.close()  # a checkpoint the full disk cannot take must not hide the error
    message = str(raised.value)
    found = re.fullmatch(r"The disk is full: ([\d,]+) of 10,000 sample customers were saved; "
                         r"free some space before adding more\.", message)
    assert found, message
    saved = int(found.group(1).replace(",", ""))
    assert 0 < saved < 10_000
    assert _customers(path) == saved  # committed chunks are all there, and nothing else


def test_reading_works_on_a_full_disk_and_writes_are_refused(
        small_disk: Path, fill_disk: Callable[[Path], None]) -> None:
    path = small_disk / "shop.db"
    listed = _demo_file(path)
    fill_disk(small_disk)
    # No -shm file is left after a clean close, and creating one needs space.
    assert not path.with_name("shop.db-shm").exists()
    db = open_database(path, create=False)
    try:
        services = Services(db)
        assert len(services.customers.search("", limit=100)) == listed
        assert services.today.sections() is not None
        assert db.read_only is not None
        with pytest.raises(ReadOnlyDatabaseError, match=re.escape(
                "The disk holding shop.db is full: nothing was changed; free some space")):
            _write(db)
    finally:
        db.close()
    assert integrity_problems(path) == []


def test_disk_full_errors_get_one_plain_message() -> None:
    for exc in (sqlite3.OperationalError("database or disk is full"),
                OSError(errno.ENOSPC, "No space left on device", "/media/usb/out.csv")):
        message = user_message(exc)
        assert message is not None and message.startswith("The disk is full"), message
        assert "free some space" in message


def test_a_log_that_cannot_be_written_stays_quiet(
        small_disk: Path, fill_disk: Callable[[Path], None],
        capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger("smallbiz_crm")
    before = list(root.handlers)
    for handler in before:
        root.removeHandler(handler)
    try:
        setup_logging(small_disk / "logs" / "app.log")
        fill_disk(small_disk)
        logging.getLogger("smallbiz_crm.test").error("something failed %s", "x" * 10_000)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in before:
            root.addHandler(handler)
    assert "Logging error" not in capsys.readouterr().err


def test_an_immutable_file_opens_read_only(
        tmp_path: Path, immutable: Callable[[Path], None]) -> None:
    path = tmp_path / "shop.db"
    listed = _demo_file(path)
    immutable(path)
    assert integrity_problems(path) == []  # read-only is not damage
    db = open_database(path, create=False)
    try:
        services = Services(db)
        assert len(services.customers.search("", limit=100)) == listed
        assert db.read_only_notice == ("shop.db is read-only, so it is open for reading only: "
                                       "nothing can be changed.")
        with pytest.raises(ReadOnlyDatabaseError, match=re.escape(
                "shop.db is read-only: nothing was changed; make it writable")):
            _write(db)
    finally:
        db.close()


def test_a_file_in_a_read_only_folder_opens_read_only(
        read_only_folder: Path, remount_read_only: Callable[[Path], None]) -> None:
    path = read_only_folder / "shop.db"
    listed = _demo_file(path)
    remount_read_only(read_only_folder)
    assert not path.with_name("shop.db-shm").exists()
    assert integrity_problems(path) == []
    db = open_database(path, create=False)
    try:
        services = Services(db)
        assert len(services.customers.search("", limit=100)) == listed
        with pytest.raises(ReadOnlyDatabaseError, match=r"is read-only .*nothing was changed"):
            _write(db)
    finally:
        db.close()
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["shop.db"]
