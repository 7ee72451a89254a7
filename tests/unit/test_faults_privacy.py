"""Trust under faults: killed runs leave nothing behind, every file is 0600, the log holds no
customer data."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from smallbiz_crm import logs
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.logs import log, setup_logging
from smallbiz_crm.services import exporting
from smallbiz_crm.services.backups import BackupService
from smallbiz_crm.services.calendar_export import export_ics
from smallbiz_crm.services.printing import write_checklist, write_summary
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.engine import Database

NAME, EMAIL, PHONE = "Philippa Quillfeather", "philippa.q@example.com", "+1 415 555 0134"
AN_HOUR_AGO = time.time() - 3600
FIXED_NOW = datetime(2026, 11, 20, 10, 0)


def fixed_clock() -> datetime:
    return FIXED_NOW


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftover(path: Path, content: bytes = b"half", age: float = AN_HOUR_AGO) -> Path:
    path.write_bytes(content)
    os.utime(path, (age, age))
    return path


@pytest.fixture
def umask_022() -> Iterator[None]:
    # The usual umask: a file opened without an explicit mode comes out 0644 under it.
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def customer_id(services: Services) -> int:
    return services.customers.create(CustomerDraft(name=NAME, email=EMAIL, phone=PHONE)).id


# -- leftovers ------------------------------------------------------------------------------


def test_a_backup_run_removes_the_partial_files_killed_backups_left(
        db: Database, db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups-here"
    folder.mkdir()
    stale = [leftover(folder / "auto-20261101-100000.db.partial"),
             leftover(folder / "backup-20261102-100000-2.db.partial"),
             leftover(folder / "backup-20261102-100000-2.db.partial-journal")]
    fresh = leftover(folder / "backup-20261120-095959.db.partial", age=time.time())
    others = [leftover(folder / "holiday photos.partial"), leftover(folder / "notes.db.partial"),
              leftover(folder / "auto-20261101-100000.db.partial.keep")]
    # One still locked by a backup that is writing into it (another window's).
    locked = folder / "backup-20261103-100000.db.partial"
    writer = sqlite3.connect(locked, isolation_level=None)
    writer.execute("CREATE TABLE t (x)")
    os.utime(locked, (AN_HOUR_AGO, AN_HOUR_AGO))
    writer.execute("BEGIN EXCLUSIVE")
    try:
        info = BackupService(db_path, backups_dir=tmp_path / "std",
                             clock=fixed_clock).backup_now(folder)
        assert locked.exists()
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert info.path.parent == folder and info.ok
    assert not any(path.exists() for path in stale)
    assert fresh.exists() and all(path.exists() for path in others)


def test_an_export_removes_its_own_stale_temporary_file(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "customers.csv"
    stale = leftover(tmp_path / ".customers.csv.k3j_9x2a.tmp")
    fresh = leftover(tmp_path / ".customers.csv.q8w7e6r5.tmp", age=time.time())
    others = [leftover(tmp_path / ".other.csv.k3j_9x2a.tmp"), leftover(tmp_path / "notes.tmp"),
              leftover(tmp_path / ".customers.csv.k3j_9x2a.tmp.mine")]

    exporting.export_csv(db, target)

    assert target.exists() and not stale.exists()
    assert fresh.exists() and all(path.exists() for path in others)


def test_calendar_and_pdf_writes_remove_their_own_stale_temporary_files(
        db: Database, tmp_path: Path, customer_id: int) -> None:
    ics = tmp_path / "shop.ics"
    pdf = tmp_path / "summary.pdf"
    stale = [leftover(tmp_path / ".shop.ics.abcdefgh.tmp"),
             leftover(tmp_path / ".summary.pdf.zyxw1234.tmp")]

    export_ics(db, ics, FIXED_NOW)
    write_summary(db, customer_id, pdf, fixed_clock)

    assert ics.exists() and pdf.exists()
    assert not any(path.exists() for path in stale)
    assert not [path for path in tmp_path.iterdir() if path.name.endswith(".tmp")]


# -- 0600 -----------------------------------------------------------------------------------


def test_pdfs_are_written_owner_only(db: Database, tmp_path: Path, customer_id: int,
                                     umask_022: None) -> None:
    summary = write_summary(db, customer_id, tmp_path / "summary.pdf", fixed_clock)
    write_checklist(db, date(2026, 11, 20), None, tmp_path / "checklist.pdf", clock=fixed_clock)
    # Over an older, readable file too: the new one replaces it, private.
    older = leftover(tmp_path / "again.pdf", age=time.time())
    older.chmod(0o644)
    write_summary(db, customer_id, older, fixed_clock)

    for path in (summary, tmp_path / "checklist.pdf", older):
        assert mode(path) == 0o600, path


def test_the_privacy_export_is_owner_only(services: Services, tmp_path: Path,
                                          customer_id: int, umask_022: None) -> None:
    written = services.privacy.export_customer_data(customer_id, tmp_path)

    assert {path.suffix for path in written} == {".json", ".pdf"}
    assert all(mode(path) == 0o600 for path in written)


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The app's log set up afresh in this test's folder, taken down after."""
    logger = logging.getLogger("smallbiz_crm")

    def ours() -> list[logging.Handler]:
        return [h for h in logger.handlers if getattr(h, "_smallbiz", False)]

    saved = ours()
    for handler in saved:
        logger.removeHandler(handler)
    path = tmp_path / "logs" / "smallbiz-crm.log"
    setup_logging(path)
    try:
        yield path
    finally:
        for handler in ours():
            handler.close()
            logger.removeHandler(handler)
        for handler in saved:
            logger.addHandler(handler)


