"""The Feedback page, the feedback form and the products dialog, driven through their widgets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from smallbiz_crm.domain.kinds import FeedbackKind, FeedbackStatus
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.domain.records.feedback import NO_PRODUCT, FeedbackDraft
from smallbiz_crm.services.feedback import FeedbackService
from smallbiz_crm.services.products import ProductService
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.models import Feedback, FollowUp
from smallbiz_crm.ui.dialogs.feedback_dialog import FeedbackDialog
from smallbiz_crm.ui.dialogs.products_dialog import ProductsDialog
from smallbiz_crm.ui.models.feedback_table import (
    COL_CUSTOMER,
    COL_TEXT,
    CUSTOMER_ID_ROLE,
    FEEDBACK_ID_ROLE,
    NODE_KIND_ROLE,
    FeedbackTreeModel,
    OwedNewsModel,
)
from smallbiz_crm.ui.pages.feedback import FeedbackPage
from smallbiz_crm.ui.tasks import TaskRunner

TODAY = date(2026, 11, 20)  # conftest's clock: a Friday
MONDAY = date(2026, 11, 23)


class Shop:
    """Three customers, two products and some feedback, made through the services."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.feedback = FeedbackService(services.db, services.clock)
        self.products = ProductService(services.db)
        self.ann, self.bob, self.cat = (
            services.customers.create(CustomerDraft(name=name)).id
            for name in ("Ann Archer", "Bob Baker", "Cat Cooper"))
        self.candles = self.products.add("Candles").id
        self.soap = self.products.add("Soap").id

    def give(self, customer_id: int, product_id: int | None, text: str,
             kind: FeedbackKind = FeedbackKind.IDEA, rating: int | None = None) -> int:
        return self.feedback.add(FeedbackDraft(
            customer_id=customer_id, product_id=product_id, kind=kind.value, text=text,
            rating=rating, received_on=TODAY)).id


@pytest.fixture
def shop(services: Services) -> Shop:
    return Shop(services)


@pytest.fixture
def tasks(qtbot: QtBot) -> TaskRunner:
    return TaskRunner()


def make_page(qtbot: QtBot, services: Services, tasks: TaskRunner) -> FeedbackPage:
    page = FeedbackPage(services, tasks)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    return page


def tell_them_rows(services: Services) -> list[FollowUp]:
    with services.db.read() as session:
        return list(session.scalars(select(FollowUp).where(FollowUp.kind == "tell_them")
                                    .order_by(FollowUp.id)))


def feedback_rows(services: Services) -> int:
    with services.db.read() as session:
        return len(list(session.scalars(select(Feedback.id))))


def answer_next_modal(act: Callable[[QWidget], None]) -> list[QWidget]:
    """Act on the next modal window (a question box) once it is open."""
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


