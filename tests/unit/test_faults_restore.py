"""Restore under faults: a damaged current file is set aside, a bad backup changes nothing,
and the shop refuses to write into a damaged file."""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from smallbiz_crm.assembly import open_shop
from smallbiz_crm.computer_settings import ComputerSettings
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.paths import resolve
from smallbiz_crm.services.backups import BackupService
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.backup import integrity_problems
from smallbiz_crm.store.errors import DamagedDatabaseError, StoreError
from smallbiz_crm.store.opening import open_database

NOW = datetime(2026, 11, 20, 10, 0)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(path: Path, table: str = "customer") -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def overwrite_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[2 * 4096:] = random.Random(5).randbytes(len(data) - 2 * 4096)
    path.write_bytes(bytes(data))


def flip_bits(path: Path) -> None:
    """A few flipped bits on each page past the schema: SQLite still opens the file."""
    data = bytearray(path.read_bytes())
    rng = random.Random(9)
    for page in range(2, len(data) // 4096):
        for _ in range(4):
            offset = page * 4096 + rng.randrange(100, 4096)
            data[offset] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def flip_bits_in_table(path: Path, table: str) -> None:
    """Flipped bits in one table's root page only: the rest of the file still reads."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root[0] - 1) * 4096
    data[start] ^= 0x01  # the page's type byte
    for index in range(8):
        data[start + 200 + index * 300] ^= 0x10
    path.write_bytes(bytes(data))


def overwrite_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:4096] = b"\x00" * 4096
    path.write_bytes(bytes(data))


@pytest.fixture
def shop_file(db_path: Path, backups_dir: Path) -> tuple[BackupService, Path]:
    """A shop of 40 customers with a verified backup of them, then 5 more customers."""
    db = open_database(db_path, backups_dir)
    services = Services(db, clock=lambda: NOW)
    for index in range(40):
        services.customers.create(CustomerDraft(name=f"Customer {index}", notes="x" * 300))
    backups = BackupService(db_path, backups_dir, lambda: NOW,
                            computer=ComputerSettings(db_path.parent / "computer.json"))
    good = backups.backup_now().path
    for index in range(5):
        services.customers.create(CustomerDraft(name=f"Later {index}"))
    db.close()
    return backups, good


# -- a damaged current file is set aside, and the restore goes ahead -----------------------


@pytest.mark.parametrize("damage", [truncate, overwrite_pages, flip_bits, overwrite_header])
def test_a_damaged_current_file_is_set_aside_and_the_backup_restored(
        shop_file: tuple[BackupService, Path], db_path: Path, backups_dir: Path,
        damage: Callable[[Path], None]) -> None:
    backups, good = shop_file
    damage(db_path)
    damaged = sha256(db_path)

    result = backups.restore(good)

    assert result.safety_copy is None
    assert result.set_aside == db_path.with_name("shop.db.damaged-20261120-100000")
    # Set aside as it was, never deleted or changed.
    assert sha256(result.set_aside) == damaged
    assert count(db_path) == 40
    assert integrity_problems(db_path) == []
    assert db_path.stat().st_mode & 0o777 == 0o600
    assert not [path for path in backups_dir.iterdir() if path.name.startswith("before-")]


def test_a_sound_current_file_is_still_copied_before_the_restore(
        shop_file: tuple[BackupService, Path], db_path: Path, backups_dir: Path) -> None:
    backups, good = shop_file

    result = backups.restore(good)

    assert result.set_aside is None
    assert result.safety_copy is not None and result.safety_copy.parent == backups_dir
    assert count(result.safety_copy) == 45
    assert count(db_path) == 40


# -- a backup that is not one changes nothing ----------------------------------------------


def empty_file(path: Path, good: Path) -> None:
    path.write_bytes(b"")


def blank_sqlite(path: Path, good: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1")
    conn.close()


def other_program(path: Path, good: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('buy milk')")
    conn.close()


def other_alembic_program(path: Path, good: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('3f2a9c1b7d')")
        conn.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY)")
    conn.close()


def newer_schema(path: Path, good: Path) -> None:
    shutil.copyfile(good, path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()


def no_revision(path: Path, good: Path) -> None:
    shutil.copyfile(good, path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM alembic_version")
    conn.close()


def damaged_backup(path: Path, good: Path) -> None:
    shutil.copyfile(good, path)
    overwrite_pages(path)


@pytest.mark.parametrize(("make", "words"), [
    (empty_file, "empty"),
    (blank_sqlite, "no Smallbiz CRM data"),
    (other_program, "another program"),
    (other_alembic_program, "another program"),
    (newer_schema, "newer version"),
    (no_revision, "schema"),
    (damaged_backup, "damaged"),
])
def test_a_backup_that_is_not_one_is_refused_before_anything_changes(
        shop_file: tuple[BackupService, Path], db_path: Path, backups_dir: Path,
        tmp_path: Path, make: Callable[[Path, Path], None], words: str) -> None:
    backups, good = shop_file
    candidate = tmp_path / "candidate.db"
    make(candidate, good)
    before = sha256(db_path)
    backups_before = sorted(path.name for path in backups_dir.iterdir())

    with pytest.raises(StoreError) as caught:
        backups.restore(candidate)

    message = str(caught.value)
    assert words in message
    assert "Nothing was changed." in message
    assert "\n" not in message
    assert sha256(db_path) == before
    assert sorted(path.name for path in backups_dir.iterdir()) == backups_before
    assert not list(db_path.parent.glob("*.damaged-*"))


def test_a_file_another_program_is_writing_is_refused_before_anything_is_copied(
        shop_file: tuple[BackupService, Path], db_path: Path) -> None:
    backups, good = shop_file
    before = sha256(db_path)
    # Another program writing to the file: it can be read (and copied), not replaced.
    holder = sqlite3.connect(db_path, isolation_level=None, timeout=0.1)
    try:
        holder.execute("PRAGMA journal_mode = WAL")
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError) as caught:
            backups.restore(good)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    # The restore holds the file alone from its safety copy on; it cannot, so it stops first.
    safety = [path for path in backups.default_dir.iterdir()
              if path.name.startswith("before-restore")]
    assert safety == []
    assert "in use by another program" in str(caught.value)
    assert "Nothing was changed." in str(caught.value)
    assert sha256(db_path) == before


# -- writing into a damaged file is refused --------------------------------------------------


def test_the_shop_refuses_to_open_a_damaged_file_for_writing(
        shop_file: tuple[BackupService, Path], db_path: Path) -> None:
    _backups, good = shop_file
    flip_bits_in_table(db_path, "interaction")
    assert integrity_problems(db_path, quick=True)
    before = sha256(db_path)
    paths = resolve(db=db_path)

    with pytest.raises(DamagedDatabaseError) as caught:
        open_shop(paths, for_writing=True)

    message = str(caught.value)
    assert "damaged" in message and "nothing was written" in message
    assert f"smallbiz-crm --db {db_path} restore {good}" in message
    assert sha256(db_path) == before
    # Reading goes on where SQLite lets it.
    shop = open_shop(paths)
    try:
        assert shop.services.customers.count() == 45
    finally:
        shop.close()
    assert sha256(db_path) == before


def test_a_sound_file_opens_for_writing(shop_file: tuple[BackupService, Path],
                                        db_path: Path) -> None:
    shop = open_shop(resolve(db=db_path), for_writing=True)
    try:
        assert shop.services.customers.count() == 45
    finally:
        shop.close()
