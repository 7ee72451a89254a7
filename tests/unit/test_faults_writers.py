"""Several writers on one file: who has it open, a restore that loses no commit, a write
that waits its turn instead of failing."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.services import backups as backups_module
from smallbiz_crm.services.backups import BackupService
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store import engine as engine_module
from smallbiz_crm.store.exclusive import DatabaseHeldError
from smallbiz_crm.store.opening import open_database
from smallbiz_crm.store.registrations import folder_for, others

ROOT = Path(__file__).resolve().parents[2]

# A process that keeps the file open (as a command would) until killed; with "poll" it lets
# go when asked, as a window does.
HOLDER = """
import sys, time
from pathlib import Path
from smallbiz_crm.store.opening import open_database
from smallbiz_crm.store.registrations import CLOSE
db = open_database(Path(sys.argv[1]), what=sys.argv[2])
print("open", flush=True)
for _ in range(600):
    if sys.argv[3] == "poll" and db.registration.requested(CLOSE):
        break
    time.sleep(0.05)
db.close()
"""

# Adds customers one open at a time and prints each name once it is committed.
WRITER = """
import sys, time
from pathlib import Path
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.opening import open_database
end = time.monotonic() + float(sys.argv[2])
i = 0
while time.monotonic() < end:
    db = open_database(Path(sys.argv[1]))
    try:
        Services(db).customers.create(CustomerDraft(name=f"Writer {i}"))
        print(f"Writer {i}", flush=True)
    finally:
        db.close()
    i += 1
"""


# Another program that commits one customer the moment the restore's safety copy is begun.
LATE_WRITER = """
import sqlite3, sys, time
from pathlib import Path
folder = Path(sys.argv[2])
while not any(folder.glob("before-restore-*.partial")):
    time.sleep(0.001)
conn = sqlite3.connect(sys.argv[1], timeout=30)
with conn:
    conn.execute("CREATE TEMP TABLE late AS SELECT * FROM customer WHERE name = 'Before'")
    conn.execute("UPDATE late SET id = NULL, name = 'Late'")
    conn.execute("INSERT INTO customer SELECT * FROM late")
conn.close()
print("Late", flush=True)
"""


def _spawn(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            text=True, env=env)


def _names(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM customer")}
    finally:
        conn.close()


def test_an_open_file_is_registered_0600_and_the_note_goes_on_close(db_path: Path) -> None:
    db = open_database(db_path, what="command import")
    notes = list(folder_for(db_path).glob("*.json"))
    assert len(notes) == 1
    assert stat.S_IMODE(notes[0].stat().st_mode) == 0o600
    data = json.loads(notes[0].read_text())
    assert data["pid"] == os.getpid() and data["what"] == "command import"
    db.close()
    assert not folder_for(db_path).exists()


def test_a_note_left_by_a_process_that_is_gone_is_ignored_and_removed(db_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(gone.stdout)
    folder = folder_for(db_path)
    folder.mkdir()
    import socket
    note = folder / f"{pid}-{socket.gethostname()}-1.json"
    note.write_text(json.dumps({"pid": pid, "host": socket.gethostname(),
                                "since": time.time(), "what": "window"}))
    assert others(db_path) == []
    assert not note.exists()


def test_a_restore_is_refused_naming_the_process_that_keeps_the_file_open(
        db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backups_module, "CLOSE_WAIT_SECONDS", 0.5)
    db = open_database(db_path)
    Services(db).customers.create(CustomerDraft(name="Before"))
    db.close()
    service = BackupService(db_path, tmp_path / "backups")
    backup = service.backup_now().path
    holder = _spawn(HOLDER, str(db_path), "command import", "ignore")
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseHeldError) as caught:
            service.restore(backup)
    finally:
        holder.kill()
        holder.wait()
    message = str(caught.value)
    assert f"in another program (command import, pid {holder.pid}, since" in message
    assert message.endswith("Nothing was changed.")
    assert [p for p in service.list_backups(verify=False) if "before-restore" in p.path.name] == []


def test_a_restore_asks_a_window_to_close_and_then_goes_ahead(
        db_path: Path, tmp_path: Path) -> None:
    open_database(db_path).close()
    service = BackupService(db_path, tmp_path / "backups")
    backup = service.backup_now().path
    holder = _spawn(HOLDER, str(db_path), "window", "poll")
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert service.restore(backup) is not None
        assert holder.wait(timeout=10) == 0
    finally:
        holder.kill()


def test_a_commit_during_a_restore_lands_in_the_safety_copy_or_the_restored_file(
        db_path: Path, tmp_path: Path) -> None:
    db = open_database(db_path)
    Services(db).customers.create(CustomerDraft(name="Before"))
    db.close()
    service = BackupService(db_path, tmp_path / "backups")
    backup = service.backup_now().path
    # A file big enough that the safety copy and its check take a moment, as a real one's do.
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("CREATE TABLE filler (b BLOB)")
        conn.executemany("INSERT INTO filler VALUES (randomblob(8000))", [()] * 4000)
    conn.close()
    writer = _spawn(LATE_WRITER, str(db_path), str(tmp_path / "backups"))
    try:
        safety = service.restore(backup)
        out, _ = writer.communicate(timeout=60)
    finally:
        writer.kill()
    assert out.strip() == "Late" and safety.safety_copy is not None
    assert "Late" in _names(safety.safety_copy) | _names(db_path)


def test_a_write_waits_for_another_writer_and_says_so(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The old limit made short, so the test shows failing-versus-waiting in a second or two.
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)
    db = open_database(db_path)
    said: list[str] = []
    db.wait_listeners.append(said.append)
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another window's big import, mid-way
    release = threading.Timer(1.8, lambda: other.execute("COMMIT"))
    release.start()
    try:
        record = Services(db).customers.create(CustomerDraft(name="Waited"))
    finally:
        release.join()
        other.close()
        db.close()
    assert record.name == "Waited"
    assert said == ["Waiting for the other window to finish…"]
