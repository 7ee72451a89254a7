"""The Follow-ups page, its dialogs and model, driven through real widgets on a real file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QApplication, QInputDialog, QWidget
from pytestqt.qtbot import QtBot

from smallbiz_crm.domain import settings
from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft
from smallbiz_crm.domain.records.follow_ups import FollowUpDraft, FollowUpFilter
from smallbiz_crm.services.cadences import CadenceService
from smallbiz_crm.services.follow_ups import FollowUpService, SnoozeChoice
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.cadences_dialog import CadencesDialog
from smallbiz_crm.ui.dialogs.follow_up_dialog import FollowUpDialog, to_qdate
from smallbiz_crm.ui.dialogs.interaction_dialog import InteractionDialog
from smallbiz_crm.ui.dialogs.start_cadence_dialog import ApplyCadenceDialog
from smallbiz_crm.ui.models.follow_up_table import (
    COL_DUE,
    COL_KIND,
    COL_STATUS,
    CUSTOMER_ID_ROLE,
    FOLLOW_UP_ID_ROLE,
    OVERDUE_COLOUR,
    FollowUpTableModel,
)
from smallbiz_crm.ui.pages.follow_ups import FollowUpsPage
from smallbiz_crm.ui.pages.follow_ups_actions import PICK_DATE, DatePickDialog
from smallbiz_crm.ui.tasks import TaskRunner

NOW = datetime(2026, 11, 20, 10, 0)  # the fixed clock of tests/conftest.py: a Friday
TODAY = NOW.date()


def answer_next_modal(act: Callable[[QWidget], None]) -> list[QWidget]:
    """Act on the next modal window once it is open (a blocking exec() in the code)."""
    seen: list[QWidget] = []
    tries = iter(range(500))

    def handle() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            if next(tries, None) is not None:
                QTimer.singleShot(10, handle)
            return
        seen.append(widget)
        act(widget)

    QTimer.singleShot(0, handle)
    return seen


@pytest.fixture
def follow_ups(services: Services) -> FollowUpService:
    return FollowUpService(services.db, services.clock)


@pytest.fixture
def tasks(qapp: QApplication) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    # Deliver every answer while the page still exists (qtbot closes it after this).
    runner.wait_all()
    qapp.processEvents()


@pytest.fixture
def shop(services: Services, follow_ups: FollowUpService) -> dict[str, int]:
    """Two customers with follow-ups overdue, due today, this week and later."""
    ann = services.customers.create(CustomerDraft(name="Ann Archer", phone="+1 212 555 0100",
                                                  consent_contact=True)).id
    bob = services.customers.create(CustomerDraft(name="Bob Baker")).id

    def make(customer_id: int, due: date, reason: str, kind: str = "call") -> int:
        return follow_ups.create(FollowUpDraft(customer_id, due, kind, reason)).id

    return {
        "ann": ann, "bob": bob,
        "ann_overdue": make(ann, date(2026, 11, 12), "Ask about the special order"),
        "bob_overdue": make(bob, date(2026, 11, 16), "Send the catalogue", "email"),
        "ann_today": make(ann, TODAY, "Thank her for the referral", "thank_you"),
        "bob_week": make(bob, date(2026, 11, 24), "Check the gift went down well", "check_in"),
        "ann_later": make(ann, date(2026, 12, 18), "Invite to the winter evening", "visit"),
    }


def make_page(qtbot: QtBot, services: Services, tasks: TaskRunner) -> FollowUpsPage:
    page = FollowUpsPage(services, tasks)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    with qtbot.waitSignal(page.list_reloaded, timeout=5000):
        page.refresh()
    return page


def shown_ids(page: FollowUpsPage) -> list[int]:
    return [row.id for row in page.model.rows()]


def select(page: FollowUpsPage, ids: list[int]) -> None:
    """Select these rows as a ctrl-click would, the first one current."""
    selection = page.table.selectionModel()
    selection.clearSelection()
    selection.setCurrentIndex(page.model.index(page.model.row_of(ids[0]), 0),
                              QItemSelectionModel.SelectionFlag.NoUpdate)
    for follow_up_id in ids:
        row = page.model.row_of(follow_up_id)
        assert row >= 0, follow_up_id
        selection.select(page.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)


# -- the page -------------------------------------------------------------------------------


def test_page_opens_on_overdue_in_red(qtbot: QtBot, services: Services, tasks: TaskRunner,
                                      shop: dict[str, int]) -> None:
    page = make_page(qtbot, services, tasks)
    assert page.objectName() == "followUpsPage"
    assert page.findChild(QWidget, "followUpTable") is page.table
    assert page.scope() == "overdue"
    assert shown_ids(page) == [shop["ann_overdue"], shop["bob_overdue"]]
    brush = page.model.index(0, COL_DUE).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color() == OVERDUE_COLOUR
    assert page.model.index(0, COL_STATUS).data() == "Overdue 8 days"
    assert page.scope_buttons["overdue"].text() == "Overdue (2)"
    assert page.scope_buttons["today"].text() == "Today (1)"
    assert page.scope_buttons["this_week"].text() == "This week (2)"
    assert page.count_label.text() == "2 follow-ups"


def test_filter_buttons_kind_and_customer(qtbot: QtBot, services: Services, tasks: TaskRunner,
                                          shop: dict[str, int]) -> None:
    page = make_page(qtbot, services, tasks)
    with qtbot.waitSignal(page.list_reloaded):
        page.scope_buttons["today"].click()
    assert shown_ids(page) == [shop["ann_today"]]
    row_brush = page.model.index(0, COL_DUE).data(Qt.ItemDataRole.ForegroundRole)
    assert row_brush is None  # due today is not overdue

    with qtbot.waitSignal(page.list_reloaded):
        page.scope_buttons["this_week"].click()
    assert shown_ids(page) == [shop["ann_today"], shop["bob_week"]]

    with qtbot.waitSignal(page.list_reloaded):
        page.scope_buttons["open"].click()
    assert len(shown_ids(page)) == 5
    with qtbot.waitSignal(page.list_reloaded):
        page.kind_filter.setCurrentIndex(page.kind_filter.findData("email"))
    assert shown_ids(page) == [shop["bob_overdue"]]
    assert page.model.index(0, COL_KIND).data() == "Email"
    with qtbot.waitSignal(page.list_reloaded):
        page.kind_filter.setCurrentIndex(0)

    with qtbot.waitSignal(page.list_reloaded, timeout=3000):
        qtbot.keyClicks(page.customer_filter, "archer")
    assert shown_ids(page) == [shop["ann_overdue"], shop["ann_today"], shop["ann_later"]]
    assert {page.model.index(r, 0).data(CUSTOMER_ID_ROLE) for r in range(3)} == {shop["ann"]}

    with qtbot.waitSignal(page.list_reloaded, timeout=3000):
        page.customer_filter.setText("nobody at all")
    assert shown_ids(page) == []
    assert page.empty_label.isVisible()
    assert page.empty_label.text() == "No follow-ups match the filters."


def test_bulk_complete_with_an_outcome(qtbot: QtBot, services: Services, tasks: TaskRunner,
                                       follow_ups: FollowUpService, shop: dict[str, int]) -> None:
    page = make_page(qtbot, services, tasks)
    select(page, [shop["ann_overdue"], shop["bob_overdue"]])
    assert page.complete_button.isEnabled()
    with qtbot.waitSignal(page.data_changed):
        assert page.complete_selected("Rang both; all fine") == 2

    for key in ("ann_overdue", "bob_overdue"):
        record = follow_ups.get(shop[key])
        assert (record.status, record.outcome, record.completed_at) == (
            "done", "Rang both; all fine", NOW)
    assert shown_ids(page) == []  # nothing overdue any more
    assert page.scope_buttons["overdue"].text() == "Overdue"
    assert services.customers.get(shop["ann"]).next_follow_up_on == TODAY
    assert services.customers.get(shop["bob"]).next_follow_up_on == date(2026, 11, 24)


def test_complete_asks_for_the_outcome(qtbot: QtBot, services: Services, tasks: TaskRunner,
                                       follow_ups: FollowUpService, shop: dict[str, int]) -> None:
    page = make_page(qtbot, services, tasks)
    select(page, [shop["ann_overdue"]])

    def answer(widget: QWidget) -> None:
        assert isinstance(widget, QInputDialog)
        widget.setTextValue("She ordered two more")
        widget.accept()

    seen = answer_next_modal(answer)
    page.complete_button.click()
    assert seen
    assert follow_ups.get(shop["ann_overdue"]).outcome == "She ordered two more"

    # Cancelling the question changes nothing.
    select(page, [shop["bob_overdue"]])
    answer_next_modal(lambda widget: widget.close())
    assert page.complete_selected() == 0
    assert follow_ups.get(shop["bob_overdue"]).status == "open"


def test_snooze_from_the_menu_and_to_a_date(qtbot: QtBot, services: Services,
                                            tasks: TaskRunner, follow_ups: FollowUpService,
                                            shop: dict[str, int]) -> None:
    page = make_page(qtbot, services, tasks)
    select(page, [shop["ann_overdue"], shop["bob_overdue"]])
    assert page.snooze_button.isEnabled()
    with qtbot.waitSignal(page.data_changed):
        page.snooze_actions[SnoozeChoice.NEXT_BUSINESS_DAY].trigger()
    # Friday 20 November: over the weekend to Monday 23 November.
    for key in ("ann_overdue", "bob_overdue"):
        record = follow_ups.get(shop[key])
        assert (record.due_on, record.snooze_count) == (date(2026, 11, 23), 1)
    assert shown_ids(page) == []

    with qtbot.waitSignal(page.list_reloaded):
        page.scope_buttons["this_week"].click()
    select(page, [shop["bob_week"]])
    assert page.snooze_selected(SnoozeChoice.TOMORROW) == date(2026, 11, 21)
    assert page.snooze_selected(PICK_DATE, date(2026, 12, 1)) == date(2026, 12, 1)
    assert follow_ups.get(shop["bob_week"]).snooze_count == 2

    def pick(widget: QWidget) -> None:
        assert isinstance(widget, DatePickDialog)
        widget.calendar.setSelectedDate(to_qdate(date(2026, 12, 3)))
        widget.accept()

    with qtbot.waitSignal(page.list_reloaded):
        page.scope_buttons["open"].click()  # 1 December is past this week's list
    select(page, [shop["bob_week"]])
    seen = answer_next_modal(pick)
    assert page.snooze_selected(PICK_DATE) == date(2026, 12, 3)
    assert seen
    assert follow_ups.get(shop["bob_week"]).snooze_count == 3
    assert services.customers.get(shop["bob"]).next_follow_up_on == date(2026, 11, 23)


def test_skip_and_reopen(qtbot: QtBot, services: Services, tasks: TaskRunner,
                         follow_ups: FollowUpService, shop: dict[str, int]) -> None:
    page = make_page(qtbot, services, tasks)
    select(page, [shop["bob_overdue"]])
    assert page.skip_selected("Moved abroad") == 1
    assert (follow_ups.get(shop["bob_overdue"]).status,
            follow_ups.get(shop["bob_overdue"]).outcome) == ("skipped", "Moved abroad")

    with qtbot.waitSignal(page.list_reloaded):
        page.scope_buttons["done"].click()
    assert shown_ids(page) == [shop["bob_overdue"]]
    assert page.model.index(0, COL_STATUS).data() == "Skipped"
    select(page, [shop["bob_overdue"]])
    assert not page.complete_button.isEnabled()
    assert page.reopen_button.isEnabled()
    assert page.reopen_selected() == 1
    assert follow_ups.get(shop["bob_overdue"]).status == "open"


def test_open_profile_signal(qtbot: QtBot, services: Services, tasks: TaskRunner,
                             shop: dict[str, int]) -> None:
    page = make_page(qtbot, services, tasks)
    select(page, [shop["bob_overdue"]])
    with qtbot.waitSignal(page.open_customer) as signal:
        page.open_current_customer()
    assert signal.args == [shop["bob"]]
    assert "Bob Baker" in page.detail_label.text()


def test_a_logged_purchase_shows_its_three_follow_ups(qtbot: QtBot, services: Services,
                                                      tasks: TaskRunner) -> None:
    cid = services.customers.create(CustomerDraft(name="Cleo Bright", consent_contact=True)).id
    dialog = InteractionDialog(services, cid, kind="purchase")
    qtbot.addWidget(dialog)
    dialog.when_edit.setDateTime(datetime(2026, 11, 18, 15, 0))  # a Wednesday
    qtbot.keyClicks(dialog.amount_edit, "35.00")
    assert dialog.save()
    assert dialog.logged is not None and len(dialog.logged.follow_up_ids) == 3

    page = make_page(qtbot, services, tasks)
    with qtbot.waitSignal(page.list_reloaded):
        page.scope_buttons["open"].click()
    rows = page.model.rows()
    # Day 3 (Saturday) -> Monday; day 14; day 60 (Sunday, then MLK Day) -> Tuesday.
    assert [(r.due_on, r.kind) for r in rows] == [
        (date(2026, 11, 23), "thank_you"), (date(2026, 12, 2), "check_in"),
        (date(2027, 1, 19), "reorder")]
    assert all(r.customer_name == "Cleo Bright" for r in rows)


# -- the follow-up dialog -------------------------------------------------------------------


def test_new_follow_up_dialog_picks_a_customer(qtbot: QtBot, services: Services,
                                               follow_ups: FollowUpService,
                                               shop: dict[str, int]) -> None:
    dialog = FollowUpDialog(services)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "followUpDialog"
    assert dialog.due_edit.date() == to_qdate(date(2026, 11, 23))  # next business day

    assert not dialog.save()
    assert dialog.errors.message("customer") == "Choose the customer to follow up with."
    assert dialog.errors.message("reason") == "Say in a few words why you will follow up."

    qtbot.keyClicks(dialog.customer_picker, "bak")
    found = dialog.customer_picker.search()
    assert [row.name for row in found] == ["Bob Baker"]
    index = dialog.customer_picker.matches.index(0, 0)
    dialog.customer_picker.completer_.activated[QModelIndex].emit(index)  # type: ignore[index]
    assert dialog.customer_picker.customer_id() == shop["bob"]
    dialog.quick_buttons[SnoozeChoice.NEXT_WEEK].click()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("visit"))
    dialog.reason_edit.setPlainText("Bring the repaired frame")
    assert dialog.save()

    saved = dialog.saved
    assert saved is not None
    assert (saved.customer_id, saved.due_on, saved.kind, saved.reason) == (
        shop["bob"], date(2026, 11, 23), "visit", "Bring the repaired frame")


def test_follow_up_dialog_explains_an_unpicked_name(qtbot: QtBot, services: Services,
                                                    shop: dict[str, int]) -> None:
    services.customers.create(CustomerDraft(name="Bob Baker"))  # a second Bob Baker
    dialog = FollowUpDialog(services)
    qtbot.addWidget(dialog)
    dialog.customer_picker.setText("Bob Baker")
    dialog.reason_edit.setPlainText("Call")
    assert not dialog.save()
    assert "Several customers" in dialog.errors.message("customer")
    dialog.customer_picker.setText("Ann Archer")  # typed in full: one match is enough
    assert dialog.save()
    assert dialog.saved is not None and dialog.saved.customer_id == shop["ann"]


def test_edit_dialog_keeps_the_text_on_errors(qtbot: QtBot, services: Services,
                                              follow_ups: FollowUpService,
                                              shop: dict[str, int]) -> None:
    dialog = FollowUpDialog(services, follow_up_id=shop["bob_week"])
    qtbot.addWidget(dialog)
    assert dialog.customer_picker.text() == "Bob Baker"
    assert dialog.reason_edit.toPlainText() == "Check the gift went down well"
    dialog.reason_edit.setPlainText("   ")
    assert not dialog.save()
    assert dialog.errors.message("reason")
    dialog.reason_edit.setPlainText("Check the gift, and the card")
    dialog.due_edit.setDate(to_qdate(date(2026, 11, 25)))
    assert dialog.save()
    record = follow_ups.get(shop["bob_week"])
    assert (record.reason, record.due_on) == ("Check the gift, and the card", date(2026, 11, 25))


def test_dialog_for_a_given_customer(qtbot: QtBot, services: Services,
                                     shop: dict[str, int]) -> None:
    dialog = FollowUpDialog(services, customer_id=shop["ann"])
    qtbot.addWidget(dialog)
    assert dialog.customer_picker.customer_id() == shop["ann"]
    dialog.reason_edit.setPlainText("Say hello")
    assert dialog.save()


# -- cadences -------------------------------------------------------------------------------


def test_cadences_dialog_switches_the_purchase_cadence_off(qtbot: QtBot, services: Services
                                                           ) -> None:
    dialog = CadencesDialog(services)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "cadencesDialog"
    assert dialog.cadence_names() == ["After a purchase", "New prospect", "Birthday greeting"]
    assert dialog.auto_purchase_check.isChecked()
    dialog.auto_purchase_check.click()
    assert services.settings.get(settings.AUTO_PURCHASE_CADENCE) is False

    cid = services.customers.create(CustomerDraft(name="Dee", consent_contact=True)).id
    logged = services.interactions.log(InteractionDraft(customer_id=cid, kind="purchase",
                                                        occurred_at=NOW))
    assert logged.follow_up_ids == ()
    dialog.auto_purchase_check.click()
    assert services.settings.get(settings.AUTO_PURCHASE_CADENCE) is True


def test_cadences_dialog_edits_steps(qtbot: QtBot, services: Services) -> None:
    dialog = CadencesDialog(services)
    qtbot.addWidget(dialog)
    assert dialog.steps_table.rowCount() == 3
    day, _kind, reason, _consent = dialog.step_widgets(1)
    day.setValue(10)
    reason.setText("How is it going?")
    assert dialog.has_unsaved_changes()
    dialog.add_step()
    new_day, new_kind, new_reason, new_consent = dialog.step_widgets(3)
    assert new_day.value() == 67  # a week after the last step
    new_kind.setCurrentIndex(new_kind.findData("email"))
    new_reason.setText("Send the care guide")
    new_consent.setChecked(True)
    with qtbot.waitSignal(dialog.changed):
        assert dialog.save()
    assert not dialog.has_unsaved_changes()

    record = CadenceService(services.db).get(dialog.current_cadence_id() or 0)
    assert [(s.offset_days, s.kind, s.reason, s.needs_consent) for s in record.steps] == [
        (3, "thank_you", "Thank them for their purchase", False),
        (10, "check_in", "How is it going?", False),
        (60, "reorder", "Time to reorder or check in", True),
        (67, "email", "Send the care guide", True)]


def test_cadences_dialog_new_cadence_with_errors_then_saved(qtbot: QtBot,
                                                            services: Services) -> None:
    dialog = CadencesDialog(services)
    qtbot.addWidget(dialog)
    dialog.new_button.click()
    assert dialog.current_cadence_id() is None
    assert dialog.steps_table.rowCount() == 1
    assert not dialog.save()
    assert dialog.errors.message("name")
    assert dialog.errors.message("steps").startswith("Step 1:")
    qtbot.keyClicks(dialog.name_edit, "After a repair")
    dialog.step_widgets(0)[2].setText("Ask how the repair holds")
    assert dialog.save()
    assert "After a repair" in dialog.cadence_names()
    assert dialog.current_cadence_id() is not None
    assert dialog.delete_current()
    assert "After a repair" not in dialog.cadence_names()


def test_apply_cadence_dialog(qtbot: QtBot, services: Services, follow_ups: FollowUpService,
                              shop: dict[str, int]) -> None:
    dialog = ApplyCadenceDialog(services, [shop["ann"]])
    qtbot.addWidget(dialog)
    prospect = next(c.id for c in CadenceService(services.db).all()
                    if c.trigger == "new_prospect")
    dialog.select_cadence(prospect)
    assert "Mon 2026-11-23" in dialog.preview.text()  # day 2 = Sunday -> Monday
    dialog.picker.setText("Bob")
    dialog.picker.search()
    dialog.picker.choose(shop["bob"], "Bob Baker")
    assert dialog.customer_ids() == [shop["ann"], shop["bob"]]
    assert dialog.apply()
    # Bob did not agree to be contacted: only the first (non-marketing) step for him.
    assert len(dialog.created_ids) == 3
    bob_rows = follow_ups.list(FollowUpFilter(scope="open", customer_id=shop["bob"],
                                              kind="call"))
    assert [r.due_on for r in bob_rows] == [date(2026, 11, 23)]

    empty = ApplyCadenceDialog(services)
    qtbot.addWidget(empty)
    assert not empty.apply()
    assert empty.errors.message("customers") == "Choose at least one customer."


# -- the model ------------------------------------------------------------------------------


def test_follow_up_model(qtmodeltester: object, services: Services,
                         follow_ups: FollowUpService, shop: dict[str, int]) -> None:
    model = FollowUpTableModel(today=lambda: TODAY)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.set_rows(follow_ups.list(FollowUpFilter(scope="all")))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.rowCount() == 5
    assert model.index(0, COL_DUE).data(FOLLOW_UP_ID_ROLE) == model.follow_up_id(0)
    model.sort(COL_DUE, Qt.SortOrder.AscendingOrder)
    assert model.follow_up_id(0) == shop["ann_overdue"]
    model.sort(COL_KIND, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.row_of(shop["ann_overdue"]) >= 0
    assert model.row_of(99999) == -1
    assert model.row_record(99) is None
    tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("<qt>")
