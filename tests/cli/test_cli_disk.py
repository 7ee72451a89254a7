"""The command line on a full disk and on a read-only file or folder, as real processes on
real small file systems: reading commands work, writing ones refuse in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

CLI = [sys.executable, "-m", "smallbiz_crm"]
READING = (["today"], ["search", "a"], ["check"])


def run(*args: str, env_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SMALLBIZ_CRM_DATA_DIR=str(env_dir))
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=300)


def assert_one_line_error(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("smallbiz-crm: ") and words in lines[0], lines[0]


def assert_reading_works(db: Path, elsewhere: Path) -> None:
    for command in READING:
        result = run("--db", str(db), *command, env_dir=elsewhere)
        assert result.returncode == 0, (command, result.stderr)
        assert "Traceback" not in result.stderr and "Logging error" not in result.stderr
    out = elsewhere / "out"
    out.mkdir(exist_ok=True)
    for fmt in ("json", "csv"):
        result = run("--db", str(db), "export", fmt, str(out / f"all.{fmt}"), env_dir=elsewhere)
        assert result.returncode == 0, (fmt, result.stderr)
        assert (out / f"all.{fmt}").stat().st_size > 0
    result = run("--db", str(db), "report", "summary", "1", "-o", str(out / "one.pdf"),
                 env_dir=elsewhere)
    assert result.returncode == 0, result.stderr


def test_demo_on_a_full_disk_says_what_was_saved_and_reading_still_works(
        small_disk: Path, tmp_path: Path) -> None:
    db = small_disk / "shop.db"
    result = run("--db", str(db), "demo", "--customers", "10000", env_dir=tmp_path)
    assert_one_line_error(result, "The disk is full: ")
    assert "of 10,000 sample customers were saved; free some space" in result.stderr
    assert_reading_works(db, tmp_path)


def test_reading_commands_work_on_a_full_disk(
        small_disk: Path, tmp_path: Path, fill_disk: Callable[[Path], None]) -> None:
    db = small_disk / "shop.db"
    assert run("--db", str(db), "demo", "--customers", "40", env_dir=tmp_path).returncode == 0
    fill_disk(small_disk)
    assert_reading_works(db, tmp_path)
    result = run("--db", str(db), "demo", "--customers", "5", env_dir=tmp_path)
    assert_one_line_error(result, "is full: nothing was changed; free some space")


def _writes_refused(db: Path, tmp_path: Path) -> None:
    result = run("--db", str(db), "demo", "--customers", "5", env_dir=tmp_path)
    assert_one_line_error(result, "is read-only")
    assert "nothing was changed" in result.stderr
    csv = tmp_path / "new.csv"
    csv.write_text("name,email\nNew Person,new@example.com\n", encoding="utf-8")
    result = run("--db", str(db), "import", "csv", str(csv), env_dir=tmp_path)
    assert_one_line_error(result, "is read-only")


def test_an_immutable_file_is_read_with_a_notice_and_writes_are_refused(
        tmp_path: Path, immutable: Callable[[Path], None]) -> None:
    folder = tmp_path / "shop"
    folder.mkdir()
    db = folder / "shop.db"
    assert run("--db", str(db), "demo", "--customers", "40", env_dir=tmp_path).returncode == 0
    immutable(db)
    result = run("--db", str(db), "check", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout and "damaged" not in result.stderr
    result = run("--db", str(db), "today", env_dir=tmp_path)
    assert "open for reading only" in result.stderr
    assert_reading_works(db, tmp_path)
    _writes_refused(db, tmp_path)


def test_a_read_only_folder_is_read_and_writes_are_refused(
        read_only_folder: Path, tmp_path: Path,
        remount_read_only: Callable[[Path], None]) -> None:
    db = read_only_folder / "shop.db"
    # Only the file: its backups and logs folders do not exist either (and cannot be made).
    assert run("--db", str(db), "demo", "--customers", "40",
               env_dir=tmp_path).returncode == 0
    for name in ("backups", "logs"):
        subprocess.run(["rm", "-rf", str(read_only_folder / name)], check=True)
    remount_read_only(read_only_folder)
    assert_reading_works(db, tmp_path)
    _writes_refused(db, tmp_path)

