"""The customer form and the interaction log, driven like the owner would, on a real database."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from smallbiz_crm.domain.records.customers import CustomerDraft, CustomerQuery
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.customer_dialog import CustomerDialog
from smallbiz_crm.ui.dialogs.interaction_dialog import InteractionDialog


def open_customer_dialog(qtbot: QtBot, services: Services,
                         customer_id: int | None = None) -> CustomerDialog:
    dialog = CustomerDialog(services, customer_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    # A line edit takes its completer's choice only while it has focus: wait for activation.
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def all_customer_ids(services: Services) -> list[int]:
    return services.customers.list_ids(CustomerQuery())


def test_create_customer(qtbot: QtBot, services: Services) -> None:
    dialog = open_customer_dialog(qtbot, services)
    qtbot.keyClicks(dialog.name_edit, "Ada Lovelace")
    qtbot.keyClicks(dialog.email_edit, "ada@example.com")
    qtbot.keyClicks(dialog.phone_edit, "+44 20 7946 0958")
    qtbot.keyClicks(dialog.birthday_edit, "1985-12-10")
    dialog.tags_edit.setText("newsletter, wholesale")
    dialog.persona_combo.setCurrentIndex(1)
    dialog.stage_combo.setCurrentIndex(1)
    dialog.consent_check.setChecked(True)
    dialog.notes_edit.setPlainText("Prefers phone after 6pm")

    dialog.save_button.click()

    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = dialog.saved_customer
    assert saved is not None
    stored = services.customers.get(saved.id)
    assert stored.name == "Ada Lovelace"
    assert stored.email == "ada@example.com"
    assert stored.birthday == date(1985, 12, 10)
    assert set(stored.tags) == {"newsletter", "wholesale"}
    assert stored.persona_id == dialog.persona_combo.itemData(1)
    assert stored.stage_name == "First purchase"
    assert stored.consent_contact
    assert stored.notes == "Prefers phone after 6pm"


def test_bad_email_shows_message_and_keeps_typing(qtbot: QtBot, services: Services) -> None:
    dialog = open_customer_dialog(qtbot, services)
    qtbot.keyClicks(dialog.name_edit, "Grace Hopper")
    qtbot.keyClicks(dialog.phone_edit, "555 0100 200")
    qtbot.keyClicks(dialog.email_edit, "grace@@example")

    assert not dialog.save()

    assert dialog.isVisible() and dialog.saved_customer is None
    assert "not an email address" in dialog.errors.message("email")
    assert dialog.errors.label("email").isVisible()
    assert dialog.errors.label("email").objectName() == "emailError"
    assert dialog.name_edit.text() == "Grace Hopper"
    assert dialog.phone_edit.text() == "555 0100 200"
    assert all_customer_ids(services) == []


def test_empty_name_message(qtbot: QtBot, services: Services) -> None:
    dialog = open_customer_dialog(qtbot, services)
    qtbot.keyClicks(dialog.email_edit, "someone@example.com")

    dialog.save_button.click()

    assert dialog.errors.message("name") == "Name cannot be empty."
    assert dialog.email_edit.text() == "someone@example.com"
    assert all_customer_ids(services) == []


def test_bad_birthday_messages(qtbot: QtBot, services: Services) -> None:
    dialog = open_customer_dialog(qtbot, services)
    qtbot.keyClicks(dialog.name_edit, "Tim Future")

    qtbot.keyClicks(dialog.birthday_edit, "2031-01-01")
    assert not dialog.save()
    assert "future" in dialog.errors.message("birthday")

    dialog.birthday_edit.clear()
    qtbot.keyClicks(dialog.birthday_edit, "31/02")
    assert not dialog.save()
    assert "YYYY" in dialog.errors.message("birthday") or "year-month-day" in \
        dialog.errors.message("birthday")

    dialog.birthday_edit.setText("2001-02-31")
    dialog.email_edit.setText("nope")
    assert not dialog.save()
    assert "no day" in dialog.errors.message("birthday")
    # Everything wrong is shown at once, not one message per attempt.
    assert dialog.errors.message("email")
    assert dialog.name_edit.text() == "Tim Future"
    assert all_customer_ids(services) == []

    dialog.birthday_edit.clear()
    dialog.email_edit.clear()
    assert dialog.save()
    assert dialog.saved_customer is not None and dialog.saved_customer.birthday is None


def test_edit_existing_customer(qtbot: QtBot, services: Services) -> None:
    record = services.customers.create(CustomerDraft(
        name="Alan Turing", email="alan@example.com", notes="Likes long runs",
        tags=("chess",)))
    dialog = open_customer_dialog(qtbot, services, record.id)
    assert dialog.name_edit.text() == "Alan Turing"
    assert dialog.tags_edit.text() == "chess"
    assert record.name in dialog.windowTitle()

    dialog.name_edit.setText("Alan M. Turing")
    dialog.company_edit.setText("Bletchley Park")
    dialog.not_pursuing_check.setChecked(True)
    assert not dialog.save()
    assert dialog.errors.message("not_pursuing_reason")
    qtbot.keyClicks(dialog.not_pursuing_reason_edit, "Moved abroad")
    assert dialog.save()

    stored = services.customers.get(record.id)
    assert stored.name == "Alan M. Turing"
    assert stored.company == "Bletchley Park"
    assert stored.not_pursuing and stored.not_pursuing_reason == "Moved abroad"
    assert stored.notes == "Likes long runs"
    assert stored.tags == ("chess",)
    assert dialog.saved_customer == stored


def test_edit_conflict_shows_general_error(qtbot: QtBot, services: Services) -> None:
    record = services.customers.create(CustomerDraft(name="Marie Curie"))
    dialog = open_customer_dialog(qtbot, services, record.id)
    services.customers.update(record.id, CustomerDraft(name="Marie Skłodowska-Curie"))

    dialog.company_edit.setText("Radium Institute")
    assert not dialog.save()

    assert "changed elsewhere" in dialog.errors.general.text()
    assert dialog.errors.general.isVisible()
    assert dialog.company_edit.text() == "Radium Institute"


def test_referred_by_completer(qtbot: QtBot, services: Services) -> None:
    referrer = services.customers.create(CustomerDraft(name="Margaret Hamilton",
                                                       company="Apollo"))
    services.customers.create(CustomerDraft(name="Katherine Johnson"))
    dialog = open_customer_dialog(qtbot, services)
    qtbot.keyClicks(dialog.name_edit, "Annie Easley")

    dialog.referred_by_edit.setFocus()
    qtbot.keyClicks(dialog.referred_by_edit, "marg")
    popup = dialog.referrer_completer.popup()
    qtbot.waitUntil(lambda: popup.isVisible())
    assert dialog.referrer_model.rowCount() == 1
    assert "Apollo" in dialog.referrer_model.item(0).text()

    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)

    assert dialog.referred_by_edit.text() == "Margaret Hamilton"
    assert dialog.referred_by_id == referrer.id
    assert dialog.save()
    assert dialog.saved_customer is not None
    assert dialog.saved_customer.referred_by_id == referrer.id
    assert dialog.saved_customer.referred_by_name == "Margaret Hamilton"


def test_referred_by_typed_without_picking(qtbot: QtBot, services: Services) -> None:
    referrer = services.customers.create(CustomerDraft(name="Hedy Lamarr"))
    dialog = open_customer_dialog(qtbot, services)
    dialog.name_edit.setText("Someone New")

    dialog.referred_by_edit.setText("Nobody Known")
    assert not dialog.save()
    assert dialog.errors.message("referred_by")

    dialog.referred_by_edit.setText("hedy lamarr")
    assert dialog.save()
    assert dialog.saved_customer is not None
    assert dialog.saved_customer.referred_by_id == referrer.id


def test_persona_note_follows_choice(qtbot: QtBot, services: Services) -> None:
    dialog = open_customer_dialog(qtbot, services)
    assert dialog.persona_note.isHidden()
    dialog.persona_combo.setCurrentIndex(1)
    persona = services.personas.get(dialog.persona_combo.currentData())
    assert persona.how_to_talk in dialog.persona_note.text()
    assert dialog.persona_note.isVisible()


def open_interaction_dialog(qtbot: QtBot, services: Services, customer_id: int,
                            kind: str | None = None) -> InteractionDialog:
    dialog = InteractionDialog(services, customer_id, kind=kind)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_log_purchase_moves_stage(qtbot: QtBot, services: Services) -> None:
    customer = services.customers.create(CustomerDraft(name="Ada Lovelace"))
    assert customer.stage_name == "Prospect"
    dialog = open_interaction_dialog(qtbot, services, customer.id)
    assert "Ada Lovelace" in dialog.windowTitle()
    assert dialog.when_edit.dateTime().toPython() == datetime(2026, 11, 20, 10, 0)
    assert not dialog.amount_edit.isVisible()

    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findText("Purchase"))
    assert dialog.amount_edit.isVisible() and dialog.amount_edit.isEnabled()
    qtbot.keyClicks(dialog.amount_edit, "12.50")
    qtbot.keyClicks(dialog.summary_edit, "Bought the blue teapot")
    dialog.sentiment_combo.setCurrentIndex(dialog.sentiment_combo.findText("Happy"))
    dialog.save_button.click()

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.logged is not None
    assert dialog.logged.stage_change is not None
    assert dialog.logged.stage_change.to_stage_name == "First purchase"
    [stored] = services.interactions.for_customer(customer.id)
    assert stored.kind == "purchase"
    assert stored.amount_cents == 1250
    assert stored.sentiment == "happy"
    assert stored.summary == "Bought the blue teapot"
    assert services.customers.get(customer.id).stage_name == "First purchase"


def test_bad_amount_logs_nothing(qtbot: QtBot, services: Services) -> None:
    customer = services.customers.create(CustomerDraft(name="Ada Lovelace"))
    dialog = open_interaction_dialog(qtbot, services, customer.id, kind="purchase")
    assert dialog.kind_combo.currentText() == "Purchase"
    qtbot.keyClicks(dialog.amount_edit, "abc")

    assert not dialog.save()

    assert "not an amount" in dialog.errors.message("amount")
    assert dialog.amount_edit.text() == "abc"
    assert dialog.logged is None
    assert services.interactions.for_customer(customer.id) == []
    assert services.customers.get(customer.id).stage_name == "Prospect"


def test_log_call_without_amount(qtbot: QtBot, services: Services) -> None:
    customer = services.customers.create(CustomerDraft(name="Ada Lovelace"))
    dialog = open_interaction_dialog(qtbot, services, customer.id, kind="call")
    assert not dialog.amount_edit.isVisible()
    dialog.summary_edit.setPlainText("Asked about the spring event")
    assert dialog.save()
    assert dialog.logged is not None and dialog.logged.stage_change is None
    [stored] = services.interactions.for_customer(customer.id)
    assert stored.kind == "call" and stored.amount_cents is None and stored.sentiment is None


def test_tags_completer_completes_the_last_tag(qtbot: QtBot, services: Services) -> None:
    services.customers.create(CustomerDraft(name="Someone", tags=("wholesale", "newsletter")))
    dialog = open_customer_dialog(qtbot, services)
    dialog.tags_edit.setFocus()
    assert dialog.tags_edit.hasFocus()
    qtbot.keyClicks(dialog.tags_edit, "newsletter, WHO")
    popup = dialog.tag_completer.popup()
    qtbot.waitUntil(lambda: popup.isVisible())
    first = dialog.tag_completer.completionModel().index(0, 0)
    assert first.data() == "wholesale"

    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton,
                     pos=popup.visualRect(first).center())

    assert dialog.tags_edit.text() == "newsletter, wholesale, "
    dialog.name_edit.setText("Tagged")
    assert dialog.save()
    assert dialog.saved_customer is not None
    assert set(dialog.saved_customer.tags) == {"newsletter", "wholesale"}
