"""The restore dialog, the offer after damage at start, the erase dialog and the export."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from smallbiz_crm.computer_settings import ComputerSettings
from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft
from smallbiz_crm.paths import resolve
from smallbiz_crm.services.backups import BackupInfo, BackupKind, BackupService
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.startup_check import check_database_at_start
from smallbiz_crm.store.backup import integrity_problems
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Customer, ErasureNote
from smallbiz_crm.store.opening import open_database
from smallbiz_crm.ui.backup_duties import (
    back_up_now,
    damage_message_box,
    offer_restore_after_damage,
    run_daily_backup,
)
from smallbiz_crm.ui.dialogs.erase_dialog import EraseDialog, export_their_data
from smallbiz_crm.ui.dialogs.restore_dialog import RestoreDialog
from smallbiz_crm.ui.models.backup_table import (
    COL_CUSTOMERS,
    COL_FOLLOW_UPS,
    COL_KIND,
    COL_STATUS,
    INFO_ROLE,
    BackupTableModel,
    size_text,
)
from smallbiz_crm.ui.tasks import TaskRunner

NOW = datetime(2026, 11, 20, 10, 0)


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def add(services: Services, *names: str) -> list[int]:
    return [services.customers.create(CustomerDraft(name=name)).id for name in names]


def corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[8192:] = random.Random(7).randbytes(len(data) - 8192)
    path.write_bytes(bytes(data))
    assert integrity_problems(path, quick=True)


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def shop(db: Database, clock: Clock) -> Services:
    services = Services(db, clock=clock)
    add(services, *(f"Customer {i}" for i in range(60)))
    return services


def backups_of(shop: Services) -> BackupService:
    """The shop's backups as the app builds them: this computer's settings beside the file."""
    folder = shop.db.path.parent
    return BackupService(shop.db.path, clock=shop.clock,
                         computer=ComputerSettings(folder / "computer-settings.json"))


@pytest.fixture
def backups(shop: Services) -> BackupService:
    return backups_of(shop)


def cell(dialog: RestoreDialog, row: int, column: int) -> str:
    return str(dialog.model.index(row, column).data())


# -- the restore dialog ---------------------------------------------------------------------


def test_backup_model(qtmodeltester: Any, tmp_path: Path) -> None:  # pytest-qt, untyped
    model = BackupTableModel()
    qtmodeltester.check(model)
    model.set_backups([
        BackupInfo(path=tmp_path / "a.db", created_at=NOW, size=5_000_000, customers=3,
                   follow_ups=4, ok=True, kind=BackupKind.AUTOMATIC),
        BackupInfo(path=tmp_path / "b.db", created_at=NOW, size=100, customers=None,
                   follow_ups=None, ok=False, kind=BackupKind.OTHER, problem="bad page"),
    ])
    qtmodeltester.check(model)
    assert model.index(1, COL_STATUS).data() == "Damaged"
    assert "bad page" in model.index(1, COL_STATUS).data(0x0003)  # ToolTipRole
    assert model.index(0, 0).data(INFO_ROLE).customers == 3


def test_size_text() -> None:
    assert size_text(900) == "900 bytes"
    assert size_text(2048) == "2.0 KB"
    assert size_text(426_332_160) == "407 MB"


def test_the_dialog_lists_backups_with_counts_and_damage(qtbot: QtBot, shop: Services,
                                                         backups: BackupService,
                                                         clock: Clock) -> None:
    good = backups.daily_backup()
    add(shop, "One more")
    clock.now += timedelta(days=1)
    damaged = backups.backup_now()
    corrupt(damaged.path)

    dialog = RestoreDialog(backups_of(shop))
    qtbot.addWidget(dialog)

    assert dialog.objectName() == "restoreDialog"
    assert dialog.model.rowCount() == 2
    assert [cell(dialog, row, COL_STATUS) for row in range(2)] == ["Damaged", "OK"]
    assert cell(dialog, 1, COL_CUSTOMERS) == "60" and cell(dialog, 1, COL_FOLLOW_UPS) == "0"
    assert cell(dialog, 1, COL_KIND) == "Daily"
    # The damaged one (newest, selected first) cannot be restored.
    selected = dialog.selected()
    assert selected is not None and selected.path == damaged.path
    assert not dialog.restore_button.isEnabled()
    assert good is not None and dialog.select_path(good.path)
    assert dialog.restore_button.isEnabled()


def test_restore_asks_then_hands_the_backup_to_the_window(
        qtbot: QtBot, db: Database, shop: Services, backups: BackupService, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    taken = backups.daily_backup()
    assert taken is not None
    add(shop, "After the backup")
    dialog = RestoreDialog(backups_of(shop))
    qtbot.addWidget(dialog)
    dialog.select_path(taken.path)
    shown = dialog.selected()
    assert shown is not None
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)

    with qtbot.waitSignal(dialog.restore_requested) as requested:
        dialog.restore_button.click()

    assert requested.args == [taken.path]
    assert "The current data is backed up first" in asked[0]
    assert "60 customers" in asked[0]
    assert dialog.result() == RestoreDialog.DialogCode.Accepted
    # What the window does next: close, restore, reopen; the counts are the ones shown.
    db.close()
    safety = backups_of(shop).restore(taken.path).safety_copy
    assert safety is not None and count(safety, "customer") == 61
    reopened = open_database(db.path)
    try:
        assert count(db.path, "customer") == shown.customers
        assert count(db.path, "follow_up") == shown.follow_ups
    finally:
        reopened.close()


def test_restore_can_be_cancelled(qtbot: QtBot, shop: Services, backups: BackupService,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    backups.daily_backup()
    dialog = RestoreDialog(backups_of(shop))
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_args: QMessageBox.StandardButton.Cancel)
    requested: list[Path] = []
    dialog.restore_requested.connect(requested.append)
    assert not dialog.restore_selected()
    assert requested == [] and dialog.isVisible() is False  # never shown, still open
    assert dialog.result() == 0


def test_back_up_now_adds_a_checked_backup(qtbot: QtBot, shop: Services) -> None:
    dialog = RestoreDialog(backups_of(shop))
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0
    assert "no backups" in dialog.status_label.text()

    with qtbot.waitSignal(dialog.backed_up) as signal:
        dialog.backup_button.click()

    info = signal.args[0]
    assert info.kind is BackupKind.MANUAL and info.customers == 60
    assert dialog.model.rowCount() == 1
    assert cell(dialog, 0, COL_STATUS) == "OK"
    assert str(info.path) in dialog.status_label.text()


def test_checks_run_in_the_background_with_a_runner(qtbot: QtBot, shop: Services,
                                                    backups: BackupService,
                                                    clock: Clock) -> None:
    for _day in range(3):
        backups.daily_backup()
        clock.now += timedelta(days=1)
    runner = TaskRunner()
    dialog = RestoreDialog(backups_of(shop), runner=runner)
    qtbot.addWidget(dialog)

    qtbot.waitUntil(lambda: all(info.checked for info in dialog.model.backups()),
                    timeout=10_000)

    assert [cell(dialog, row, COL_STATUS) for row in range(3)] == ["OK"] * 3
    with qtbot.waitSignal(dialog.backed_up, timeout=10_000):
        dialog.backup_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 4
                    and all(info.checked for info in dialog.model.backups()), timeout=10_000)
    dialog.reject()
    assert runner.wait_all()


def test_choosing_the_backup_folder(qtbot: QtBot, shop: Services, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = RestoreDialog(backups_of(shop))
    qtbot.addWidget(dialog)
    assert not dialog.standard_button.isEnabled()

    assert not dialog.use_folder(tmp_path / "missing")
    assert not dialog.folder_error.isHidden()
    assert "There is no folder" in dialog.folder_error.text()

    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args: str(stick))
    dialog.choose_button.click()
    assert dialog.folder_error.isHidden()
    assert str(stick) in dialog.folder_label.text()
    assert dialog.standard_button.isEnabled()
    dialog.backup_button.click()
    assert dialog.model.info(0) is not None
    assert dialog.model.info(0).path.parent == stick  # type: ignore[union-attr]

    # Unplugged: the dialog says where backups go meanwhile.
    stick.rename(tmp_path / "away")
    dialog.reload()
    assert not dialog.folder_warning.isHidden()
    assert "not available" in dialog.folder_warning.text()
    dialog.standard_button.click()
    assert backups_of(shop).chosen_folder() is None
    assert dialog.folder_warning.isHidden()


# -- start-up and menu helpers --------------------------------------------------------------


def damaged_start(db: Database, backups: BackupService, clock: Clock) -> Path:
    assert backups.daily_backup() is not None
    db.close()
    corrupt(db.path)
    return db.path


def test_offer_after_damage_restores_the_newest_good_backup(
        qtbot: QtBot, db: Database, shop: Services, backups: BackupService, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = damaged_start(db, backups, clock)
    paths = resolve(db=path)
    check = check_database_at_start(paths, clock)
    assert not check.ok and check.newest_good_backup is not None

    box = damage_message_box(None, check)
    assert "Restore the backup from 2026-11-20 10:00 (60 customers)?" in box.text()
    assert str(check.moved_aside_to) in box.text()
    monkeypatch.setattr(QMessageBox, "exec", lambda _self: QMessageBox.StandardButton.Yes)

    assert offer_restore_after_damage(None, check, BackupService(paths), paths.log_file)

    reopened = open_database(path)
    try:
        assert Services(reopened).customers.count() == 60
    finally:
        reopened.close()
    assert check.moved_aside_to is not None and check.moved_aside_to.exists()


def test_declining_the_offer_leaves_no_file(qtbot: QtBot, db: Database, shop: Services,
                                            backups: BackupService, clock: Clock,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = damaged_start(db, backups, clock)
    paths = resolve(db=path)
    check = check_database_at_start(paths, clock)
    monkeypatch.setattr(QMessageBox, "exec", lambda _self: QMessageBox.StandardButton.No)

    assert not offer_restore_after_damage(None, check, BackupService(paths), paths.log_file)
    assert not path.exists()
    again = check_database_at_start(paths, clock)
    assert not offer_restore_after_damage(None, again, BackupService(paths), paths.log_file)


def test_no_backup_after_damage_only_informs(qtbot: QtBot, db: Database, shop: Services,
                                             clock: Clock,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    db.close()
    corrupt(db.path)
    paths = resolve(db=db.path)
    check = check_database_at_start(paths, clock)
    box = damage_message_box(None, check)
    assert "No good backup was found" in box.text()
    monkeypatch.setattr(QMessageBox, "exec", lambda _self: QMessageBox.StandardButton.Ok)
    assert not offer_restore_after_damage(None, check, BackupService(paths), paths.log_file)


def test_daily_backup_in_the_background_tells_of_a_fallback(qtbot: QtBot, shop: Services,
                                                            backups: BackupService,
                                                            tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    backups.set_chosen_folder(stick)
    stick.rmdir()
    runner = TaskRunner()
    told: list[str] = []

    run_daily_backup(runner, backups, told.append)

    qtbot.waitUntil(lambda: bool(told), timeout=10_000)
    assert "not available" in told[0] and str(stick) in told[0]
    assert runner.wait_all()
    back_up_now(backups, told.append)
    assert "not available" in told[-1]
    backups.set_chosen_folder(None)
    back_up_now(backups, told.append)
    assert told[-1].startswith("Backed up to ") and "(60 customers)" in told[-1]


# -- erase and export -----------------------------------------------------------------------


@pytest.fixture
def ann(shop: Services) -> int:
    ann = shop.customers.create(CustomerDraft(name="Ann Quillfeather", tags=("VIP",))).id
    for day in range(3):
        shop.interactions.log(InteractionDraft(customer_id=ann, kind="call",
                                               occurred_at=NOW - timedelta(days=day)))
    referred = shop.customers.create(CustomerDraft(name="Ben", referred_by_id=ann)).id
    assert referred
    return ann


def test_erase_is_enabled_only_by_the_typed_name(qtbot: QtBot, db: Database, shop: Services,
                                                 ann: int) -> None:
    dialog = EraseDialog(shop, ann)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "eraseDialog"
    summary = dialog.summary_label.text()
    assert "Ann Quillfeather" in summary and "3 interactions" in summary and "1 tag" in summary
    assert "\"referred by\" of 1 customer" in summary
    assert not dialog.erase_button.isEnabled()

    qtbot.keyClicks(dialog.name_edit, "Ann Quill")
    assert not dialog.erase_button.isEnabled()
    assert "Not yet" in dialog.hint_label.text()
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "  ann quillfeather ")
    assert dialog.erase_button.isEnabled()
    assert dialog.hint_label.text() == "The name matches."

    with qtbot.waitSignal(dialog.erased) as erased:
        dialog.erase_button.click()

    assert erased.args == [ann]
    assert dialog.result() == EraseDialog.DialogCode.Accepted
    assert dialog.result_ is not None and dialog.result_.removed["interactions"] == 3
    with db.read() as session:
        assert session.get(Customer, ann) is None
        ben = session.query(Customer).filter_by(name="Ben").one()
        assert ben.referred_by_id is None
        assert session.query(ErasureNote).count() == 1


def test_erase_shows_problems_next_to_the_field(qtbot: QtBot, shop: Services,
                                                ann: int) -> None:
    dialog = EraseDialog(shop, ann, runner=TaskRunner())
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name_edit, "Ann Quillfeather")
    shop.customers.delete([ann])  # removed meanwhile, in another window

    dialog.erase_button.click()

    qtbot.waitUntil(lambda: not dialog.errors.general.isHidden(), timeout=10_000)
    assert "already removed" in dialog.errors.general.text()
    assert dialog.result() == 0
    assert dialog.name_edit.text() == "Ann Quillfeather"


def test_erase_in_the_background(qtbot: QtBot, shop: Services, ann: int) -> None:
    dialog = EraseDialog(shop, ann, runner=TaskRunner())
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name_edit, "Ann Quillfeather")
    with qtbot.waitSignal(dialog.erased, timeout=10_000):
        dialog.erase_button.click()
    assert shop.customers.search("Quillfeather") == []


def test_export_their_data_writes_and_says_where(qtbot: QtBot, shop: Services, ann: int,
                                                 tmp_path: Path) -> None:
    told: list[str] = []

    files = export_their_data(None, shop, ann, folder=tmp_path, notify=told.append)

    assert files and files[0].suffix == ".json"
    data = json.loads(files[0].read_text(encoding="utf-8"))
    assert data["customer"]["name"] == "Ann Quillfeather"
    assert len(data["interactions"]) == 3
    assert str(tmp_path) in told[0] and files[0].name in told[0]
    assert export_their_data(None, shop, ann, folder=tmp_path / "gone",
                             notify=told.append) == []
    assert "could not be saved" in told[-1]
