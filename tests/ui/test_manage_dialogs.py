"""The personas, tags and journey-stages dialogs, driven through their widgets on a real file."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from smallbiz_crm.domain.kinds import StageChangeReason
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.personas_dialog import PersonasDialog
from smallbiz_crm.ui.dialogs.stages_dialog import MoveCustomersDialog, StagesDialog
from smallbiz_crm.ui.dialogs.tags_dialog import TagsDialog


def answer_next_modal(qtbot: QtBot, act: Callable[[QWidget], None]) -> list[QWidget]:
    """Act on the next modal window (a message box or small dialog) once it is open."""
    seen: list[QWidget] = []
    tries = iter(range(500))  # about five seconds; a stray timer must not outlive its test

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


def persona_named(services: Services, name: str) -> int:
    return next(p.id for p in services.personas.all() if p.name == name)


def stage_named(services: Services, name: str) -> int:
    return next(s.id for s in services.journey.stages() if s.name == name)


def stage_names(services: Services) -> list[str]:
    return [s.name for s in services.journey.stages()]


# -- personas -------------------------------------------------------------------------------


def test_create_edit_and_delete_a_persona(qtbot: QtBot, services: Services) -> None:
    dialog = PersonasDialog(services)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "personasDialog"
    assert dialog.persona_list.topLevelItemCount() == 4

    dialog.new_button.click()
    assert dialog.current_persona_id() is None
    qtbot.keyClicks(dialog.name_edit, "Collector")
    qtbot.keyClicks(dialog.decides_edit, "slowly, on feeling")
    qtbot.keyClicks(dialog.asks_edit, "Is it one of a kind?")
    dialog.motivation_edit.setPlainText("Owning something nobody else has.")
    dialog.how_to_talk_edit.setPlainText("The story of the piece and its maker.")
    dialog.ideas_edit.setPlainText("First look at new pieces\n\n  A maker's note  \n")
    with qtbot.waitSignal(dialog.changed):
        dialog.save_button.click()

    persona_id = persona_named(services, "Collector")
    saved = services.personas.get(persona_id)
    assert saved.decides == "slowly, on feeling"
    assert saved.asks == "Is it one of a kind?"
    assert saved.motivation == "Owning something nobody else has."
    assert saved.how_to_talk == "The story of the piece and its maker."
    assert saved.gesture_ideas == ("First look at new pieces", "A maker's note")
    assert dialog.current_persona_id() == persona_id
    assert dialog.persona_list.currentItem().text(0) == "Collector"
    assert dialog.was_changed
    assert not dialog.has_unsaved_changes()

    # Edit it: select another persona, then come back to it through the list.
    dialog.select_persona(persona_named(services, "Methodical"))
    assert dialog.name_edit.text() == "Methodical"
    dialog.select_persona(persona_id)
    dialog.motivation_edit.setPlainText("Rarity.")
    dialog.name_edit.setText("Collectors")
    dialog.save_button.click()
    assert services.personas.get(persona_id).name == "Collectors"
    assert services.personas.get(persona_id).motivation == "Rarity."

    # Delete it: the question says how many customers lose it; they keep everything else.
    customer = services.customers.create(CustomerDraft(name="Ann Lee", persona_id=persona_id))
    dialog.reload(select_id=persona_id)
    seen = answer_next_modal(qtbot, press(QMessageBox.StandardButton.Yes))
    dialog.delete_button.click()
    assert seen[0].objectName() == "confirmDeletePersona"
    assert "1 customer " in seen[0].text()
    assert all(p.id != persona_id for p in services.personas.all())
    assert services.customers.get(customer.id).persona_id is None
    assert services.customers.get(customer.id).name == "Ann Lee"
    assert dialog.persona_list.topLevelItemCount() == 4
    assert dialog.current_persona_id() is not None


def test_cancelling_the_delete_keeps_the_persona(qtbot: QtBot, services: Services) -> None:
    dialog = PersonasDialog(services)
    qtbot.addWidget(dialog)
    persona_id = persona_named(services, "Competitive")
    dialog.select_persona(persona_id)
    seen = answer_next_modal(qtbot, press(QMessageBox.StandardButton.Cancel))
    dialog.delete_button.click()
    assert "No customer has this persona" in seen[0].text()
    assert services.personas.get(persona_id).name == "Competitive"
    assert not dialog.was_changed


def test_duplicate_persona_name_shows_by_the_field_and_keeps_the_text(
        qtbot: QtBot, services: Services) -> None:
    dialog = PersonasDialog(services)
    qtbot.addWidget(dialog)
    dialog.new_button.click()
    qtbot.keyClicks(dialog.name_edit, "methodical")
    qtbot.keyClicks(dialog.asks_edit, "Does it last?")
    assert dialog.save() is False

    assert "already a persona called 'methodical'" in dialog.errors.message("name")
    assert dialog.name_edit.text() == "methodical"
    assert dialog.asks_edit.text() == "Does it last?"
    assert len(services.personas.all()) == 4
    assert not dialog.was_changed

    # Fixing the name saves the same draft and clears the message.
    dialog.name_edit.setText("Careful")
    assert dialog.save() is True
    assert dialog.errors.message("name") == ""
    assert services.personas.get(persona_named(services, "Careful")).asks == "Does it last?"


def test_switching_persona_with_unsaved_edits_asks_first(
        qtbot: QtBot, services: Services) -> None:
    dialog = PersonasDialog(services)
    qtbot.addWidget(dialog)
    competitive = persona_named(services, "Competitive")
    humanistic = persona_named(services, "Humanistic")
    dialog.select_persona(competitive)
    dialog.asks_edit.setText("What does it cost?")

    answer_next_modal(qtbot, press(QMessageBox.StandardButton.Cancel))
    dialog.select_persona(humanistic)
    assert dialog.current_persona_id() == competitive
    assert dialog.asks_edit.text() == "What does it cost?"
    assert dialog.persona_list.currentItem().text(0) == "Competitive"

    answer_next_modal(qtbot, press(QMessageBox.StandardButton.Save))
    dialog.select_persona(humanistic)
    assert dialog.current_persona_id() == humanistic
    assert dialog.persona_list.currentItem().text(0) == "Humanistic"
    assert dialog.name_edit.text() == "Humanistic"
    assert services.personas.get(competitive).asks == "What does it cost?"


# -- tags -----------------------------------------------------------------------------------


def test_rename_and_delete_a_tag(qtbot: QtBot, services: Services) -> None:
    ann = services.customers.create(CustomerDraft(name="Ann", tags=("vip", "local")))
    services.customers.create(CustomerDraft(name="Bob", tags=("vip",)))
    dialog = TagsDialog(services)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "tagsDialog"
    rows = {dialog.tag_list.topLevelItem(r).text(0): dialog.tag_list.topLevelItem(r).text(1)
            for r in range(dialog.tag_list.topLevelItemCount())}
    assert rows == {"local": "1", "vip": "2"}

    vip = next(t.id for t in services.tags.all() if t.name == "vip")
    dialog.select_tag(vip)
    assert dialog.name_edit.text() == "vip"
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "Regulars")
    with qtbot.waitSignal(dialog.changed):
        dialog.rename_button.click()
    assert {t.name: t.customer_count for t in services.tags.all()} == {
        "local": 1, "Regulars": 2}
    assert dialog.current_tag_id() == vip

    # A name already taken shows by the field; the typed name stays.
    dialog.name_edit.setText("LOCAL")
    dialog.rename_button.click()
    assert "already a tag called 'LOCAL'" in dialog.errors.message("name")
    assert dialog.name_edit.text() == "LOCAL"

    seen = answer_next_modal(qtbot, press(QMessageBox.StandardButton.Yes))
    dialog.delete_button.click()
    assert seen[0].objectName() == "confirmDeleteTag"
    assert "2 customers" in seen[0].text()
    assert [t.name for t in services.tags.all()] == ["local"]
    assert services.customers.get(ann.id).name == "Ann"
    assert dialog.tag_list.topLevelItemCount() == 1
    assert dialog.name_edit.text() == "local"

    dialog.delete_tag(dialog.current_tag_id() or -1)
    assert services.tags.all() == []
    assert dialog.empty_label.isVisibleTo(dialog)
    assert not dialog.rename_button.isEnabled()


# -- stages ---------------------------------------------------------------------------------


def test_add_rename_and_move_a_stage(qtbot: QtBot, services: Services) -> None:
    dialog = StagesDialog(services)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "stagesDialog"
    assert dialog.stage_list.topLevelItemCount() == 6

    dialog.new_button.click()
    qtbot.keyClicks(dialog.name_edit, "Event guest")
    dialog.rhythm_spin.setValue(30)
    dialog.playbook_edit.setPlainText("Send photos from the event.")
    with qtbot.waitSignal(dialog.changed):
        dialog.save_button.click()
    assert stage_names(services)[-1] == "Event guest"
    added = services.journey.stages()[-1]
    assert added.contact_rhythm_days == 30
    assert added.playbook == "Send photos from the event."
    assert dialog.current_stage_id() == added.id

    dialog.name_edit.setText("Event guests")
    dialog.rhythm_spin.setValue(0)  # "No set rhythm"
    dialog.save_button.click()
    renamed = services.journey.stages()[-1]
    assert (renamed.id, renamed.name, renamed.contact_rhythm_days) == (
        added.id, "Event guests", None)

    dialog.up_button.click()
    assert stage_names(services)[-2:] == ["Event guests", "Lapsed"]
    assert dialog.current_stage_id() == added.id
    assert dialog.stage_list.currentItem().text(0) == "6. Event guests"
    dialog.down_button.click()
    assert stage_names(services)[-1] == "Event guests"
    assert not dialog.down_button.isEnabled()

    # A name already taken is shown by the field and the text stays.
    dialog.name_edit.setText("prospect")
    assert dialog.save() is False
    assert "already a stage called 'prospect'" in dialog.errors.message("name")
    assert dialog.name_edit.text() == "prospect"

    # Leaving the unsaved edit asks first; discarding shows the chosen stage.
    seen = answer_next_modal(qtbot, press(QMessageBox.StandardButton.Discard))
    dialog.select_stage(stage_named(services, "Loyal"))
    assert seen[0].objectName() == "unsavedStageBox"
    assert dialog.name_edit.text() == "Loyal"
    assert dialog.stage_list.currentItem().text(0) == "4. Loyal"
    assert not dialog.has_unsaved_changes()
    assert stage_names(services)[-1] == "Event guests"


def test_remove_a_stage_moving_its_customers(qtbot: QtBot, services: Services) -> None:
    repeat = stage_named(services, "Repeat")
    loyal = stage_named(services, "Loyal")
    ids = [services.customers.create(CustomerDraft(name=n, stage_id=repeat)).id
           for n in ("Ann", "Bob")]
    dialog = StagesDialog(services)
    qtbot.addWidget(dialog)

    with pytest.raises(ValidationError) as missing:
        dialog.remove_stage(repeat, None)
    assert "move_to" in missing.value.fields
    assert "Repeat" in stage_names(services)

    dialog.select_stage(repeat)
    with qtbot.waitSignal(dialog.changed):
        dialog.remove_stage(repeat, loyal)
    assert "Repeat" not in stage_names(services)
    assert dialog.stage_list.topLevelItemCount() == 5
    assert dialog.current_stage_id() == loyal  # the next stage takes its place
    for customer_id in ids:
        assert services.customers.get(customer_id).stage_id == loyal
        latest = services.journey.history(customer_id)[0]
        assert (latest.from_stage_name, latest.to_stage_name, latest.reason) == (
            "Repeat", "Loyal", StageChangeReason.STAGE_REMOVED.value)


def test_remove_button_asks_where_customers_go(qtbot: QtBot, services: Services) -> None:
    prospect = stage_named(services, "Prospect")
    advocate = stage_named(services, "Advocate")
    customer = services.customers.create(CustomerDraft(name="Cleo", stage_id=prospect))
    dialog = StagesDialog(services)
    qtbot.addWidget(dialog)
    dialog.select_stage(prospect)

    def choose_advocate(widget: QWidget) -> None:
        assert isinstance(widget, MoveCustomersDialog)
        combo = widget.combo
        assert [combo.itemText(i) for i in range(combo.count())] == [
            "First purchase", "Repeat", "Loyal", "Advocate", "Lapsed"]
        combo.setCurrentIndex(combo.findData(advocate))
        widget.accept()

    seen = answer_next_modal(qtbot, choose_advocate)
    dialog.remove_button.click()
    assert seen[0].objectName() == "moveCustomersDialog"
    assert "Prospect" not in stage_names(services)
    assert services.customers.get(customer.id).stage_id == advocate

    # Cancelling the question removes nothing.
    loyal = stage_named(services, "Loyal")
    services.customers.move_to_stage([customer.id], loyal)
    dialog.reload()
    dialog.select_stage(loyal)
    answer_next_modal(qtbot, lambda widget: widget.close())
    dialog.remove_button.click()
    assert "Loyal" in stage_names(services)


def test_stage_with_only_archived_customers_still_asks(
        qtbot: QtBot, services: Services) -> None:
    loyal = stage_named(services, "Loyal")
    repeat = stage_named(services, "Repeat")
    customer = services.customers.create(CustomerDraft(name="Dee", stage_id=loyal))
    services.customers.archive([customer.id])
    dialog = StagesDialog(services)
    qtbot.addWidget(dialog)
    dialog.select_stage(loyal)

    def move_to_repeat(widget: QWidget) -> None:
        assert isinstance(widget, MoveCustomersDialog)
        widget.combo.setCurrentIndex(widget.combo.findData(repeat))
        widget.accept()

    # The list shows 0 customers, so first comes the plain question, then where to move.
    answer_next_modal(qtbot, lambda widget: (
        press(QMessageBox.StandardButton.Yes)(widget),
        answer_next_modal(qtbot, move_to_repeat)))
    dialog.remove_button.click()
    assert "Loyal" not in stage_names(services)
    assert services.customers.get(customer.id).stage_id == repeat


def test_the_last_stage_cannot_be_removed(qtbot: QtBot, services: Services) -> None:
    dialog = StagesDialog(services)
    qtbot.addWidget(dialog)
    stages = services.journey.stages()
    for stage in stages[1:]:
        dialog.remove_stage(stage.id, None)
    assert not dialog.remove_button.isEnabled()
    with pytest.raises(ValidationError):
        dialog.remove_stage(stages[0].id, None)


def test_move_customers_dialog_offers_the_other_stages(
        qtbot: QtBot, services: Services) -> None:
    stages = services.journey.stages()
    dialog = MoveCustomersDialog("Repeat", 12, stages[:2], None)
    qtbot.addWidget(dialog)
    assert dialog.combo.count() == 2
    assert dialog.chosen_stage_id() == stages[0].id
    assert dialog.result() == QDialog.DialogCode.Rejected