def press(button: QMessageBox.StandardButton) -> Callable[[QWidget], None]:
    def act(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        widget.button(button).click()
    return act


# -- models ---------------------------------------------------------------------------------


def test_models_pass_the_model_tester(qtmodeltester: Any, shop: Shop) -> None:
    first = shop.give(shop.ann, shop.candles, "Smaller candles")
    done = shop.give(shop.bob, shop.candles, "Longer wicks", FeedbackKind.COMPLAINT, 2)
    shop.give(shop.cat, None, "Open on Sundays", FeedbackKind.IDEA, 4)
    shop.give(shop.cat, shop.soap, "Lovely soap", FeedbackKind.PRAISE, 5)
    shop.feedback.set_status([done], FeedbackStatus.DONE.value)
    shop.feedback.create_tell_them([done])

    tree = FeedbackTreeModel()
    qtmodeltester.check(tree)
    tree.set_rows(shop.feedback.list())
    qtmodeltester.check(tree)
    owed = OwedNewsModel()
    qtmodeltester.check(owed)
    owed.set_rows(shop.feedback.owed_news())
    qtmodeltester.check(owed)

    # Products by name, "no product" last; statuses in order; counts on the group rows.
    products = [tree.index(r, COL_TEXT).data() for r in range(tree.rowCount())]
    assert products == ["Candles  (2)", "Soap  (1)", "No particular product  (1)"]
    candles = tree.index(0, COL_TEXT)
    assert [tree.index(r, COL_TEXT, candles).data() for r in range(tree.rowCount(candles))] == [
        "New  (1)", "Done  (1)"]
    done_group = tree.index(1, COL_TEXT, candles)
    item = tree.index(0, COL_CUSTOMER, done_group)
    assert (item.data(), item.data(FEEDBACK_ID_ROLE), item.data(NODE_KIND_ROLE)) == (
        "Bob Baker", done, "item")
    assert tree.feedback_ids_under(candles) == [first, done]
    assert tree.feedback_ids_under(done_group) == [done]
    assert owed.index(0, 0).data().splitlines() == [
        "Bob Baker · Done · follow-up due 2026-11-23", "Candles: Longer wicks"]
    owed.set_rows(shop.feedback.owed_news(), today=date(2026, 11, 24))
    assert owed.index(0, 0).data().splitlines()[0] == (
        "Bob Baker · Done · overdue since 2026-11-23")
    qtmodeltester.check(owed)


# -- the page: moving, telling, owed news ---------------------------------------------------


def test_moving_to_done_creates_tell_them_and_marking_told_empties_owed(
        qtbot: QtBot, services: Services, tasks: TaskRunner, shop: Shop) -> None:
    ideas = [shop.give(shop.ann, shop.candles, "Could candles come in a travel size?"),
             shop.give(shop.bob, shop.candles, "Travel-size candles, please")]
    other = shop.give(shop.cat, shop.soap, "Unscented soap")
    page = make_page(qtbot, services, tasks)
    assert page.owed_model.rowCount() == 0
    assert page.owed_empty.isVisible()

    page.select_feedback(ideas)
    assert sorted(page.selected_feedback_ids()) == sorted(ideas)
    assert page.move_actions["done"].isEnabled()
    with qtbot.waitSignal(page.data_changed):
        created = page.move_selected_to(FeedbackStatus.DONE.value, tell_them=True)

    assert len(created) == 2
    follow_ups = tell_them_rows(services)
    assert [f.id for f in follow_ups] == created
    assert {(f.customer_id, f.feedback_id, f.due_on, f.status, f.source) for f in follow_ups} == {
        (shop.ann, ideas[0], MONDAY, "open", "feedback"),
        (shop.bob, ideas[1], MONDAY, "open", "feedback")}
    assert services.customers.get(shop.ann).next_follow_up_on == MONDAY
    assert {r.id for r in page.owed_model.rows()} == set(ideas)
    assert page.owed_list.isVisible()
    assert "2 follow-ups" in page.message_label.text()
    assert page.owed_group.title() == "Owed news (2)"
    # The items stay chosen where they moved to.
    assert sorted(page.selected_feedback_ids()) == sorted(ideas)
    assert shop.feedback.get(other).status == "new"

    page.select_owed(ideas)
    assert page.mark_told_button.isEnabled()
    assert not page.tell_them_button.isEnabled()  # both already have a follow-up
    with qtbot.waitSignal(page.data_changed):
        page.mark_told_button.click()
    assert page.owed_model.rowCount() == 0
    assert page.owed_empty.isVisible() and not page.owed_list.isVisible()
    assert shop.feedback.owed_news() == []
    assert {(f.status, f.outcome) for f in tell_them_rows(services)} == {("done", "Told them")}
    assert services.customers.get(shop.ann).next_follow_up_on is None


def test_moving_to_declined_asks_and_not_now_makes_no_follow_up(
        qtbot: QtBot, services: Services, tasks: TaskRunner, shop: Shop) -> None:
    fid = shop.give(shop.ann, None, "Sell lottery tickets")
    page = make_page(qtbot, services, tasks)
    page.select_feedback([fid])
    seen = answer_next_modal(press(QMessageBox.StandardButton.No))
    assert page.move_selected_to(FeedbackStatus.DECLINED.value) == []
    assert len(seen) == 1 and seen[0].objectName() == "tellThemQuestion"
    assert isinstance(seen[0], QMessageBox)
    assert seen[0].text() == "Create a follow-up to tell the customer?"
    assert tell_them_rows(services) == []
    assert [r.id for r in page.owed_model.rows()] == [fid]
    assert page.owed_model.index(0, 0).data().startswith("Ann Archer · Declined · no follow-up")

    # Later, from the owed list.
    page.select_owed([fid])
    assert page.tell_them_button.isEnabled()
    (created,) = page.tell_them_for_selected_owed()
    assert [f.id for f in tell_them_rows(services)] == [created]
    assert not page.tell_them_button.isEnabled()


def test_question_counts_customers_and_yes_creates(qtbot: QtBot, services: Services,
                                                  tasks: TaskRunner, shop: Shop) -> None:
    ids = [shop.give(who, shop.soap, "Unscented soap") for who in (shop.ann, shop.bob, shop.cat)]
    page = make_page(qtbot, services, tasks)
    page.select_feedback(ids)
    seen = answer_next_modal(press(QMessageBox.StandardButton.Yes))
    created = page.move_selected_to(FeedbackStatus.DONE.value)
    assert isinstance(seen[0], QMessageBox)
    assert seen[0].text() == "Create a follow-up to tell the 3 customers?"
    assert len(created) == 3


def test_status_actions_follow_the_rules_and_group_rows_select_their_items(
        qtbot: QtBot, services: Services, tasks: TaskRunner, shop: Shop) -> None:
    planned = shop.give(shop.ann, shop.candles, "Beeswax")
    also = shop.give(shop.bob, shop.candles, "Soy wax")
    shop.feedback.set_status([planned, also], FeedbackStatus.PLANNED.value)
    page = make_page(qtbot, services, tasks)
    assert not page.move_button.isEnabled()

    candles = page.model.index(0, COL_TEXT)
    planned_group = page.model.index(0, COL_TEXT, candles)
    page.table.selectionModel().select(
        planned_group, page.table.selectionModel().SelectionFlag.ClearAndSelect
        | page.table.selectionModel().SelectionFlag.Rows)
    assert sorted(page.selected_feedback_ids()) == sorted([planned, also])
    assert page.move_button.isEnabled()
    enabled = {status for status, action in page.move_actions.items() if action.isEnabled()}
    assert enabled == {"done", "declined"}

    # Going back is refused by the service too: message on the page, nothing changes.
    assert page.move_to([planned], FeedbackStatus.NEW.value, tell_them=False) == []
    assert "cannot go back" in page.error_label.text()
    assert page.error_label.isVisible()
    assert shop.feedback.get(planned).status == "planned"


def test_filters_and_summary(qtbot: QtBot, services: Services, tasks: TaskRunner,
                             shop: Shop) -> None:
    a = shop.give(shop.ann, shop.candles, "Smaller candles")
    b = shop.give(shop.bob, shop.soap, "Harsh soap", FeedbackKind.COMPLAINT, 1)
    c = shop.give(shop.cat, None, "Lovely shop", FeedbackKind.PRAISE, 5)
    shop.feedback.set_status([b], FeedbackStatus.CONSIDERED.value)
    page = make_page(qtbot, services, tasks)
    assert page.summary_label.text() == "3 pieces of feedback: 2 new · 1 considered"

    def shown() -> set[int]:
        return {r.id for r in page.model.rows()}

    page.status_filter.setCurrentIndex(page.status_filter.findData("considered"))
    assert shown() == {b}
    page.status_filter.setCurrentIndex(0)
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("praise"))
    assert shown() == {c}
    page.kind_filter.setCurrentIndex(0)
    page.product_filter.setCurrentIndex(page.product_filter.findData(NO_PRODUCT))
    assert shown() == {c}
    page.product_filter.setCurrentIndex(page.product_filter.findData(shop.candles))
    assert shown() == {a}
    assert page.summary_label.text() == "1 piece of feedback: 1 new"
    page.status_filter.setCurrentIndex(page.status_filter.findData("done"))
    assert shown() == set()
    assert page.empty_label.isVisible() and not page.table.isVisible()
    assert page.empty_label.text() == "Nothing matches these filters."


