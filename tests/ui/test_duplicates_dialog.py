"""The duplicates dialog: finds pairs in the background, compares them, merges via the button."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QTableView
from pytestqt.qtbot import QtBot

from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft
from smallbiz_crm.domain.records.duplicates import REASON_EMAIL, DuplicatePair
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.duplicates_dialog import DuplicatesDialog
from smallbiz_crm.ui.models.duplicate_pairs import (
    COL_LEFT_CONTACT,
    COL_LEFT_NAME,
    COL_REASON,
    COL_RIGHT_NAME,
    PAIR_ROLE,
    DuplicatePairModel,
)

NOW = datetime(2026, 11, 20, 10, 0)


def add(services: Services, name: str, **fields: object) -> int:
    return services.customers.create(CustomerDraft(name=name, **fields)).id  # type: ignore[arg-type]


def log(services: Services, customer_id: int, *kinds: str) -> None:
    for kind in kinds:
        services.interactions.log(InteractionDraft(customer_id=customer_id, kind=kind,
                                                   occurred_at=NOW, summary=kind))


@pytest.fixture
def shop(services: Services) -> dict[str, int]:
    ids = {
        "ann": add(services, "Ann Lee", email="Ann.Lee@example.com", notes="First record"),
        "ann2": add(services, "Lee, Ann", email="ann.lee@example.com", phone="555 201 4567",
                    company="Lee Flowers"),
        "jose": add(services, "José Müller"),
        "jose2": add(services, "Jose Muller"),
        "other": add(services, "Zed Unique"),
    }
    log(services, ids["ann"], "call", "visit")
    log(services, ids["ann2"], "email")
    services.customers.add_tag([ids["ann"]], "regular")
    services.customers.add_tag([ids["ann2"]], "florist")
    return ids


def open_dialog(qtbot: QtBot, services: Services) -> DuplicatesDialog:
    dialog = DuplicatesDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.is_loading(), timeout=10_000)
    return dialog


def test_the_dialog_lists_pairs_found_in_the_background(qtbot: QtBot, services: Services,
                                                       shop: dict[str, int]) -> None:
    dialog = open_dialog(qtbot, services)
    table = dialog.findChild(QTableView, "duplicatesTable")
    assert dialog.objectName() == "duplicatesDialog"
    assert table is dialog.table
    model = table.model()
    assert model.rowCount() == 2
    # Surest first: the shared email, then the names.
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first[COL_LEFT_NAME] == "Ann Lee" and first[COL_RIGHT_NAME] == "Lee, Ann"
    assert first[COL_LEFT_CONTACT] == "Ann.Lee@example.com"
    assert first[COL_REASON] == "Same email"
    assert model.index(1, COL_REASON).data() == "Similar names"
    assert "sure" in model.index(0, COL_REASON).data(Qt.ItemDataRole.ToolTipRole)
    status = dialog.findChild(QLabel, "duplicatesStatus")
    assert status is not None and status.text() == "2 possible duplicates"

    # The first pair is chosen and compared side by side; differing details stand out.
    assert dialog.current_pair() is not None
    left_name = dialog.findChild(QLabel, "leftName")
    right_company = dialog.findChild(QLabel, "rightCompany")
    left_company = dialog.findChild(QLabel, "leftCompany")
    assert left_name is not None and right_company is not None and left_company is not None
    assert left_name.text() == "Ann Lee" and left_name.font().bold()
    assert right_company.text() == "Lee Flowers" and left_company.text() == "—"
    history = dialog.findChild(QLabel, "leftHistory")
    assert history is not None and history.text() == "2 interactions"


def test_merge_into_left_via_the_button_keeps_the_history_of_both(
        qtbot: QtBot, services: Services, shop: dict[str, int]) -> None:
    dialog = open_dialog(qtbot, services)
    keep, remove = shop["ann"], shop["ann2"]
    assert dialog.select_pair(frozenset((keep, remove)))
    before = (len(services.interactions.for_customer(keep))
              + len(services.interactions.for_customer(remove)))
    history_before = (len(services.journey.history(keep))
                      + len(services.journey.history(remove)))
    button = dialog.findChild(QPushButton, "mergeLeft")
    assert button is not None and button.isEnabled() and not button.autoDefault()
    pair = dialog.current_pair()
    assert pair is not None
    question = dialog.merge_question(pair, into_left=True)
    assert question.startswith("Merge “Lee, Ann” into “Ann Lee”?")

    # The button asks first; this is what it calls after a "Yes".
    with qtbot.waitSignal(dialog.merged, timeout=5_000) as merged:
        dialog.merge_selected(into_left=True)
    assert merged.args == [keep]
    qtbot.waitUntil(lambda: not dialog.is_loading(), timeout=10_000)

    assert len(services.interactions.for_customer(keep)) == before == 3
    assert len(services.journey.history(keep)) == history_before
    kept = services.customers.get(keep)
    assert kept.tags == ("florist", "regular")
    assert kept.company == "Lee Flowers" and kept.phone
    with pytest.raises(NotFoundError):
        services.customers.get(remove)
    # The list refreshed: only the other pair is left, and it is chosen.
    pairs = dialog.model.pairs()
    assert [p.ids for p in pairs] == [frozenset((shop["jose"], shop["jose2"]))]
    assert dialog.current_pair() == pairs[0]
    assert dialog.was_changed


def test_merge_into_right_keeps_the_right_one(qtbot: QtBot, services: Services,
                                             shop: dict[str, int]) -> None:
    dialog = open_dialog(qtbot, services)
    assert dialog.select_pair(frozenset((shop["jose"], shop["jose2"])))
    with qtbot.waitSignal(dialog.merged) as merged:
        kept = dialog.merge_selected(into_left=False)
    assert kept is not None and kept.id == shop["jose2"] == merged.args[0]
    with pytest.raises(NotFoundError):
        services.customers.get(shop["jose"])


def test_not_a_duplicate_hides_the_pair_for_the_session(qtbot: QtBot, services: Services,
                                                       shop: dict[str, int]) -> None:
    dialog = open_dialog(qtbot, services)
    assert dialog.select_pair(frozenset((shop["jose"], shop["jose2"])))
    button = dialog.findChild(QPushButton, "notDuplicate")
    assert button is not None
    button.click()
    assert [p.reason for p in dialog.model.pairs()] == [REASON_EMAIL]
    assert dialog.status.text() == "1 possible duplicate"
    # Searching again does not bring it back, and nothing was changed in the database.
    with qtbot.waitSignal(dialog.pairs_loaded, timeout=10_000):
        dialog.refresh_button.click()
    assert [p.reason for p in dialog.model.pairs()] == [REASON_EMAIL]
    assert services.customers.get(shop["jose"]).name == "José Müller"
    # A new window forgets: the pair is back.
    again = open_dialog(qtbot, services)
    assert again.model.rowCount() == 2


def test_a_pair_merged_elsewhere_is_dropped_with_a_message(qtbot: QtBot, services: Services,
                                                          shop: dict[str, int]) -> None:
    dialog = open_dialog(qtbot, services)
    services.customers.delete([shop["ann2"]])
    assert dialog.select_pair(frozenset((shop["jose"], shop["jose2"])))
    dialog.table.selectRow(0)  # the Ann pair, now stale
    assert [p.ids for p in dialog.model.pairs()] == [frozenset((shop["jose"], shop["jose2"]))]
    assert dialog.status.text() == f"There is no customer with id {shop['ann2']}."


def test_no_pairs_says_so(qtbot: QtBot, services: Services) -> None:
    add(services, "Only One")
    dialog = open_dialog(qtbot, services)
    assert dialog.model.rowCount() == 0
    assert dialog.status.text() == "No possible duplicates found."
    assert not dialog.merge_left_button.isEnabled()
    assert not dialog.not_duplicate_button.isEnabled()
    assert dialog.merge_selected(into_left=True) is None


def test_pair_model(qtmodeltester: Any) -> None:  # pytest-qt's ModelTester, untyped
    model = DuplicatePairModel()
    qtmodeltester.check(model)
    model.set_pairs([
        DuplicatePair(1, "Ann Lee", 2, "Lee, Ann", REASON_EMAIL, 1.0, "a@x.com", "", "a@x.com",
                      "+1 555"),
        DuplicatePair(3, "Jose", 4, "José", "similar names", 0.9),
    ])
    qtmodeltester.check(model)
    assert model.index(1, 0).data(PAIR_ROLE).right_name == "José"
    model.remove_rows_where(involved={2})
    qtmodeltester.check(model)
    assert model.rowCount() == 1
