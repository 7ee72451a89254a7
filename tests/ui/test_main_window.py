"""The real main window on a real migrated database, driven as the owner would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
)
from pytestqt.qtbot import QtBot

from smallbiz_crm.app import build_main_window
from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.opening import open_database
from smallbiz_crm.ui.main_window import MainWindow
from smallbiz_crm.ui.pages.areas import PAGE_CUSTOMERS


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    win = build_main_window(tmp_path / "shop.db")
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def add_customers(db_path: Path, *drafts: CustomerDraft) -> list[int]:
    services = Services(open_database(db_path))
    try:
        return [services.customers.create(d).id for d in drafts]
    finally:
        services.close()


def with_dialog(object_name: str, action: Callable[[QDialog], None]) -> None:
    """Run `action` on the modal dialog named object_name as soon as it is open."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.objectName() == object_name:
            action(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def wait_for_list(qtbot: QtBot, win: MainWindow, count: int) -> None:
    qtbot.waitUntil(lambda: win.customers_page.model.rowCount() == count, timeout=5000)


def test_empty_database_opens_on_the_welcome_view(window: MainWindow) -> None:
    assert window.customers_stack.currentWidget() is window.welcome
    assert window.navigation.currentRow() == PAGE_CUSTOMERS
    assert window.findChild(QPushButton, "sampleDataButton") is not None


def test_create_find_by_phone_edit_with_bad_email(qtbot: QtBot, window: MainWindow) -> None:
    def fill_new(dialog: QDialog) -> None:
        dialog.findChild(QLineEdit, "nameEdit").setText("Maria Lopez")
        dialog.findChild(QLineEdit, "phoneEdit").setText("(202) 555-0187")
        dialog.findChild(QPushButton, "saveButton").click()

    with_dialog("customerDialog", fill_new)
    window.customer_actions.new_customer()
    assert window.customers_stack.currentWidget() is window.customers_page
    wait_for_list(qtbot, window, 1)

    search = window.findChild(QLineEdit, "customerSearch")
    qtbot.keyClicks(search, "55501")
    qtbot.waitUntil(lambda: window.customers_page.model.rowCount() == 1, timeout=5000)
    table = window.findChild(QTableView, "customerTable")
    assert table.model().index(0, 0).data() == "Maria Lopez"
    search.clear()
    qtbot.keyClicks(search, "9999999")
    qtbot.waitUntil(lambda: window.customers_page.model.rowCount() == 0, timeout=5000)
    search.clear()
    wait_for_list(qtbot, window, 1)
    window.customers_page.table.selectRow(0)

    seen: dict[str, str] = {}

    def fill_bad_email(dialog: QDialog) -> None:
        dialog.findChild(QLineEdit, "emailEdit").setText("maria@@example")
        dialog.findChild(QPushButton, "saveButton").click()
        label = dialog.findChild(QLabel, "emailError")
        seen["email"] = label.text() if label is not None and label.isVisible() else ""
        seen["name"] = dialog.findChild(QLineEdit, "nameEdit").text()
        dialog.reject()

    with_dialog("customerDialog", fill_bad_email)
    window.customer_actions.edit_customer(None)
    assert "not an email address" in seen["email"]
    assert seen["name"] == "Maria Lopez"  # what was typed stays
    record = window.services.customers.get(window.customers_page.current_customer_id() or 0)
    assert record.email == ""  # nothing saved


def test_logging_a_purchase_moves_the_stage(qtbot: QtBot, tmp_path: Path) -> None:
    db_path = tmp_path / "shop.db"
    (cid,) = add_customers(db_path, CustomerDraft(name="Ann Lee"))
    win = build_main_window(db_path)
    qtbot.addWidget(win)
    win.show()
    wait_for_list(qtbot, win, 1)
    assert win.services.customers.get(cid).stage_name == "Prospect"

    def log_purchase(dialog: QDialog) -> None:
        kind = dialog.findChild(QComboBox, "kindCombo")
        kind.setCurrentIndex(kind.findData("purchase"))
        dialog.findChild(QLineEdit, "amountEdit").setText("42.50")
        dialog.findChild(QPushButton, "saveButton").click()

    with_dialog("interactionDialog", log_purchase)
    win.customer_actions.log_interaction(cid)
    assert win.services.customers.get(cid).stage_name == "First purchase"
    qtbot.waitUntil(lambda: win.customers_page.model.row_record(0) is not None)
    assert win.customers_page.model.index(0, 2).data() == "First purchase"
    assert "First purchase" in win.statusBar().currentMessage()
    win.close()


def test_archive_then_undo_and_delete_then_undo(qtbot: QtBot, tmp_path: Path) -> None:
    db_path = tmp_path / "shop.db"
    ids = add_customers(db_path, CustomerDraft(name="Ann Lee"), CustomerDraft(name="Bo Chen"))
    services = Services(open_database(db_path))
    from datetime import datetime

    services.interactions.log(InteractionDraft(customer_id=ids[1], kind="call",
                                               occurred_at=datetime(2026, 1, 5, 9)))
    services.close()
    win = build_main_window(db_path)
    qtbot.addWidget(win)
    win.show()
    wait_for_list(qtbot, win, 2)
    page = win.customers_page
    page.table.selectRow(page.model.row_of(ids[0]))
    win.customer_actions.archive_selected(confirm=False)
    assert page.model.rowCount() == 1
    assert win.services.customers.get(ids[0]).archived
    win.undo_stack.undo()
    assert page.model.rowCount() == 2
    assert not win.services.customers.get(ids[0]).archived

    page.table.selectRow(page.model.row_of(ids[1]))
    win.customer_actions.delete_selected(confirm=False)
    assert page.model.rowCount() == 1
    win.undo_stack.undo()
    assert page.model.rowCount() == 2
    assert win.services.customers.get(ids[1]).name == "Bo Chen"
    assert len(win.services.interactions.for_customer(ids[1])) == 1
    win.close()


def test_merge_two_duplicates_keeps_both_histories(qtbot: QtBot, tmp_path: Path) -> None:
    from datetime import datetime

    db_path = tmp_path / "shop.db"
    ids = add_customers(db_path, CustomerDraft(name="José Müller", email="jose@example.com"),
                        CustomerDraft(name="Jose Muller", email="JOSE@example.com"))
    services = Services(open_database(db_path))
    for cid, day in ((ids[0], 3), (ids[0], 4), (ids[1], 5)):
        services.interactions.log(InteractionDraft(customer_id=cid, kind="visit",
                                                   occurred_at=datetime(2026, 2, day, 11)))
    services.close()
    win = build_main_window(db_path)
    qtbot.addWidget(win)
    win.show()
    wait_for_list(qtbot, win, 2)

    def merge(dialog: QDialog) -> None:
        qtbot.waitUntil(lambda: not dialog.is_loading(), timeout=10_000)
        dialog.select_pair(frozenset(ids))
        dialog.merge_selected(into_left=True)
        dialog.accept()

    with_dialog("duplicatesDialog", merge)
    win.customer_actions.find_duplicates()
    assert win.customers_page.model.rowCount() == 1
    kept = win.customers_page.model.customer_id(0)
    assert kept == ids[0]
    assert len(win.services.interactions.for_customer(ids[0])) == 3
    # Both customers' "created" history entries survive, on the kept customer.
    reasons = [c.reason for c in win.services.journey.history(ids[0])]
    assert reasons.count("created") == 2
    win.close()


def test_table_model_passes_the_qt_model_tester(qtmodeltester, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                qtbot: QtBot) -> None:
    db_path = tmp_path / "shop.db"
    add_customers(db_path, *(CustomerDraft(name=f"Customer {i}") for i in range(30)))
    win = build_main_window(db_path)
    qtbot.addWidget(win)
    wait_for_list(qtbot, win, 30)
    qtmodeltester.check(win.customers_page.model)
    win.close()


def test_opens_on_today_with_its_data_loaded(qtbot: QtBot, tmp_path: Path) -> None:
    from datetime import date, timedelta

    from smallbiz_crm.domain.records.follow_ups import FollowUpDraft
    from smallbiz_crm.ui.pages.areas import PAGE_TODAY

    db_path = tmp_path / "shop.db"
    (cid,) = add_customers(db_path, CustomerDraft(name="Ann Lee"))
    services = Services(open_database(db_path))
    services.follow_ups.create(FollowUpDraft(
        customer_id=cid, due_on=date.today() - timedelta(days=2), kind="call",
        reason="Ask about the order"))
    services.close()
    win = build_main_window(db_path)
    qtbot.addWidget(win)
    win.show()
    assert win.navigation.currentRow() == PAGE_TODAY
    # Loaded without the owner touching anything.
    qtbot.waitUntil(lambda: win.today_page.overdue_model.rowCount() == 1, timeout=5000)
    win.close()