def test_double_click_opens_the_customer(qtbot: QtBot, services: Services, tasks: TaskRunner,
                                         shop: Shop) -> None:
    shop.give(shop.bob, shop.candles, "Smaller candles")
    page = make_page(qtbot, services, tasks)
    item = page.model.index(0, COL_TEXT, page.model.index(0, COL_TEXT, page.model.index(0, 0)))
    assert item.data(CUSTOMER_ID_ROLE) == shop.bob
    with qtbot.waitSignal(page.open_customer) as blocker:
        page.table.doubleClicked.emit(item)
    assert blocker.args == [shop.bob]


def test_delete_feedback_from_the_page(qtbot: QtBot, services: Services, tasks: TaskRunner,
                                       shop: Shop) -> None:
    fid = shop.give(shop.ann, shop.candles, "Typo entry")
    page = make_page(qtbot, services, tasks)
    page.select_feedback([fid])
    assert page.delete_selected(confirmed=False) == 0
    assert page.delete_selected(confirmed=True) == 1
    assert feedback_rows(services) == 0
    assert page.empty_label.isVisible()


# -- the feedback form ----------------------------------------------------------------------


def test_add_feedback_from_the_page_with_the_customer_picker(
        qtbot: QtBot, services: Services, tasks: TaskRunner, shop: Shop) -> None:
    page = make_page(qtbot, services, tasks)
    dialog = page.add_feedback()
    assert dialog.objectName() == "feedbackDialog"
    assert dialog.customer_edit is not None
    qtbot.keyClicks(dialog.customer_edit, "coop")
    assert dialog.search_customers() == 1
    completions = dialog.customer_completer.model()
    assert completions.rowCount() == 1
    # What choosing the entry in the completer's popup sends.
    dialog.customer_completer.activated[QModelIndex].emit(  # type: ignore[index]
        completions.index(0, 0))
    assert dialog.customer_id == shop.cat
    assert dialog.customer_edit.text() == "Cat Cooper"

    dialog.product_combo.setCurrentIndex(dialog.product_combo.findData(shop.soap))
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("praise"))
    qtbot.keyClicks(dialog.text_edit, "Best soap in town")
    dialog.rating_combo.setCurrentIndex(dialog.rating_combo.findData(5))
    assert dialog.rating_stars.text() == "★★★★★"
    dialog.received_edit.setDate(QDate(2026, 11, 18))
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    (row,) = shop.feedback.list()
    assert (row.customer_id, row.product_id, row.kind, row.text, row.rating, row.received_on,
            row.status) == (shop.cat, shop.soap, "praise", "Best soap in town", 5,
                            date(2026, 11, 18), "new")
    assert [r.id for r in page.model.rows()] == [row.id]
    assert page.selected_feedback_ids() == [row.id]