def test_the_log_and_its_rotations_are_owner_only(log_file: Path, umask_022: None) -> None:
    line = "x" * 1000  # the log rotates at 1,000,000 bytes
    for _ in range(1_000_000 // 1000 * 2 + 10):
        log.info(line)

    files = sorted(log_file.parent.iterdir())
    assert [path.name for path in files] == [
        "smallbiz-crm.log", "smallbiz-crm.log.1", "smallbiz-crm.log.2"]
    assert all(mode(path) == 0o600 for path in files), [oct(mode(p)) for p in files]


def test_an_older_readable_log_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    for name in ("smallbiz-crm.log", "smallbiz-crm.log.1"):
        (folder / name).write_text("old\n")
        (folder / name).chmod(0o644)
    logger = logging.getLogger("smallbiz_crm")
    saved = [h for h in logger.handlers if getattr(h, "_smallbiz", False)]
    for handler in saved:
        logger.removeHandler(handler)
    try:
        setup_logging(folder / "smallbiz-crm.log")
        assert all(mode(path) == 0o600 for path in folder.iterdir())
    finally:
        for handler in [h for h in logger.handlers if getattr(h, "_smallbiz", False)]:
            handler.close()
            logger.removeHandler(handler)
        for handler in saved:
            logger.addHandler(handler)


# -- no customer data in the log ------------------------------------------------------------


def assert_no_customer_data(content: str) -> None:
    for secret in (NAME, "Quillfeather", EMAIL, PHONE, "4155550134", "555 0134"):
        assert secret not in content, (secret, content)


def test_a_database_error_is_logged_without_the_statement_values(
        db: Database, log_file: Path, customer_id: int) -> None:
    with pytest.raises(Exception) as raised, db.unit_of_work() as session:
        # A second customer with the first one's id: SQLite refuses, quoting nothing, but
        # the driver's error carries the values bound to the statement.
        session.execute(text("INSERT INTO customer (id, name, email, phone) "
                             "VALUES (:id, :name, :email, :phone)"),
                        {"id": customer_id, "name": NAME, "email": EMAIL, "phone": PHONE})
    try:
        raise RuntimeError("the import failed") from raised.value
    except RuntimeError:
        log.exception("background task failed")
    log.warning("the database file reported damage: %s", raised.value)

    content = log_file.read_text(encoding="utf-8")
    assert "IntegrityError" in content and "background task failed" in content
    assert "Traceback (most recent call last)" in content
    assert_no_customer_data(content)


def test_a_validation_error_of_a_background_task_is_logged_without_what_was_typed(
        services: Services, log_file: Path) -> None:
    # As the window's task runner logs a failed save (the form shows the message itself).
    # As typed in the form (named here, not written out: a traceback quotes the code line).
    draft = CustomerDraft(name=NAME, email=EMAIL[:EMAIL.index("@") + 1], phone=PHONE[-8:])
    with pytest.raises(ValidationError) as raised:
        services.customers.create(draft)
    log.error("background task failed", exc_info=raised.value)
    log.warning("creating birthday greetings failed: %s", raised.value)

    content = log_file.read_text(encoding="utf-8")
    assert "ValidationError" in content
    assert_no_customer_data(content)
    assert "philippa.q@" not in content


def test_redacting_a_message_keeps_its_shape_and_drops_the_data() -> None:
    message = ("invalid literal for int() with base 10: 'Philippa' at +1 (415) 555-0134, "
               "mail philippa.q@example.com, line 12\n[SQL: INSERT INTO customer VALUES (?)]\n"
               "[parameters: ('Philippa Quillfeather', 'x')]\n(Background on this error at: "
               "https://sqlalche.me/e/20/gkpj)")

    redacted = logs.redact(message)

    assert "invalid literal for int() with base 10" in redacted and "line 12" in redacted
    assert "[SQL: INSERT INTO customer VALUES (?)]" in redacted
    for secret in ("Philippa", "555", "0134", "philippa.q@example.com"):
        assert secret not in redacted, redacted


def test_a_restore_takes_away_the_partial_copy_a_killed_restore_left(tmp_path: Path) -> None:
    """A restore killed while writing its safety copy leaves `before-restore-….db.partial`
    in the backups folder; the next restore removes it (once it is stale and unlocked)."""
    from smallbiz_crm.assembly import backups_for, open_shop
    from smallbiz_crm.domain.records.customers import CustomerDraft
    from smallbiz_crm.paths import resolve

    paths = resolve(data_dir=tmp_path / "data")
    paths.ensure_dirs()
    shop = open_shop(paths)
    shop.services.customers.create(CustomerDraft(name="Ann Lee"))
    good = shop.backups.backup_now().path
    shop.close()
    left = paths.backups_dir / "before-restore-20261120-100000-000001.db.partial"
    left.write_bytes(b"half a copy")
    old = time.time() - 3600
    os.utime(left, (old, old))

    backups_for(paths).restore(good)

    assert not left.exists()
