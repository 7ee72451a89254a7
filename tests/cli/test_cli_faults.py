"""The command line under faults: restoring over a damaged file, refusing bad backups, and
never writing into a damaged file."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from smallbiz_crm.cli import main
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.backup import integrity_problems
from smallbiz_crm.store.opening import open_database


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def customers(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM customer").fetchone()[0])
    finally:
        conn.close()


def one_line_error(capsys: pytest.CaptureFixture[str], code: int) -> str:
    err = capsys.readouterr().err
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("smallbiz-crm: ") and "Traceback" not in err
    return lines[0]


@pytest.fixture
def shop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A demo file of 40 customers, a backup of it in its backups folder, then 1 more."""
    db = tmp_path / "shop.db"
    assert main(["--db", str(db), "demo", "--customers", "40", "--seed", "3"]) == 0
    assert main(["--db", str(db), "backup"]) == 0
    backup = next((tmp_path / "backups").iterdir())
    database = open_database(db)
    try:
        Services(database).customers.create(CustomerDraft(name="Late"))
    finally:
        database.close()
    capsys.readouterr()
    return db, backup


def flip_bits_in_table(path: Path, table: str) -> None:
    """Flipped bits in one table's pages: quick_check fails, other tables still read."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root[0] - 1) * 4096
    data[start] ^= 0x01
    for index in range(8):
        data[start + 200 + index * 300] ^= 0x10
    path.write_bytes(bytes(data))
    assert integrity_problems(path, quick=True)


# -- 1. a damaged database can be restored --------------------------------------------------


@pytest.mark.parametrize("how", ["truncate", "overwrite"])
def test_a_damaged_database_is_set_aside_and_the_backup_restored(
        shop: tuple[Path, Path], capsys: pytest.CaptureFixture[str], how: str) -> None:
    db, backup = shop
    if how == "truncate":
        with db.open("r+b") as handle:
            handle.truncate(db.stat().st_size // 2)
    else:
        data = bytearray(db.read_bytes())
        data[3 * 4096:] = b"\xa5" * (len(data) - 3 * 4096)
        db.write_bytes(bytes(data))
    damaged = digest(db)

    code = main(["--db", str(db), "restore", str(backup)])

    out, err = capsys.readouterr()
    assert code == 0, err
    aside = list(db.parent.glob("shop.db.damaged-*"))
    assert len(aside) == 1 and digest(aside[0]) == damaged
    assert str(aside[0]) in out and "set aside" in out
    assert customers(db) == 40
    assert integrity_problems(db) == []
    assert main(["--db", str(db), "check"]) == 0


# -- 2. a damaged file is never written into ------------------------------------------------


@pytest.mark.parametrize("command", [
    ["demo", "--customers", "2"],
    ["import", "csv", "{csv}"],
    ["report", "checklist", "-o", "{pdf}"],
])
def test_writing_commands_refuse_a_damaged_file(
        shop: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        command: list[str]) -> None:
    db, backup = shop
    csv = tmp_path / "new.csv"
    csv.write_text("name,email\nNew Person,new@example.com\n", encoding="utf-8")
    pdf = tmp_path / "checklist.pdf"
    flip_bits_in_table(db, "interaction")
    before = digest(db)

    code = main(["--db", str(db), *(part.format(csv=csv, pdf=pdf) for part in command)])

    line = one_line_error(capsys, code)
    assert "is damaged" in line and "nothing was written" in line
    assert f"smallbiz-crm --db {db} restore {backup}" in line
    assert digest(db) == before
    assert not pdf.exists()
    assert not list(db.parent.glob("*.damaged-*"))


def test_reading_commands_still_work_on_a_damaged_file(
        shop: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, _backup = shop
    flip_bits_in_table(db, "interaction")
    before = digest(db)
    csv = tmp_path / "new.csv"
    csv.write_text("name,email\nNew Person,new@example.com\n", encoding="utf-8")

    assert main(["--db", str(db), "search", "Late"]) == 0
    assert "Late" in capsys.readouterr().out
    assert main(["--db", str(db), "import", "csv", str(csv), "--dry-run"]) == 0
    assert "nothing was written" in capsys.readouterr().out
    assert digest(db) == before


def test_the_refusal_says_so_when_there_is_no_good_backup(
        shop: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db, backup = shop
    backup.unlink()
    flip_bits_in_table(db, "interaction")

    line = one_line_error(capsys, main(["--db", str(db), "demo", "--customers", "2"]))

    assert "No good backup was found" in line and "nothing was written" in line


# -- 3. a backup that is not one is refused before anything changes -----------------------


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


def newer_schema(path: Path, good: Path) -> None:
    shutil.copyfile(good, path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()


@pytest.mark.parametrize(("make", "words"), [
    (empty_file, "empty (0 bytes)"),
    (blank_sqlite, "no Smallbiz CRM data"),
    (other_program, "another program's data"),
    (newer_schema, "newer version of Smallbiz CRM"),
])
def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(
        shop: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        make: Callable[[Path, Path], None], words: str) -> None:
    db, backup = shop
    candidate = tmp_path / "candidate.db"
    make(candidate, backup)
    before = digest(db)
    backups_before = sorted(path.name for path in backup.parent.iterdir())

    line = one_line_error(capsys, main(["--db", str(db), "restore", str(candidate)]))

    assert words in line and "Nothing was changed." in line
    assert digest(db) == before
    assert customers(db) == 41
    assert sorted(path.name for path in backup.parent.iterdir()) == backups_before