def test_bad_input_shows_messages_next_to_fields_and_writes_nothing(
        qtbot: QtBot, services: Services, shop: Shop) -> None:
    dialog = FeedbackDialog(services, shop.ann)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.customer_label.text() == "Ann Archer"
    dialog.rating_combo.setEditText("9")
    dialog.received_edit.setDate(QDate(2031, 1, 1))
    assert dialog.save() is False
    assert dialog.isVisible()
    assert "cannot be empty" in dialog.errors.message("text")
    assert "1 to 5" in dialog.errors.message("rating")
    assert "year ahead" in dialog.errors.message("received_on")
    assert dialog.errors.message("kind") == ""
    assert feedback_rows(services) == 0

    # Fix the text only: the rest is still as typed, and still refused.
    qtbot.keyClicks(dialog.text_edit, "Could you stock beeswax wraps?")
    dialog.rating_combo.setEditText("four")
    assert dialog.save() is False
    assert dialog.errors.message("text") == ""
    assert dialog.errors.message("rating") == (
        "Type a whole number from 1 to 5, or leave it empty.")
    assert dialog.text_edit.toPlainText() == "Could you stock beeswax wraps?"
    assert feedback_rows(services) == 0

    dialog.rating_combo.setEditText("")
    dialog.received_edit.setDate(QDate(2026, 11, 19))
    assert dialog.save() is True
    (row,) = shop.feedback.for_customer(shop.ann)
    assert (row.text, row.rating, row.product_id) == (
        "Could you stock beeswax wraps?", None, None)


