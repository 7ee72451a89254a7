"""The app as the owner starts it (through the real start function): the day's backup without a
click, a damaged file set aside with the newest good backup offered, and changes that refresh
only what they touch."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from smallbiz_crm import app as app_module
from smallbiz_crm.assembly import open_shop
from smallbiz_crm.cli import main
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.paths import resolve
from smallbiz_crm.services.backups import AUTO_PREFIX
from smallbiz_crm.store.backup import integrity_problems
from smallbiz_crm.ui.pages.areas import PAGE_TODAY

NAMES = [f"Customer {n:03d}" for n in range(120)]


def make_shop(folder: Path) -> Path:
    paths = resolve(data_dir=folder)
    paths.ensure_dirs()
    shop = open_shop(paths)
    try:
        for name in NAMES:
            shop.services.customers.create(CustomerDraft(name=name, notes="likes tea"))
    finally:
        shop.close()
    return paths.db_file


def run_app(folder: Path, until: Callable[[], bool], on_tick: Callable[[], None] | None = None,
            timeout_ms: int = 60_000) -> int:
    """Start the app as `smallbiz-crm --data-dir DIR` does; quit once `until()` holds."""
    waited = [0]
    over = [False]

    def poll() -> None:
        if over[0]:
            return  # the app has returned: a late tick must not quit a later test's loops
        if on_tick is not None:
            on_tick()
        waited[0] += 50
        if until() or waited[0] > timeout_ms:
            over[0] = True
            for widget in QApplication.topLevelWidgets():
                widget.close()
            QApplication.quit()
            return
        QTimer.singleShot(50, poll)

    # A window an earlier test closed outside the app's loop left a Quit behind: taken here,
    # before the app's loop starts (which would otherwise end at once).
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    QTimer.singleShot(50, poll)
    hook = sys.excepthook
    try:
        return main(["--data-dir", str(folder)])
    finally:
        over[0] = True
        sys.excepthook = hook  # the app installs its own; later tests want pytest's
        # Closing the app's last window posts one more Quit; left pending, it would end every
        # later test's event loop at once. A short run of the application's loop takes it.
        QTimer.singleShot(0, QApplication.quit)
        QApplication.exec()


def automatic_backups(folder: Path) -> list[Path]:
    return sorted((folder / "backups").glob(f"{AUTO_PREFIX}-*.db"))


def test_starting_the_app_takes_a_verified_backup_without_a_click(
        qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    make_shop(folder)
    assert automatic_backups(folder) == []

    code = run_app(folder, until=lambda: bool(automatic_backups(folder)))

    assert code == 0
    (backup,) = automatic_backups(folder)
    assert integrity_problems(backup) == []
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT count(*) FROM customer").fetchone()[0] == len(NAMES)
    assert backup.stat().st_mode & 0o077 == 0  # the owner's eyes only
    assert (folder / "window.ini").stat().st_mode & 0o777 == 0o600


def damage_customer_pages(db_file: Path) -> None:
    with sqlite3.connect(db_file) as conn:
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'customer'").fetchone()[0]
    conn.close()
    data = bytearray(db_file.read_bytes())
    start = (root - 1) * 4096
    data[start:start + 4096] = b"\xff" * 4096
    db_file.write_bytes(bytes(data))


def test_a_damaged_file_at_start_is_set_aside_and_the_newest_good_backup_offered(
        qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    db_file = make_shop(folder)
    paths = resolve(data_dir=folder)
    shop = open_shop(paths)
    good = shop.backups.daily_backup()
    shop.close()
    assert good is not None
    damage_customer_pages(db_file)
    damaged_bytes = db_file.read_bytes()
    offered: list[str] = []

    def answer_the_offer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "damageMessage":
            offered.append(box.text())
            box.button(QMessageBox.StandardButton.Yes).click()

    def restored_window_open() -> bool:
        return any(window.isVisible() and window.shop is not None
                   and window.services.customers.count() == len(NAMES)
                   for window in app_module._open_windows)

    code = run_app(folder, until=lambda: bool(offered) and restored_window_open(),
                   on_tick=answer_the_offer)

    assert code == 0
    assert offered and "set aside" in offered[0]
    set_aside = [path for path in folder.glob("smallbiz-crm.db.damaged-*")
                 if not path.name.endswith(("-wal", "-shm"))]
    assert len(set_aside) == 1  # renamed, never deleted
    assert set_aside[0].stat().st_size == len(damaged_bytes)
    assert integrity_problems(db_file) == []
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("SELECT count(*) FROM customer").fetchone()[0] == len(NAMES)
    conn.close()


def test_logging_an_interaction_refreshes_the_profile_and_today_not_the_list(
        qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    db_file = make_shop(folder)
    window = app_module.build_main_window(db_file, resolve(data_dir=folder))
    qtbot.addWidget(window)
    window.show()
    page = window.customers_page
    window.navigation.setCurrentRow(1)
    qtbot.waitUntil(lambda: page.model.rowCount() == len(NAMES), timeout=10_000)
    page.table.selectRow(5)
    customer_id = page.current_customer_id()
    assert customer_id is not None
    resets: list[int] = []
    page.model.modelReset.connect(lambda: resets.append(1))
    reloads_before = window.customers.list_reloads
    today_loads: list[int] = []
    window.today_page.loaded.connect(lambda: today_loads.append(1))

    def log_a_visit() -> None:
        dialog = QApplication.activeModalWidget()
        if not (isinstance(dialog, QDialog) and dialog.objectName() == "interactionDialog"):
            QTimer.singleShot(20, log_a_visit)
            return
        kind = dialog.findChild(QComboBox, "kindCombo")
        kind.setCurrentIndex(kind.findData("visit"))
        dialog.findChild(QPlainTextEdit, "summaryEdit").setPlainText("Asked about gift wrap")
        dialog.findChild(QPushButton, "saveButton").click()

    QTimer.singleShot(0, log_a_visit)
    window.customer_actions.log_interaction(None)

    # The profile shows the new visit at once.
    titles = [entry.title + entry.detail for entry in window.profile.timeline_model.entries()]
    assert any("gift wrap" in text for text in titles)
    # The 120-row list was not fetched again: no reset, no reload.
    assert resets == []
    assert window.customers.list_reloads == reloads_before
    assert page.model.rowCount() == len(NAMES)
    # The Today page, hidden meanwhile, loads afresh when shown.
    window.navigation.setCurrentRow(PAGE_TODAY)
    qtbot.waitUntil(lambda: bool(today_loads), timeout=10_000)
    window.close()
