"""A window and another process on the same file: a restore run elsewhere asks the window to
let go, and the window does (saving its layout, saying why) so the restore goes ahead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from smallbiz_crm.app import answer_requests, build_main_window
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.services.backups import BackupService
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.opening import open_database
from smallbiz_crm.store.registrations import folder_for

ROOT = Path(__file__).resolve().parents[2]


def test_a_restore_from_another_process_closes_the_window_and_goes_ahead(
        qtbot: QtBot, tmp_path: Path) -> None:
    db_path = tmp_path / "shop.db"
    services = Services(open_database(db_path))
    services.customers.create(CustomerDraft(name="In the backup"))
    services.close()
    backup = BackupService(db_path, tmp_path / "kept").backup_now().path
    window = build_main_window(db_path)
    qtbot.addWidget(window)
    window.show()
    assert window.shop is not None
    answer_requests(window, window.shop)
    window.services.customers.create(CustomerDraft(name="Typed after the backup"))
    assert list(folder_for(db_path).glob("*.json"))

    restore = subprocess.Popen(
        [sys.executable, "-m", "smallbiz_crm", "--db", str(db_path), "restore", str(backup)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        qtbot.waitUntil(lambda: restore.poll() is not None, timeout=60_000)
        out, err = restore.communicate()
    finally:
        restore.kill()
    assert restore.returncode == 0, err
    assert "Restored" in out
    assert window.shop is None and not window.isVisible()
    notices = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.objectName() == "closedForRestoreNotice"]
    assert len(notices) == 1 and "restored" in notices[0].text()
    for notice in notices:
        notice.close()
    assert window.settings.value("window/geometry") is not None