def test_typed_but_unpicked_customer_is_explained(qtbot: QtBot, services: Services,
                                                  shop: Shop) -> None:
    dialog = FeedbackDialog(services, None)
    qtbot.addWidget(dialog)
    assert dialog.customer_edit is not None
    qtbot.keyClicks(dialog.customer_edit, "Nobody")
    qtbot.keyClicks(dialog.text_edit, "An idea")
    assert dialog.save() is False
    assert "Pick the customer" in dialog.errors.message("customer")
    assert feedback_rows(services) == 0


def test_new_product_from_the_form(qtbot: QtBot, services: Services, shop: Shop) -> None:
    dialog = FeedbackDialog(services, shop.ann)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.product_combo.currentData() is None
    assert not dialog.new_product_row.isVisible()
    qtbot.mouseClick(dialog.new_product_button, Qt.MouseButton.LeftButton)
    assert dialog.new_product_row.isVisible()
    qtbot.keyClicks(dialog.new_product_edit, "candles")
    qtbot.mouseClick(dialog.add_product_button, Qt.MouseButton.LeftButton)
    assert "already a product" in dialog.errors.message("product")
    assert dialog.new_product_edit.text() == "candles"

    dialog.new_product_edit.clear()
    qtbot.keyClicks(dialog.new_product_edit, "Beeswax wraps")
    qtbot.keyClick(dialog.new_product_edit, Qt.Key.Key_Return)
    assert not dialog.new_product_row.isVisible()
    assert dialog.product_combo.currentText() == "Beeswax wraps"
    assert dialog.errors.message("product") == ""
    qtbot.keyClicks(dialog.text_edit, "Bigger wraps")
    assert dialog.save()
    assert dialog.saved is not None and dialog.saved.product_name == "Beeswax wraps"


# -- the products dialog --------------------------------------------------------------------


def test_products_dialog_add_rename_archive_delete(qtbot: QtBot, services: Services,
                                                   shop: Shop) -> None:
    fid = shop.give(shop.ann, shop.candles, "Longer wicks")
    dialog = ProductsDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.product_names() == ["Candles", "Soap"]

    qtbot.keyClicks(dialog.new_name_edit, "soap")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "already a product" in dialog.errors.message("new_name")
    dialog.new_name_edit.clear()
    qtbot.keyClicks(dialog.new_name_edit, "Gift cards")
    with qtbot.waitSignal(dialog.changed):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.product_names() == ["Candles", "Gift cards", "Soap"]
    assert dialog.new_name_edit.text() == ""

    dialog.select_product(shop.candles)
    dialog.name_edit.setText("Beeswax candles")
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert shop.products.get(shop.candles).name == "Beeswax candles"
    assert shop.feedback.get(fid).product_name == "Beeswax candles"

    dialog.select_product(shop.soap)
    qtbot.mouseClick(dialog.archive_button, Qt.MouseButton.LeftButton)
    assert shop.products.get(shop.soap).archived
    assert dialog.archive_button.text().replace("&", "") == "Restore"
    qtbot.mouseClick(dialog.archive_button, Qt.MouseButton.LeftButton)
    assert not shop.products.get(shop.soap).archived

    dialog.select_product(shop.candles)
    assert "feedback is kept" in dialog.delete_question(shop.products.all()[0])
    seen = answer_next_modal(press(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert seen and seen[0].objectName() == "confirmDeleteProduct"
    assert dialog.product_names() == ["Gift cards", "Soap"]
    assert shop.feedback.get(fid).product_id is None
    assert dialog.was_changed


def test_products_dialog_from_the_page_refreshes_the_filter(
        qtbot: QtBot, services: Services, tasks: TaskRunner, shop: Shop) -> None:
    page = make_page(qtbot, services, tasks)
    dialog = page.manage_products()
    with qtbot.waitSignal(page.data_changed):
        dialog.add_product("Tea")
    assert page.product_filter.findText("Tea") >= 0
    dialog.close()
