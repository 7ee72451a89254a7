"""The restore command with the file open in another process: refused in one line naming it,
or done once a window has let go when asked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from smallbiz_crm.services.backups import BackupService
from smallbiz_crm.store.opening import open_database

ROOT = Path(__file__).resolve().parents[2]

HOLDER = """
import sys, time
from pathlib import Path
from smallbiz_crm.store.opening import open_database
from smallbiz_crm.store.registrations import CLOSE
db = open_database(Path(sys.argv[1]), what="window")
print("open", flush=True)
for _ in range(600):
    if sys.argv[2] == "poll" and db.registration.requested(CLOSE):
        break
    time.sleep(0.05)
db.close()
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    db_path = tmp_path / "shop.db"
    open_database(db_path).close()
    return db_path, BackupService(db_path, tmp_path / "kept").backup_now().path


def _restore(db_path: Path, backup: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smallbiz_crm", "--db", str(db_path),
                           "restore", str(backup)], capture_output=True, text=True,
                          env=_env(), timeout=120)


def test_restore_is_refused_while_another_window_keeps_the_file(tmp_path: Path) -> None:
    db_path, backup = _setup(tmp_path)
    before = db_path.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path), "ignore"],
                              stdout=subprocess.PIPE, text=True, env=_env())
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        result = _restore(db_path, backup)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"The database is open in another window (pid {holder.pid}, since" in lines[0]
    assert lines[0].endswith("close it and try again. Nothing was changed.")
    assert db_path.read_bytes() == before


def test_restore_asks_a_window_to_close_and_restores(tmp_path: Path) -> None:
    db_path, backup = _setup(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path), "poll"],
                              stdout=subprocess.PIPE, text=True, env=_env())
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        result = _restore(db_path, backup)
        assert holder.wait(timeout=10) == 0
    finally:
        holder.kill()
    assert result.returncode == 0, result.stderr
    assert "Restored" in result.stdout
