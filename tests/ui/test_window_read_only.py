"""The window on a read-only file: it opens, says so in the status bar, and refuses every
write with one plain message (a real immutable file, a real window)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from smallbiz_crm.app import build_main_window
from smallbiz_crm.domain.records.changes import Changes
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.opening import open_database


def test_a_read_only_file_opens_with_a_notice_and_writes_are_refused(
        qtbot: QtBot, tmp_path: Path, immutable: Callable[[Path], None],
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "shop.db"
    services = Services(open_database(path))
    try:
        services.customers.create(CustomerDraft(name="Ada Lovelace"))
    finally:
        services.close()
    immutable(path)
    window = build_main_window(path)
    qtbot.addWidget(window)
    window.show()
    try:
        notice = window.findChild(QLabel, "readOnlyNotice")
        assert notice is not None and notice.isVisible()
        assert "read-only" in notice.text() and "reading only" in notice.text()
        qtbot.waitUntil(lambda: window.customers_page.model.rowCount() == 1, timeout=5000)
        shown: list[str] = []
        monkeypatch.setattr(QMessageBox, "warning",
                            lambda _parent, _title, text: shown.append(text))
        window.ops.run(lambda: window.services.customers.create(
            CustomerDraft(name="Grace Hopper")), Changes.of())
        # Nothing the window does by itself (birthday greetings on Today) tries to write.
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
        assert shown == ["shop.db is read-only: nothing was changed; make it writable (or "
                         "copy it to a folder you can write to) to make changes."]
    finally:
        window.close()
