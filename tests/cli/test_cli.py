"""The command line, run as a real process: exit codes, one-line errors, nothing modified."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "smallbiz_crm"]


def run(*args: str, env_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SMALLBIZ_CRM_DATA_DIR=str(env_dir))
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=120)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("smallbiz-crm: ")


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    db = tmp_path / "demo.db"
    result = run("--db", str(db), "demo", "--customers", "40", "--seed", "3", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    return db


def test_version(tmp_path: Path) -> None:
    result = run("--version", env_dir=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("Smallbiz CRM ")


def test_wrong_usage_exits_2(tmp_path: Path) -> None:
    result = run("frobnicate", env_dir=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_demo_then_search_prints_tab_separated_matches(demo_db: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(demo_db)
    cid, name, phone_digits = conn.execute(
        "SELECT id, name, phone_digits FROM customer WHERE phone_digits != '' "
        "ORDER BY id LIMIT 1").fetchone()
    conn.close()
    result = run("--db", str(demo_db), "search", phone_digits[-7:-2], env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows and all(len(row) == 5 for row in rows)
    assert [str(cid), name] in [row[:2] for row in rows]


def test_search_with_fts_syntax_is_not_an_error(demo_db: Path, tmp_path: Path) -> None:
    for query in ['"', "-", "a AND", "NEAR(", "*", "'"]:
        result = run("--db", str(demo_db), "search", query, env_dir=tmp_path)
        assert result.returncode == 0, (query, result.stderr)


def test_missing_file_is_one_line_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here.db"
    for args in (["search", "x"], ["check"], ["backup"]):
        result = run("--db", str(missing), *args, env_dir=tmp_path)
        assert_one_line_error(result)
        assert not missing.exists()


def test_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 20)
    before = digest(bogus)
    for args in (["search", "x"], ["check"], ["demo", "--customers", "2"],
                 ["import", "csv", str(bogus)]):
        result = run("--db", str(bogus), *args, env_dir=tmp_path)
        assert_one_line_error(result)
    assert digest(bogus) == before


def test_corrupt_database_fails_check(demo_db: Path, tmp_path: Path) -> None:
    data = bytearray(demo_db.read_bytes())
    # Scribble over the middle of the file, past the header: pages become garbage.
    start = len(data) // 2
    data[start:start + 8192] = os.urandom(8192)
    demo_db.write_bytes(bytes(data))
    result = run("--db", str(demo_db), "check", env_dir=tmp_path)
    assert_one_line_error(result)


def test_check_reports_ok_and_revision(demo_db: Path, tmp_path: Path) -> None:
    result = run("--db", str(demo_db), "check", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout
    assert "current" in result.stdout


def test_backup_and_restore_round_trip(demo_db: Path, tmp_path: Path) -> None:
    dest = tmp_path / "copy.db"
    result = run("--db", str(demo_db), "backup", str(dest), env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert dest.stat().st_mode & 0o777 == 0o600
    count = sqlite3.connect(dest).execute("SELECT count(*) FROM customer").fetchone()[0]
    assert count == 40
    conn = sqlite3.connect(demo_db)
    conn.execute("DELETE FROM customer")
    conn.commit()
    conn.close()
    result = run("--db", str(demo_db), "restore", str(dest), env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(demo_db)
    assert conn.execute("SELECT count(*) FROM customer").fetchone()[0] == 40
    conn.close()
    # The emptied file was kept as a safety copy before the restore.
    assert any(p.name.startswith("before-restore") for p in (tmp_path / "backups").iterdir())


def test_restore_of_a_non_database_changes_nothing(demo_db: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 100)
    before = digest(demo_db)
    result = run("--db", str(demo_db), "restore", str(junk), env_dir=tmp_path)
    assert_one_line_error(result)
    assert digest(demo_db) == before


def test_import_csv_and_bad_rows(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    good = tmp_path / "good.csv"
    good.write_text("Name,Email,Phone,Tags\nAnn Lee,ann@example.com,202-555-0101,vip\n"
                    "Bo Chen,,202-555-0102,\n", encoding="utf-8")
    result = run("--db", str(db), "import", "csv", str(good), env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    result = run("--db", str(db), "search", "5550102", env_dir=tmp_path)
    assert "Bo Chen" in result.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\nCara,cara@example.com\nDan,not-an-email\n,x@example.com\n",
                   encoding="utf-8")
    result = run("--db", str(db), "import", "csv", str(bad), env_dir=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "line(s) 3, 4 of bad.csv" in result.stderr  # the bad lines are named
    assert "Line 3, email" in result.stdout and "Line 4, name" in result.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM customer WHERE name = 'Cara'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM customer").fetchone()[0] == 2
    conn.close()


def test_missing_import_file(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "x.db"), "import", "csv", str(tmp_path / "no.csv"),
                 env_dir=tmp_path)
    assert_one_line_error(result)


def test_new_database_is_private(tmp_path: Path) -> None:
    db = tmp_path / "private.db"
    result = run("--db", str(db), "demo", "--customers", "2", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert db.stat().st_mode & 0o777 == 0o600
    # The WAL was folded back at exit: the file alone holds everything.
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def _kill_midway(args: list[str], db: Path, env_dir: Path, wait_for_rows: int) -> None:
    env = dict(os.environ, SMALLBIZ_CRM_DATA_DIR=str(env_dir))
    proc = subprocess.Popen([*CLI, "--db", str(db), *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                count = conn.execute("SELECT count(*) FROM customer").fetchone()[0]
                conn.close()
            except sqlite3.Error:
                count = 0
            if count >= wait_for_rows:
                break
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def test_sigkill_during_demo_keeps_committed_chunks(tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    _kill_midway(["demo", "--customers", "40000"], db, tmp_path, wait_for_rows=2000)
    result = run("--db", str(db), "check", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    customers = conn.execute("SELECT count(*) FROM customer").fetchone()[0]
    assert 0 < customers < 40000
    # Every committed customer came with their history: no orphan rows, no half chunk.
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    without_history = conn.execute(
        "SELECT count(*) FROM customer c WHERE NOT EXISTS "
        "(SELECT 1 FROM stage_change s WHERE s.customer_id = c.id)").fetchone()[0]
    assert without_history == 0
    conn.close()


def test_sigkill_during_import_imports_nothing(tmp_path: Path) -> None:
    db = tmp_path / "import-killed.db"
    assert run("--db", str(db), "demo", "--customers", "5", env_dir=tmp_path).returncode == 0
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as handle:
        handle.write("name,email,phone\n")
        for i in range(150_000):
            handle.write(f"Person {i},p{i}@example.com,+1 202-555-{i % 10000:04d}\n")
    env = dict(os.environ, SMALLBIZ_CRM_DATA_DIR=str(tmp_path))
    proc = subprocess.Popen([*CLI, "--db", str(db), "import", "csv", str(big)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3.0)  # well into validating or writing the rows
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    result = run("--db", str(db), "check", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    imported = conn.execute("SELECT count(*) FROM customer WHERE name LIKE 'Person %'"
                            ).fetchone()[0]
    conn.close()
    assert imported in (0, 150_000)


def test_report_summary_and_checklist(demo_db: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    conn = sqlite3.connect(demo_db)
    cid, name = conn.execute("SELECT id, name FROM customer ORDER BY id LIMIT 1").fetchone()
    conn.close()
    summary = tmp_path / "summary.pdf"
    result = run("--db", str(demo_db), "report", "summary", str(cid), "-o", str(summary),
                 env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    text = "".join(page.extract_text() for page in PdfReader(summary).pages)
    assert name.split()[0] in text

    checklist = tmp_path / "checklist.pdf"
    result = run("--db", str(demo_db), "report", "checklist", "--from", "2026-11-23",
                 "--to", "2026-11-29", "-o", str(checklist), env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert PdfReader(checklist).pages


def test_report_errors_are_one_line(demo_db: Path, tmp_path: Path) -> None:
    result = run("--db", str(demo_db), "report", "summary", "999999", "-o",
                 str(tmp_path / "x.pdf"), env_dir=tmp_path)
    assert_one_line_error(result)
    assert not (tmp_path / "x.pdf").exists()
    result = run("--db", str(demo_db), "report", "checklist", "--from", "2026-02-30", "-o",
                 str(tmp_path / "y.pdf"), env_dir=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_today_prints_the_sections(demo_db: Path, tmp_path: Path) -> None:
    result = run("--db", str(demo_db), "today", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    for heading in ("Overdue", "Due today", "Birthdays", "Losing touch"):
        assert heading in result.stdout, heading
