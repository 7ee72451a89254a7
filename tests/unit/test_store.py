"""The SQLite file itself: permissions, pragmas, refusals, units of work, backups, crashes."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

import smallbiz_crm
from smallbiz_crm.domain.records.customers import CustomerDraft, CustomerQuery
from smallbiz_crm.paths import resolve
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.backup import backup_to, integrity_problems
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.errors import MissingDatabaseError, NotADatabaseError
from smallbiz_crm.store.models import Customer
from smallbiz_crm.store.opening import open_database
from smallbiz_crm.store.restoring import restore_from

PROJECT_ROOT = Path(smallbiz_crm.__file__).resolve().parent.parent
NOW = datetime(2026, 11, 20, 10, 0)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def customer_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM customer").fetchone()[0])
    finally:
        conn.close()


def add_customers(services: Services, *names: str) -> list[int]:
    return [services.customers.create(CustomerDraft(name=name)).id for name in names]


# -- the file -------------------------------------------------------------------------------


def test_a_new_database_file_is_readable_by_its_owner_only(db: Database) -> None:
    assert db.path.stat().st_mode & 0o777 == 0o600


def test_every_connection_gets_the_safety_pragmas(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_a_text_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Shopping list:\n- milk\n- flour\n" * 50, encoding="utf-8")
    before = sha256(path)
    with pytest.raises(NotADatabaseError):
        open_database(path)
    assert sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_damaged_file_with_a_database_header_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    before = sha256(path)
    with pytest.raises(NotADatabaseError):
        open_database(path)
    assert sha256(path) == before


def test_another_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)")
        conn.execute("INSERT INTO invoices (total) VALUES (1200)")
    conn.close()
    before = sha256(path)
    with pytest.raises(NotADatabaseError):
        open_database(path)
    assert sha256(path) == before


def test_a_missing_file_is_not_created_when_asked_not_to(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.db"
    with pytest.raises(MissingDatabaseError):
        open_database(path, create=False)
    assert not path.exists()


def test_close_leaves_every_commit_in_the_main_file(db_path: Path) -> None:
    db = open_database(db_path)
    add_customers(Services(db, clock=lambda: NOW), "Ann", "Bob")
    db.close()
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    # The main file alone holds the data: a plain copy of it is a whole database.
    copy = db_path.with_name("copy.db")
    copy.write_bytes(db_path.read_bytes())
    assert customer_count(copy) == 2


def test_tests_never_use_the_real_data_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = resolve().data_dir
    assert folder.is_relative_to(tmp_path_factory.getbasetemp())


# -- units of work and versions -------------------------------------------------------------


def test_a_failed_unit_of_work_leaves_nothing(db: Database, services: Services) -> None:
    add_customers(services, "Ann")
    with pytest.raises(RuntimeError, match="boom"), db.unit_of_work() as session:
        session.add(Customer(name="Half written", stage_id=1, created_at=NOW,
                             updated_at=NOW))
        session.flush()
        raise RuntimeError("boom")
    assert services.customers.count() == 1
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 1


def test_two_editors_of_one_customer_do_not_overwrite_each_other(
        db: Database, services: Services) -> None:
    (customer_id,) = add_customers(services, "Ann")
    first = db.sessions()
    second = db.sessions()
    try:
        mine = first.get(Customer, customer_id)
        theirs = second.get(Customer, customer_id)
        assert mine is not None and theirs is not None
        # Each editor read, then went away to type: no transaction stays open meanwhile.
        first.commit()
        second.commit()
        mine.name = "Ann Smith"
        first.commit()
        theirs.name = "Annie"
        with pytest.raises(StaleDataError):
            second.commit()
    finally:
        first.close()
        second.close()
    record = services.customers.get(customer_id)
    assert record.name == "Ann Smith"
    assert record.version == 2


# -- integrity, backup, restore -------------------------------------------------------------


def test_a_sound_file_has_no_integrity_problems(db: Database, services: Services) -> None:
    add_customers(services, "Ann", "Bob")
    assert integrity_problems(db.path) == []
    assert integrity_problems(db.path, quick=True) == []


def test_a_damaged_file_reports_integrity_problems(db_path: Path) -> None:
    db = open_database(db_path)
    with db.unit_of_work() as session:
        session.add_all(Customer(name=f"Customer {i}", stage_id=1, notes="n" * 200,
                                 created_at=NOW, updated_at=NOW) for i in range(300))
    db.close()
    data = bytearray(db_path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    # Scribble over pages past the schema: table and index b-trees are now garbage.
    data[3 * page:len(data) - page] = os.urandom(len(data) - 4 * page)
    db_path.write_bytes(bytes(data))
    problems = integrity_problems(db_path)
    assert problems
    assert not any("readonly" in problem for problem in problems)


def test_a_damaged_search_index_is_reported(db_path: Path) -> None:
    db = open_database(db_path)
    add_customers(Services(db, clock=lambda: NOW), "Ann", "Bob")
    db.close()
    conn = sqlite3.connect(db_path)
    with conn:
        # An edit behind the index's back: the rows and the search index now disagree.
        conn.execute("DROP TRIGGER customer_fts_au")
        conn.execute("UPDATE customer SET name = 'Zed' WHERE name = 'Ann'")
    conn.close()
    problems = integrity_problems(db_path)
    assert any(problem.startswith("search index:") for problem in problems)


def test_backup_copies_commits_still_in_the_wal(db: Database, services: Services,
                                                tmp_path: Path) -> None:
    add_customers(services, "Ann", "Bob", "José")
    wal = db.path.with_name(db.path.name + "-wal")
    # Not checkpointed: the new rows live only in the WAL while the app is open.
    assert wal.exists() and wal.stat().st_size > 0
    dest = tmp_path / "safe" / "copy.db"

    assert backup_to(db.path, dest) == dest

    assert dest.stat().st_mode & 0o777 == 0o600
    assert not dest.with_name(dest.name + "-wal").exists()
    assert not dest.with_name(dest.name + ".partial").exists()
    assert integrity_problems(dest) == []
    conn = sqlite3.connect(dest)
    try:
        names = sorted(row[0] for row in conn.execute("SELECT name FROM customer"))
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        conn.close()
    assert names == ["Ann", "Bob", "José"]


def test_restore_keeps_a_copy_of_the_current_file_then_brings_the_backup_back(
        db_path: Path, backups_dir: Path, tmp_path: Path) -> None:
    db = open_database(db_path, backups_dir=backups_dir)
    services = Services(db, clock=lambda: NOW)
    add_customers(services, "Ann", "Bob", "Cy")
    backup = backup_to(db_path, tmp_path / "monday.db")
    add_customers(services, "Dee", "Eve")
    db.close()

    safety = restore_from(backup, db_path, backups_dir).safety_copy

    assert safety is not None and safety.parent == backups_dir
    assert customer_count(safety) == 5
    assert safety.stat().st_mode & 0o777 == 0o600
    assert db_path.stat().st_mode & 0o777 == 0o600
    db = open_database(db_path, backups_dir=backups_dir)
    try:
        services = Services(db, clock=lambda: NOW)
        assert services.customers.count() == 3
        # The search index came back with the rows.
        assert len(services.customers.search("Bob")) == 1
    finally:
        db.close()
    assert integrity_problems(db_path) == []


# -- a crash mid-write ----------------------------------------------------------------------

_WRITER = """
import sys
from datetime import datetime
from pathlib import Path
from smallbiz_crm.store.opening import open_database
from smallbiz_crm.store.models import Customer

