"""First run: "Explore with sample data" fills a separate database and opens it, marked so."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from smallbiz_crm import app as app_module
from smallbiz_crm.app import build_main_window
from smallbiz_crm.paths import resolve


def test_explore_with_sample_data_opens_a_separate_marked_database(
        qtbot: QtBot, tmp_path: Path) -> None:
    paths = resolve(data_dir=tmp_path / "data")
    window = build_main_window(paths.db_file, paths)
    qtbot.addWidget(window)
    window.show()
    assert window.customers_stack.currentWidget() is window.welcome

    window.findChild(QPushButton, "sampleDataButton").click()
    qtbot.waitUntil(lambda: bool(app_module._open_windows), timeout=60_000)
    sample = app_module._open_windows[-1]
    try:
        assert sample.services.db.path == paths.sample_db_file
        assert "sample data" in sample.windowTitle()
        assert sample.services.customers.count() > 100
        # The owner's own database stays empty.
        assert not window.services.customers.any_exist()
        assert "sample data" not in window.windowTitle()
    finally:
        sample.close()
        QApplication.processEvents()
