"""One assembly for the window and the command line: this computer's settings, the owner's
backup folder honoured by both, and the start-up duties."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from smallbiz_crm.assembly import StartupDuties, backups_for, open_shop
from smallbiz_crm.cli import main
from smallbiz_crm.computer_settings import ComputerSettings
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.domain.settings import BACKUP_FOLDER, LANGUAGE, SHOP_NAME
from smallbiz_crm.paths import resolve


def test_computer_settings_are_private_whole_and_kept_apart_from_the_shop(
        tmp_path: Path) -> None:
    path = tmp_path / "data" / "computer-settings.json"
    settings = ComputerSettings(path)
    assert settings.get(LANGUAGE) is None  # the default: follow the system
    settings.set(LANGUAGE, "de")
    settings.set(BACKUP_FOLDER, str(tmp_path))

    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "backup_folder": str(tmp_path), "language": "de"}
    assert ComputerSettings(path).get(LANGUAGE) == "de"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left behind
    with pytest.raises(ValueError, match="shop setting"):
        settings.get(SHOP_NAME)


def test_a_damaged_settings_file_falls_back_to_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "computer-settings.json"
    path.write_text("{not json", encoding="utf-8")
    settings = ComputerSettings(path)
    assert settings.get(LANGUAGE) is None
    settings.set(LANGUAGE, "fr")
    assert ComputerSettings(path).get(LANGUAGE) == "fr"


def test_the_backup_folder_an_earlier_version_kept_in_the_database_moves_to_this_computer(
        tmp_path: Path) -> None:
    paths = resolve(data_dir=tmp_path / "data")
    paths.ensure_dirs()
    stick = tmp_path / "stick"
    stick.mkdir()
    open_shop(paths).close()
    with sqlite3.connect(paths.db_file) as conn:
        conn.execute("INSERT INTO setting (key, value) VALUES ('backup_folder', ?)",
                     (json.dumps(str(stick)),))
    conn.close()

    shop = open_shop(paths)
    try:
        # Opening reads only the header and revision; the duties after the first page move it.
        assert shop.computer.get(BACKUP_FOLDER) is None
        StartupDuties(shop).run()
        assert shop.computer.get(BACKUP_FOLDER) == str(stick)
        assert shop.backups.chosen_folder() == stick
    finally:
        shop.close()
    assert backups_for(paths).chosen_folder() == stick


def test_the_backup_command_uses_the_folder_this_computer_chose(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = resolve(data_dir=tmp_path / "data")
    paths.ensure_dirs()
    stick = tmp_path / "stick"
    stick.mkdir()
    shop = open_shop(paths)
    shop.services.customers.create(CustomerDraft(name="Ann Lee"))
    shop.backups.set_chosen_folder(stick)
    shop.close()

    assert main(["--data-dir", str(paths.data_dir), "backup"]) == 0

    (written,) = stick.glob("backup-*.db")
    assert str(written) in capsys.readouterr().out
    assert written.stat().st_mode & 0o777 == 0o600


def test_startup_duties_back_up_once_a_day_and_report_a_damaged_file(tmp_path: Path) -> None:
    paths = resolve(data_dir=tmp_path / "data")
    paths.ensure_dirs()
    shop = open_shop(paths)
    try:
        shop.services.customers.create(CustomerDraft(name="Ann Lee"))
        duties = StartupDuties(shop)
        first = duties.run()
        assert first.problems == () and first.backup is not None
        assert duties.run().backup is None  # today's exists
        assert not duties.due_again()
    finally:
        shop.close()
    data = bytearray(paths.db_file.read_bytes())
    data[4096 * 2:4096 * 3] = b"\xff" * 4096
    paths.db_file.write_bytes(bytes(data))
    shop = open_shop(paths)
    try:
        assert StartupDuties(shop).run().problems
    finally:
        shop.close()