db = open_database(Path(sys.argv[1]))
now = datetime(2026, 11, 20, 10, 0)
batch = 0
while True:
    with db.unit_of_work() as session:
        for i in range(10):
            session.add(Customer(name=f"Batch {batch} customer {i}", stage_id=1,
                                 notes="x" * 500, created_at=now, updated_at=now))
    print(batch, flush=True)
    batch += 1
"""


def test_a_killed_writer_loses_no_committed_batch_and_leaves_a_sound_file(
        db_path: Path) -> None:
    open_database(db_path).close()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PROJECT_ROOT), *filter(None, [env.get("PYTHONPATH")])])
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(db_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    committed = -1
    try:
        assert writer.stdout is not None
        deadline = time.monotonic() + 30
        while committed < 40 and time.monotonic() < deadline:
            line = writer.stdout.readline()
            if not line:
                break
            committed = int(line)
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=10)
    assert writer.returncode == -signal.SIGKILL
    assert committed >= 40, writer.stderr.read() if writer.stderr else ""

    # Recovery from the WAL happens on the next open, as it would for the app.
    assert integrity_problems(db_path) == []
    count = customer_count(db_path)
    assert count % 10 == 0
    assert count >= (committed + 1) * 10
    db = open_database(db_path)
    try:
        services = Services(db, clock=lambda: NOW)
        assert services.customers.count() == count
        assert len(services.customers.list_ids(CustomerQuery(text=f"Batch {committed}"))) >= 10
    finally:
        db.close()
