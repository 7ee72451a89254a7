"""A second start on a file another window already has open offers to show that window; a data
folder in a synced folder or on a network share is pointed out, in the window and on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from smallbiz_crm import app as app_module
from smallbiz_crm.cli import main
from smallbiz_crm.paths import resolve
from smallbiz_crm.store.files import shared_location
from smallbiz_crm.store.registrations import folder_for

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))
from test_the_house import make_shop, run_app  # noqa: E402

HOLD_AS_WINDOW = """
import sys, time
from pathlib import Path
from smallbiz_crm.store.registrations import Registration
registration = Registration(Path(sys.argv[1]), "window")
print("ready", flush=True)
time.sleep(60)
"""


def test_starting_on_a_file_another_window_has_open_offers_to_show_it(
        qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    db_file = make_shop(folder)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_AS_WINDOW, str(db_file)],
                              stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    asked: list[str] = []
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"

        def answer() -> None:
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox) and box.objectName() == "alreadyOpenQuestion":
                asked.append(box.text())
                shown = [b for b in box.buttons() if b.text() == "Show that window"]
                shown[0].click()

        code = run_app(folder, until=lambda: bool(asked) and not any(
            w.isVisible() for w in app_module._open_windows), on_tick=answer,
            timeout_ms=20_000)
        requests = list(folder_for(db_file).glob("*.raise"))
    finally:
        holder.kill()
        holder.wait()
    assert code == 0
    assert asked and "already open" in asked[0] and "another window" in asked[0]
    assert len(requests) == 1  # that window is asked to come forward


@pytest.mark.parametrize("folder_name", ["Dropbox", "OneDrive - Corner Shop", "Google Drive"])
def test_a_synced_data_folder_is_pointed_out(folder_name: str, tmp_path: Path) -> None:
    assert shared_location(tmp_path / folder_name / "smallbiz" / "shop.db") == folder_name
    assert shared_location(tmp_path / "Documents" / "shop.db") is None


def test_the_window_and_the_commands_say_the_data_folder_is_synced(
        qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "Dropbox" / "shop"
    db_file = make_shop(folder)
    window = app_module.build_main_window(db_file, resolve(data_dir=folder))
    qtbot.addWidget(window)
    notice = window.findChild(QLabel, "locationNotice")
    assert notice is not None and "Dropbox" in notice.text()
    assert "shared database" in notice.text()
    window.close()

    assert main(["--db", str(db_file), "search", "Customer 001"]) == 0
    err = capsys.readouterr().err
    assert "Dropbox" in err and len(err.strip().splitlines()) == 1


def test_a_write_waiting_for_another_writer_says_so_in_the_status_bar(
        qtbot: QtBot, tmp_path: Path) -> None:
    import threading

    from smallbiz_crm.store.engine import WAITING_MESSAGE

    folder = tmp_path / "data"
    make_shop(folder)
    asked: list[bool] = []
    shown: list[str] = []

    def wait_from_a_task_thread() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if getattr(w, "shop", None) is not None and w.isVisible()]
        if windows and not asked:
            window = windows[0]
            asked.append(True)
            # Every message, even one the list's "120 customers shown" replaces at once.
            window.statusBar().messageChanged.connect(shown.append)
            # As the store does, on the thread whose write waits.
            listeners = list(window.shop.services.db.wait_listeners)
            threading.Thread(target=lambda: [f(WAITING_MESSAGE) for f in listeners]).start()

    assert run_app(folder, until=lambda: WAITING_MESSAGE in shown,
                   on_tick=wait_from_a_task_thread, timeout_ms=20_000) == 0
    assert WAITING_MESSAGE in shown
