"""Backups: daily and on demand, verified, pruned safely; restoring; damaged files at start."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from smallbiz_crm.computer_settings import ComputerSettings
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.paths import resolve
from smallbiz_crm.services.backups import (
    KEEP_AUTOMATIC,
    BackupKind,
    BackupService,
    backup_files,
    backup_kind,
    created_at,
)
from smallbiz_crm.services.demo import fill_demo
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.startup_check import check_database_at_start
from smallbiz_crm.store.backup import (
    DatabaseInUseError,
    backup_to,
    integrity_problems,
    move_aside,
    read_counts,
)
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.errors import CorruptDatabaseError, NotADatabaseError, StoreError
from smallbiz_crm.store.models import FollowUp
from smallbiz_crm.store.opening import open_database

START = datetime(2026, 11, 1, 9, 30)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def add_customers(services: Services, *names: str) -> list[int]:
    return [services.customers.create(CustomerDraft(name=name)).id for name in names]


def corrupt(path: Path, seed: int = 1) -> None:
    """Scribble over every page after the first two: the schema still reads, the b-trees of
    the tables do not."""
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    noise = random.Random(seed).randbytes(len(data) - 2 * page)
    data[2 * page:] = noise
    path.write_bytes(bytes(data))
    assert integrity_problems(path, quick=True)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def this_computer(backups_dir: Path) -> ComputerSettings:
    return ComputerSettings(backups_dir.parent / "computer-settings.json")


@pytest.fixture
def backups(db: Database, backups_dir: Path, clock: Clock) -> BackupService:
    return BackupService(db.path, backups_dir, clock, computer=this_computer(backups_dir))


# -- the daily backup -----------------------------------------------------------------------


def test_daily_backup_is_taken_once_a_day_and_verified(services: Services,
                                                      backups: BackupService, clock: Clock,
                                                      backups_dir: Path) -> None:
    add_customers(services, "Ann", "Bob", "José")

    info = backups.daily_backup()

    assert info is not None and info.ok and info.checked
    assert info.path == backups_dir / "auto-20261101-093000.db"
    assert info.kind is BackupKind.AUTOMATIC
    assert info.created_at == START
    assert (info.customers, info.follow_ups) == (3, 0)
    assert info.fell_back_from is None
    assert info.size == info.path.stat().st_size
    assert info.path.stat().st_mode & 0o777 == 0o600
    assert integrity_problems(info.path) == []
    # Later the same day: nothing new, even after more work.
    add_customers(services, "Cy")
    clock.now = START.replace(hour=18)
    assert backups.daily_backup() is None
    clock.now = START.replace(hour=23, minute=59, second=59)
    assert backups.daily_backup() is None
    clock.now = START + timedelta(days=1)
    second = backups.daily_backup()
    assert second is not None and second.customers == 4
    assert [path.name for path in backup_files(backups_dir)] == [
        "auto-20261102-093000.db", "auto-20261101-093000.db"]


def test_a_backup_of_a_damaged_database_is_refused_and_leaves_nothing(
        db_path: Path, backups_dir: Path, clock: Clock) -> None:
    db = open_database(db_path)
    add_customers(Services(db), *(f"Customer {i}" for i in range(50)))
    db.close()
    corrupt(db_path)

    with pytest.raises(StoreError):
        BackupService(db_path, backups_dir, clock).daily_backup()

    assert backup_files(backups_dir) == []
    assert not any(backups_dir.glob("*.partial"))


def test_pruning_keeps_the_newest_fourteen_automatic_backups(services: Services,
                                                             backups: BackupService,
                                                             clock: Clock,
                                                             backups_dir: Path) -> None:
    add_customers(services, "Ann")
    by_hand = backups.backup_now()
    for day in range(20):
        clock.now = START + timedelta(days=day)
        assert backups.daily_backup() is not None

    automatic = [path for path in backup_files(backups_dir)
                 if backup_kind(path) is BackupKind.AUTOMATIC]
    assert len(automatic) == KEEP_AUTOMATIC
    assert [created_at(path).date() for path in automatic] == [
        (START + timedelta(days=day)).date() for day in range(19, 5, -1)]
    # Backups taken by hand are the owner's to delete.
    assert by_hand.path.exists() and by_hand.kind is BackupKind.MANUAL


def write_automatic(db: Database, folder: Path, days: int) -> list[Path]:
    """`days` automatic backups, one a day from START, oldest first (no pruning)."""
    paths = []
    for day in range(days):
        stamp = START + timedelta(days=day)
        paths.append(backup_to(db.path, folder / f"auto-{stamp:%Y%m%d-%H%M%S}.db"))
    return paths


def test_pruning_never_deletes_the_only_good_backup(db: Database, services: Services,
                                                    backups: BackupService,
                                                    backups_dir: Path) -> None:
    add_customers(services, *(f"Customer {i}" for i in range(50)))
    paths = write_automatic(db, backups_dir, KEEP_AUTOMATIC + 2)
    # The fourteen newest went bad (a failing disk): only the two oldest are sound.
    for seed, path in enumerate(paths[2:]):
        corrupt(path, seed)

    removed = backups.prune(backups_dir)

    # The newest sound one stays with everything newer; only the one older than it goes.
    assert removed == [paths[0]]
    assert all(path.exists() for path in paths[1:])


def test_pruning_deletes_nothing_when_no_backup_is_sound(db: Database, services: Services,
                                                         backups: BackupService,
                                                         backups_dir: Path) -> None:
    add_customers(services, *(f"Customer {i}" for i in range(50)))
    paths = write_automatic(db, backups_dir, KEEP_AUTOMATIC + 2)
    for seed, path in enumerate(paths):
        corrupt(path, seed)

    assert backups.prune(backups_dir) == []
    assert all(path.exists() for path in paths)


def test_pruning_goes_ahead_when_an_older_kept_backup_is_sound(db: Database,
                                                               services: Services,
                                                               backups: BackupService,
                                                               backups_dir: Path) -> None:
    add_customers(services, *(f"Customer {i}" for i in range(50)))
    paths = write_automatic(db, backups_dir, KEEP_AUTOMATIC + 2)
    # The newest is bad, the second newest is fine: the extra two can go.
    corrupt(paths[-1])

    assert sorted(backups.prune(backups_dir)) == sorted(paths[:2])
    assert all(path.exists() for path in paths[2:])


# -- the other folder -----------------------------------------------------------------------


def test_backups_go_to_the_chosen_folder_and_fall_back_when_it_is_missing(
        services: Services, backups: BackupService, clock: Clock, tmp_path: Path,
        backups_dir: Path) -> None:
    add_customers(services, "Ann")
    stick = tmp_path / "usb-stick"
    stick.mkdir()
    backups.set_chosen_folder(stick)
    assert backups.chosen_folder() == stick

    first = backups.daily_backup()
    assert first is not None and first.path.parent == stick and first.fell_back_from is None

    # The stick is unplugged: today's backup goes to the standard folder, and says so.
    unplugged = stick.rename(tmp_path / "elsewhere")
    clock.now += timedelta(days=1)
    second = backups.daily_backup()
    assert second is not None
    assert second.path.parent == backups_dir
    assert second.fell_back_from == stick
    assert second.ok
    assert [info.path for info in backups.list_backups()] == [second.path]

    # Plugged in again the same day: no second automatic backup; both are listed.
    unplugged.rename(stick)
    assert backups.daily_backup() is None
    assert {info.path.parent for info in backups.list_backups()} == {stick, backups_dir}


def test_backups_by_hand_fall_back_too(services: Services, backups: BackupService,
                                       tmp_path: Path, backups_dir: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    backups.set_chosen_folder(stick)
    stick.rmdir()

    info = backups.backup_now()

    assert info.path.parent == backups_dir and info.fell_back_from == stick
    assert info.kind is BackupKind.MANUAL


def test_the_chosen_folder_must_exist(backups: BackupService, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        backups.set_chosen_folder(tmp_path / "nowhere")
    assert "folder" in caught.value.fields
    assert backups.chosen_folder() is None
    backups.set_chosen_folder(tmp_path)
    backups.set_chosen_folder(None)
    assert backups.chosen_folder() is None


def test_backup_now_into_a_folder_or_a_file_never_onto_the_database(
        db: Database, backups: BackupService, tmp_path: Path) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    assert backups.backup_now(folder).path.parent == folder
    assert backups.backup_now(tmp_path / "named.db").path == tmp_path / "named.db"
    before = sha256(db.path)
    with pytest.raises(ValidationError):
        backups.backup_now(db.path)
    assert sha256(db.path) == before


# -- listing and restoring ------------------------------------------------------------------


def test_list_backups_reads_counts_and_finds_damaged_files(db: Database, services: Services,
                                                           backups: BackupService,
                                                           clock: Clock) -> None:
    add_customers(services, *(f"Customer {i}" for i in range(50)))
    older = backups.backup_now()
    add_customers(services, "One more")
    clock.now += timedelta(hours=1)
    newer = backups.backup_now()
    clock.now += timedelta(hours=1)
    damaged = backups.backup_now()
    corrupt(damaged.path)

    listed = backups.list_backups()

    assert [info.path for info in listed] == [damaged.path, newer.path, older.path]
    assert [info.ok for info in listed] == [False, True, True]
    assert [info.customers for info in listed[1:]] == [51, 50]
    assert listed[0].problem
    assert all(info.checked for info in listed)
    fast = backups.list_backups(verify=False)
    assert [info.checked for info in fast[1:]] == [False, False]
    assert backups.check(damaged.path).ok is False
    assert backups.newest_good() is not None
    assert backups.newest_good().path == newer.path  # type: ignore[union-attr]


def test_restoring_a_backup_brings_back_exactly_the_counts_it_showed(
        db_path: Path, backups_dir: Path, clock: Clock) -> None:
    db = open_database(db_path, backups_dir)
    fill_demo(db, customers=30, seed=3, today=date(2026, 11, 1))
    services = Services(db, clock=clock)
    backups = BackupService(db_path, backups_dir, clock, computer=this_computer(backups_dir))
    taken = backups.backup_now()
    # Work after the backup: more customers and follow-ups.
    new_ids = add_customers(services, "Dee", "Eve")
    with db.unit_of_work() as session:
        session.add(FollowUp(customer_id=new_ids[0], due_on=date(2026, 11, 5),
                             reason="Call back", created_at=clock()))
    shown = next(info for info in backups.list_backups() if info.path == taken.path)
    assert shown.customers is not None and shown.follow_ups is not None
    assert shown.follow_ups > 0
    now_customers = table_count(db_path, "customer")
    db.close()

    safety = backups.restore(shown.path).safety_copy

    assert safety is not None and safety.parent == backups_dir
    assert table_count(safety, "customer") == now_customers
    db = open_database(db_path, backups_dir)
    try:
        assert Services(db).customers.count(archived=False) + Services(db).customers.count(
            archived=True) == shown.customers
        assert table_count(db_path, "customer") == shown.customers
        assert table_count(db_path, "follow_up") == shown.follow_ups
    finally:
        db.close()
    assert integrity_problems(db_path) == []


def test_a_damaged_backup_is_not_restored(db: Database, services: Services,
                                          backups: BackupService) -> None:
    add_customers(services, *(f"Customer {i}" for i in range(50)))
    info = backups.backup_now()
    corrupt(info.path)
    db.close()
    before = sha256(db.path)

    with pytest.raises(CorruptDatabaseError):
        backups.restore(info.path)

    assert sha256(db.path) == before


# -- the check at start ---------------------------------------------------------------------


def test_a_sound_file_passes_the_check_at_start(db: Database, services: Services,
                                                db_path: Path) -> None:
    add_customers(services, "Ann")
    db.close()
    before = table_count(db_path, "customer")

    check = check_database_at_start(resolve(db=db_path))

    assert check.ok and check.moved_aside_to is None
    assert db_path.exists() and table_count(db_path, "customer") == before
    # No file yet (a first start) is fine too.
    assert check_database_at_start(resolve(db=db_path.with_name("new.db"))).ok


def test_a_damaged_file_at_start_is_moved_aside_not_overwritten(
        db_path: Path, backups_dir: Path, clock: Clock) -> None:
    db = open_database(db_path, backups_dir)
    add_customers(Services(db), *(f"Customer {i}" for i in range(60)))
    db.close()
    corrupt(db_path)
    damaged = sha256(db_path)

    check = check_database_at_start(resolve(db=db_path), clock)

    assert not check.ok and check.problems
    assert check.moved_aside_to == db_path.with_name("shop.db.damaged-20261101-093000")
    assert not db_path.exists()
    assert sha256(check.moved_aside_to) == damaged
    assert check.newest_good_backup is None
    assert "set aside" in check.message


def test_the_newest_good_backup_restores_after_damage_at_start(
        db_path: Path, backups_dir: Path, clock: Clock) -> None:
    db = open_database(db_path, backups_dir)
    services = Services(db, clock=clock)
    add_customers(services, *(f"Customer {i}" for i in range(40)))
    backups = BackupService(db_path, backups_dir, clock, computer=this_computer(backups_dir))
    good = backups.daily_backup()
    add_customers(services, "Late")
    clock.now += timedelta(days=1)
    bad = backups.daily_backup()
    assert good is not None and bad is not None
    db.close()
    corrupt(bad.path, seed=2)
    corrupt(db_path, seed=3)
    paths = resolve(db=db_path)

    check = check_database_at_start(paths, clock)

    assert not check.ok
    assert check.newest_good_backup is not None
    assert check.newest_good_backup.path == good.path
    assert check.newest_good_backup.customers == 40
    restored = BackupService(paths, clock=clock).restore(check.newest_good_backup.path)
    assert restored.safety_copy is None and restored.set_aside is None
    db = open_database(db_path, backups_dir)
    try:
        assert Services(db).customers.count() == 40
    finally:
        db.close()
    assert check.moved_aside_to is not None and check.moved_aside_to.exists()
    assert integrity_problems(db_path) == []


def test_the_other_folder_chosen_on_this_computer_is_searched(
        db_path: Path, backups_dir: Path, clock: Clock, tmp_path: Path) -> None:
    db = open_database(db_path, backups_dir)
    services = Services(db, clock=clock)
    add_customers(services, *(f"Customer {i}" for i in range(40)))
    stick = tmp_path / "stick"
    stick.mkdir()
    backups = BackupService(db_path, backups_dir, clock, computer=this_computer(backups_dir))
    backups.set_chosen_folder(stick)
    on_stick = backups.daily_backup()
    assert on_stick is not None and on_stick.path.parent == stick
    db.close()
    # Damage the customer table's pages only: the settings page still reads.
    conn = sqlite3.connect(db_path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'customer'").fetchone()
    conn.close()
    data = bytearray(db_path.read_bytes())
    start = (root[0] - 1) * 4096
    data[start:start + 4096] = b"\xff" * 4096
    db_path.write_bytes(bytes(data))

    check = check_database_at_start(resolve(db=db_path), clock, this_computer(backups_dir))

    assert not check.ok
    assert check.newest_good_backup is not None
    assert check.newest_good_backup.path == on_stick.path


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my shopping list\n")

    with pytest.raises(NotADatabaseError):
        check_database_at_start(resolve(db=path))

    assert path.read_text() == "my shopping list\n"
    assert [entry.name for entry in tmp_path.iterdir()] == ["notes.txt"]


def test_a_broken_search_index_alone_is_rebuilt_not_moved(db: Database, services: Services,
                                                          db_path: Path) -> None:
    add_customers(services, "Ann", "Bob")
    db.close()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("DROP TRIGGER customer_fts_au")
        conn.execute("UPDATE customer SET name = 'Zed' WHERE name = 'Ann'")
        conn.execute("""CREATE TRIGGER customer_fts_au AFTER UPDATE OF name, company, email,
            phone_search, notes ON customer BEGIN
            INSERT INTO customer_fts(customer_fts, rowid, name, company, email, phone_search,
            notes) VALUES ('delete', old.id, old.name, old.company, old.email,
            old.phone_search, old.notes);
            INSERT INTO customer_fts(rowid, name, company, email, phone_search, notes)
            VALUES (new.id, new.name, new.company, new.email, new.phone_search, new.notes);
            END""")
    conn.close()
    assert integrity_problems(db_path, quick=True)

    check = check_database_at_start(resolve(db=db_path))

    assert check.ok and check.moved_aside_to is None and "rebuilt" in check.message
    assert integrity_problems(db_path) == []
    db = open_database(db_path)
    try:
        assert [row.name for row in Services(db).customers.search("Zed")] == ["Zed"]
    finally:
        db.close()


def test_move_aside_takes_the_wal_along_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    path.write_bytes(b"main")
    path.with_name("shop.db-wal").write_bytes(b"wal")
    path.with_name("shop.db-shm").write_bytes(b"shm")
    when = datetime(2026, 11, 20, 10, 0, 5)
    earlier = tmp_path / "shop.db.damaged-20261120-100005"
    earlier.write_bytes(b"an earlier damaged file")

    moved = move_aside(path, when)

    assert moved == tmp_path / "shop.db.damaged-20261120-100005-2"
    assert moved.read_bytes() == b"main"
    assert moved.with_name(moved.name + "-wal").read_bytes() == b"wal"
    assert moved.with_name(moved.name + "-shm").read_bytes() == b"shm"
    assert earlier.read_bytes() == b"an earlier damaged file"
    assert not path.exists() and not path.with_name("shop.db-wal").exists()


def test_read_counts_is_read_only(db: Database, services: Services, tmp_path: Path) -> None:
    add_customers(services, "Ann")
    copy = backup_to(db.path, tmp_path / "copy.db")
    os.chmod(copy, 0o400)
    before = sha256(copy)
    counts = read_counts(copy)
    assert counts is not None and (counts.customers, counts.follow_ups) == (1, 0)
    assert sha256(copy) == before
    assert read_counts(tmp_path / "missing.db") is None


def test_a_file_locked_by_another_program_is_not_taken_for_damage(
        db: Database, services: Services, db_path: Path) -> None:
    add_customers(services, "Ann")
    db.close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE customer SET notes = 'held'")
        with pytest.raises(DatabaseInUseError):
            check_database_at_start(resolve(db=db_path))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert db_path.exists()
    assert not list(db_path.parent.glob("*.damaged-*"))
