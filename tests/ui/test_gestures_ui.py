"""The gesture dialog, ledger widget and Gestures page, driven like the owner would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft
from smallbiz_crm.domain.records.gestures import (
    Followed,
    GestureDraft,
    GestureRow,
    KindSpend,
    MonthSpend,
)
from smallbiz_crm.services.gestures import GestureService
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.gesture_dialog import GestureDialog, OutcomeDialog, guess_kind
from smallbiz_crm.ui.models.gesture_table import (
    COL_COST,
    COL_CUSTOMER,
    COL_FOLLOWED,
    COL_KIND,
    COL_OUTCOME,
    CUSTOMER_ID_ROLE,
    GESTURE_ID_ROLE,
    GestureTableModel,
    KindSpendModel,
    MonthSpendModel,
    followed_text,
)
from smallbiz_crm.ui.pages.gesture_filters import period_range
from smallbiz_crm.ui.pages.gestures import GesturesPage
from smallbiz_crm.ui.profile.gesture_ledger import GestureLedgerWidget
from smallbiz_crm.ui.tasks import TaskRunner

# conftest's clock: Friday 2026-11-20, 10:00.


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait_all()


def customers(services: Services, *names: str, persona: str | None = None) -> list[int]:
    persona_id = (next(p.id for p in services.personas.all() if p.name == persona)
                  if persona else None)
    return [services.customers.create(CustomerDraft(name=name, persona_id=persona_id)).id
            for name in names]


def make_page(qtbot: QtBot, services: Services, tasks: TaskRunner) -> GesturesPage:
    page = GesturesPage(services, tasks)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.refresh()
    return page


def reload(qtbot: QtBot, page: GesturesPage) -> None:
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.refresh()


def fill(dialog: GestureDialog, kind: str, day: date, description: str, cost: str,
         occasion: str = "") -> None:
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(kind))
    dialog.given_on_edit.setDate(QDate(day.year, day.month, day.day))
    dialog.description_edit.setText(description)
    dialog.cost_edit.setText(cost)
    dialog.occasion_edit.setText(occasion)


def ledger_for(qtbot: QtBot, services: Services, customer_id: int) -> GestureLedgerWidget:
    ledger = GestureLedgerWidget(services)
    qtbot.addWidget(ledger)
    ledger.show_customer(customer_id)
    return ledger


# -- the acceptance scenarios -----------------------------------------------------------------

def test_log_for_three_customers_shows_in_each_ledger_and_the_totals(
        qtbot: QtBot, services: Services, tasks: TaskRunner) -> None:
    ids = customers(services, "Grace Hopper", "Alan Turing", "Hedy Lamarr")
    page = make_page(qtbot, services, tasks)
    assert page.objectName() == "gesturesPage"
    assert page.model.rowCount() == 0
    assert page.followed_sentences() == ["No gestures match the filters."]
    assert not page.log_button.isEnabled()

    for cid, name in zip(ids, ("Grace Hopper", "Alan Turing", "Hedy Lamarr"), strict=True):
        page.picker.add(cid, name)
    assert page.picker.customer_ids() == ids
    assert page.log_button.isEnabled()
    dialog = page.open_log_dialog()
    assert dialog is not None and dialog.objectName() == "gestureDialog"
    qtbot.addWidget(dialog)
    assert dialog.for_label.text() == "For 3 customers"
    assert dialog.names_label.text() == "Grace Hopper, Alan Turing and Hedy Lamarr"
    assert dialog.findChild(QPushButton, "ideaButton") is None  # ideas are for one customer
    fill(dialog, "invitation", date(2026, 11, 12), "Invited to the winter reading", "2.50",
         "Winter reading")
    with qtbot.waitSignal(page.data_changed), qtbot.waitSignal(page.loaded, timeout=10_000):
        assert dialog.save()

    assert [r.customer_id for r in dialog.logged] == ids
    assert len({r.batch_key for r in dialog.logged}) == 1
    assert page.picker.customer_ids() == []  # ready for the next batch
    for cid in ids:
        ledger = ledger_for(qtbot, services, cid)
        assert ledger.model.rowCount() == 1
        assert ledger.total_label.text() == "1 gesture, total cost 2.50"
        assert ledger.model.index(0, COL_KIND).data() == "Invitation"
    # The page: three rows, 3 × 2.50 = 7.50 in November, all of it invitations.
    assert page.model.rowCount() == 3
    assert {page.model.index(r, COL_CUSTOMER).data() for r in range(3)} == {
        "Grace Hopper", "Alan Turing", "Hedy Lamarr"}
    assert page.count_label.text() == "3 gestures, total cost 7.50"
    assert page.kind_model.items() == [KindSpend("invitation", 3, 750)]
    assert page.month_model.items() == [MonthSpend(date(2026, 11, 1), 3, 750)]
    assert page.kind_model.index(0, 2).data() == "7.50"
    assert page.followed_sentences() == [
        "Invitations: 3 given, cost 7.50, nothing followed yet"]


def test_a_purchase_ten_days_later_shows_under_what_followed(
        qtbot: QtBot, services: Services, tasks: TaskRunner) -> None:
    (ada,) = customers(services, "Ada Lovelace")
    GestureService(services.db, services.clock).log(GestureDraft(
        customer_ids=(ada,), kind="gift", given_on=date(2026, 11, 1),
        description="A book token", cost_cents=300))
    page = make_page(qtbot, services, tasks)
    assert page.model.index(0, COL_FOLLOWED).data() == "—"

    # 10 days after the gift; the purchase also moves her from Prospect to First purchase.
    services.interactions.log(InteractionDraft(
        customer_id=ada, kind="purchase", occurred_at=datetime(2026, 11, 11, 14, 0),
        amount_cents=4500))
    reload(qtbot, page)
    assert page.model.index(0, COL_FOLLOWED).data() == "1 purchase · 45.00 · moved up"
    assert page.followed_sentences() == [
        "Gifts: 1 given, cost 3.00, followed by 1 purchase worth 45.00 and 1 move up the "
        "journey"]
    assert page.followed_heading.text() == "What followed within 90 days"
    # The profile's ledger says the same.
    ledger = ledger_for(qtbot, services, ada)
    assert ledger.model.index(0, COL_FOLLOWED).data() == "1 purchase · 45.00 · moved up"
    # A 30-day window still holds it (10 days ≤ 30).
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.window_combo.setCurrentIndex(page.window_combo.findData(30))
    assert page.followed_heading.text() == "What followed within 30 days"
    assert page.summaries[0].purchase_cents == 4500


def test_bad_input_shows_messages_next_to_fields_and_writes_nothing(
        qtbot: QtBot, services: Services) -> None:
    (cid,) = customers(services, "Dora Maar")
    dialog = GestureDialog(services, [cid])
    qtbot.addWidget(dialog)
    dialog.show()
    fill(dialog, "gift", date(2100, 1, 1), "", "-5", "Birthday")
    dialog.outcome_edit.setPlainText("She smiled")
    assert not dialog.save()

    def message(field: str) -> str:
        label = dialog.findChild(QLabel, f"{field}Error")
        assert label is not None
        return label.text() if label.isVisible() else ""

    assert "negative" in message("cost")
    assert "year ahead" in message("given_on")
    assert "cannot be empty" in message("description")
    assert message("occasion") == ""
    assert dialog.isVisible() and dialog.logged == []
    # Everything typed is still there.
    assert dialog.cost_edit.text() == "-5"
    assert dialog.occasion_edit.text() == "Birthday"
    assert dialog.outcome_edit.toPlainText() == "She smiled"
    assert GestureService(services.db, services.clock).for_customer(cid) == ([], 0)

    dialog.cost_edit.setText("twelve")
    dialog.description_edit.setText("Flowers")
    assert not dialog.save()
    assert "not an amount" in message("cost")
    assert "year ahead" in message("given_on")
    assert message("description") == ""

    dialog.cost_edit.setText("12,50")
    dialog.given_on_edit.setDate(QDate(2026, 11, 19))
    assert dialog.save()
    assert [(r.cost_cents, r.outcome) for r in dialog.logged] == [(1250, "She smiled")]


def test_persona_ideas_fill_the_description(qtbot: QtBot, services: Services) -> None:
    (cid,) = customers(services, "Leo Brandt", persona="Humanistic")
    dialog = GestureDialog(services, [cid])
    qtbot.addWidget(dialog)
    assert dialog.for_label.text() == "For Leo Brandt"
    assert not dialog.names_label.isVisibleTo(dialog)
    buttons = dialog.findChildren(QPushButton, "ideaButton")
    assert [b.text() for b in buttons] == list(dialog.ideas)
    thank_you = next(b for b in buttons if "thank-you" in b.text())
    thank_you.click()
    assert dialog.description_edit.text() == "A hand-written thank-you note"
    assert dialog.kind_combo.currentData() == "thank_you"
    assert guess_kind("An invitation to meet other customers at an event") == "invitation"
    assert guess_kind("A printed guide or care sheet") is None


def test_many_customers_are_summed_up(qtbot: QtBot, services: Services) -> None:
    ids = customers(services, *(f"Customer {n:02d}" for n in range(1, 21)))
    dialog = GestureDialog(services, ids)
    qtbot.addWidget(dialog)
    assert dialog.for_label.text() == "For 20 customers"
    assert dialog.names_label.text() == (
        "Customer 01, Customer 02, Customer 03, Customer 04 and 16 more")
    assert dialog.windowTitle() == "Log gesture for 20 customers"


# -- the page's other parts -------------------------------------------------------------------

def test_picker_completes_customer_names(qtbot: QtBot, services: Services,
                                         tasks: TaskRunner) -> None:
    ids = customers(services, "Margaret Hamilton", "Katherine Johnson")
    page = make_page(qtbot, services, tasks)
    picker = page.picker
    picker.edit.setFocus()
    qtbot.keyClicks(picker.edit, "marg")
    popup = picker.completer.popup()
    qtbot.waitUntil(lambda: popup.isVisible())
    assert picker.matches.rowCount() == 1
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert picker.customer_ids() == [ids[0]]
    qtbot.waitUntil(lambda: picker.edit.text() == "")
    # Return with a single match adds it too; a chosen customer is not offered twice.
    qtbot.keyClicks(picker.edit, "katherine")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert picker.customer_ids() == ids
    picker.list.item(0).setSelected(True)
    picker.remove_button.click()
    assert picker.customer_ids() == [ids[1]]
    picker.clear_button.click()
    assert picker.customer_ids() == []


def test_filters_outcome_and_opening_a_customer(qtbot: QtBot, services: Services,
                                                tasks: TaskRunner) -> None:
    ada, ben = customers(services, "Ada Lovelace", "Ben Okafor")
    gestures = GestureService(services.db, services.clock)
    gestures.log(GestureDraft(customer_ids=(ada,), kind="gift", given_on=date(2026, 11, 3),
                              description="Scarf", cost_cents=10))
    gestures.log(GestureDraft(customer_ids=(ben,), kind="upgrade", given_on=date(2026, 6, 3),
                              description="Hardback", cost_cents=20))
    gestures.log(GestureDraft(customer_ids=(ben,), kind="gift", given_on=date(2024, 1, 3),
                              description="Old gift", cost_cents=40))
    page = make_page(qtbot, services, tasks)
    # Last 12 months by default: Dec 2025 … Nov 2026 → the 2024 gift is left out.
    assert page.model.rowCount() == 2
    assert page.count_label.text() == "2 gestures, total cost 0.30"  # 0.10 + 0.20

    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.period_filter.setCurrentIndex(page.period_filter.findData(None))
    assert page.model.rowCount() == 3
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.kind_filter.setCurrentIndex(page.kind_filter.findData("gift"))
    assert page.count_label.text() == "2 gestures, total cost 0.50"
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.keyClicks(page.customer_filter, "okafor")
    assert [page.model.index(r, COL_CUSTOMER).data() for r in range(page.model.rowCount())] == [
        "Ben Okafor"]
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.customer_filter.clear()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.kind_filter.setCurrentIndex(0)
    # Ben is Loyal now; the stage filter looks at today's stage.
    stages = {s.name: s.id for s in services.journey.stages()}
    services.customers.move_to_stage([ben], stages["Loyal"])
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.stage_filter.setCurrentIndex(page.stage_filter.findData(stages["Loyal"]))
    assert page.model.rowCount() == 2
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.stage_filter.setCurrentIndex(page.stage_filter.findData(stages["Prospect"]))
    assert page.model.rowCount() == 1
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.stage_filter.setCurrentIndex(0)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.period_filter.setCurrentIndex(page.period_filter.findData(1))  # this month
    assert page.model.rowCount() == 1
    assert page.model.index(0, COL_CUSTOMER).data() == "Ada Lovelace"

    # Set the outcome of Ada's scarf.
    page.table.selectRow(0)
    assert page.outcome_button.isEnabled() and page.open_button.isEnabled()
    assert page.log_hint.text() == "For the customers of the selected gestures (1)."
    dialog = page.open_outcome_dialog()
    assert isinstance(dialog, OutcomeDialog)
    qtbot.addWidget(dialog)
    assert "Scarf" in dialog.about_label.text()
    dialog.outcome_edit.setPlainText("Wore it the next visit")
    with qtbot.waitSignal(page.data_changed), qtbot.waitSignal(page.loaded, timeout=10_000):
        assert dialog.save()
    assert page.model.index(0, COL_OUTCOME).data() == "Wore it the next visit"
    # The selection survives the reload; the customer opens from the button or the name.
    assert page.selected_customer_ids() == [ada]
    with qtbot.waitSignal(page.open_customer) as opened:
        page.open_button.click()
    assert opened.args == [ada]
    with qtbot.waitSignal(page.open_customer) as opened:
        page.table.doubleClicked.emit(page.model.index(0, COL_CUSTOMER))
    assert opened.args == [ada]


def test_ledger_logs_and_notes_outcomes(qtbot: QtBot, services: Services) -> None:
    (cid,) = customers(services, "Eve Curie")
    ledger = ledger_for(qtbot, services, cid)
    assert ledger.objectName() == "gestureLedger"
    assert ledger.total_label.text() == "No gestures yet"
    assert not ledger.outcome_button.isEnabled()
    dialog = ledger.open_log_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    fill(dialog, "thank_you", date(2026, 11, 2), "Card", "0.10")
    assert dialog.save()
    fill(dialog, "thank_you", date(2026, 11, 9), "Another card", "0.20")
    with qtbot.waitSignal(ledger.data_changed):
        assert dialog.save()
    # 0.10 + 0.20 = 0.30 exactly.
    assert ledger.total_label.text() == "2 gestures, total cost 0.30"
    assert ledger.model.index(0, COL_COST).data() == "0.20"  # newest first
    ledger.table.selectRow(0)
    outcome = ledger.open_outcome_dialog()
    assert outcome is not None
    qtbot.addWidget(outcome)
    outcome.outcome_edit.setPlainText("Called to say thanks")
    with qtbot.waitSignal(ledger.data_changed):
        assert outcome.save()
    assert ledger.model.index(0, COL_OUTCOME).data() == "Called to say thanks"
    ledger.show_customer(None)
    assert ledger.model.rowCount() == 0 and not ledger.log_button.isEnabled()


def test_period_ranges() -> None:
    today = date(2026, 11, 20)
    assert period_range(today, 1) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period_range(today, 3) == (date(2026, 9, 1), date(2026, 11, 30))
    assert period_range(today, 12) == (date(2025, 12, 1), date(2026, 11, 30))
    assert period_range(date(2026, 2, 10), 6) == (date(2025, 9, 1), date(2026, 2, 28))
    assert period_range(today, None) == (None, None)


# -- the models -------------------------------------------------------------------------------

def _rows() -> list[GestureRow]:
    return [
        GestureRow(1, 10, "Ada", "gift", date(2026, 3, 1), "Scarf <b>", 1000, "Birthday",
                   "Loved it", None),
        GestureRow(2, 11, "Ben", "invitation", date(2026, 5, 1), "Invite", 250, "", "", "k"),
        GestureRow(3, 12, "Cat", "mystery", date(2026, 4, 1), "Odd", 0, "", "", "k"),
    ]


def test_gesture_table_model(qtmodeltester, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    model = GestureTableModel()
    qtmodeltester.check(model)
    followed = {1: Followed(2, 15000, 1, 0), 2: Followed()}
    model.set_rows(_rows(), followed)
    qtmodeltester.check(model)
    assert model.index(0, COL_FOLLOWED).data() == "2 purchases · 150.00 · 1 referral"
    assert model.index(1, COL_FOLLOWED).data() == "—"
    assert model.index(2, COL_FOLLOWED).data() == ""  # not computed yet
    assert model.index(2, COL_KIND).data() == "mystery"
    assert model.index(0, COL_COST).data() == "10.00"
    assert model.index(0, 0).data(GESTURE_ID_ROLE) == 1
    assert model.index(0, 0).data(CUSTOMER_ID_ROLE) == 10
    assert "&lt;b&gt;" in model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole)
    model.sort(COL_COST, Qt.SortOrder.DescendingOrder)
    assert [model.gesture(r).id for r in range(3)] == [1, 2, 3]  # type: ignore[union-attr]
    model.sort(0)
    assert [model.gesture(r).id for r in range(3)] == [1, 3, 2]  # type: ignore[union-attr]
    qtmodeltester.check(model)
    model.set_followed({3: Followed(0, 0, 0, 1)})
    assert model.index(model.row_of(3), COL_FOLLOWED).data() == "moved up"
    assert followed_text(Followed(1, 999, 2, 3)) == "1 purchase · 9.99 · 2 referrals · " \
        "moved up 3 stages"


def test_totals_models(qtmodeltester, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    kinds = KindSpendModel()
    months = MonthSpendModel()
    qtmodeltester.check(kinds)
    qtmodeltester.check(months)
    kinds.set_items([KindSpend("gift", 2, 30), KindSpend("thank_you", 1, 1)])
    months.set_items([MonthSpend(date(2026, 11, 1), 3, 31)])
    qtmodeltester.check(kinds)
    qtmodeltester.check(months)
    assert [kinds.index(0, c).data() for c in range(3)] == ["Gifts", "2", "0.30"]
    assert kinds.index(1, 0).data() == "Thank-you notes"
    assert months.index(0, 2).data() == "0.31"
    assert months.index(0, 0).data()  # the month's name, as the locale writes it
