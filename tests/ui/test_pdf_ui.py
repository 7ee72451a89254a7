"""The PDF preview (pages, zoom, print, save) and entering checklist results from the keyboard."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.domain.records.printing import ChecklistData
from smallbiz_crm.services.checklist import checklist_data
from smallbiz_crm.services.printing import write_summary
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.models import FollowUp, Interaction
from smallbiz_crm.ui.dialogs.checklist_results import ChecklistResultsDialog
from smallbiz_crm.ui.dialogs.pdf_preview import (
    PdfPreviewDialog,
    file_name_for,
    preview_checklist,
    preview_summary,
)
from smallbiz_crm.ui.tasks import TaskRunner

logging.getLogger("pypdf").setLevel(logging.ERROR)

NOW = datetime(2026, 11, 20, 10, 0)  # the conftest clock: a Friday
TODAY = NOW.date()


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def long_customer(services: Services) -> int:
    cid = services.customers.create(CustomerDraft(
        name="Margaret Oduya", phone="+44 20 7946 0958")).id
    with services.db.unit_of_work() as session:
        session.add_all(Interaction(customer_id=cid, kind="call", summary=f"Call {i}",
                                    occurred_at=NOW - timedelta(days=i + 1), created_at=NOW)
                        for i in range(50))
        session.add(FollowUp(customer_id=cid, due_on=TODAY, reason="Ring back", created_at=NOW))
    return cid


@pytest.fixture
def summary_pdf(services: Services, long_customer: int, tmp_path: Path) -> Path:
    return write_summary(services.db, long_customer, tmp_path / "summary.pdf", fixed_clock)


def open_preview(qtbot: QtBot, path: Path, temporary: bool = False) -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(path, None, "Summary: Margaret Oduya", temporary=temporary)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_preview_pages_and_zoom(qtbot: QtBot, summary_pdf: Path) -> None:
    dialog = open_preview(qtbot, summary_pdf)
    pages = len(PdfReader(summary_pdf).pages)
    assert pages >= 2
    assert dialog.page_count() == pages
    assert dialog.page_count_label.text() == f"of {pages}"
    assert dialog.page_spin.value() == 1
    assert not dialog.previous_button.isEnabled()
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.page_spin.value() == 2)
    assert dialog.previous_button.isEnabled()
    dialog.page_spin.setValue(pages)
    qtbot.waitUntil(lambda: dialog.current_page() == pages - 1)
    assert not dialog.next_button.isEnabled()
    assert dialog.fit_width_button.isChecked() and not dialog.fit_page_button.isChecked()
    assert dialog.zoom_label.text().endswith("%")
    dialog.zoom_in_button.click()
    assert not dialog.fit_width_button.isChecked()
    before = dialog.view.zoomFactor()
    dialog.zoom_in_button.click()
    assert dialog.view.zoomFactor() > before
    dialog.fit_page_button.click()
    assert dialog.fit_page_button.isChecked() and not dialog.fit_width_button.isChecked()


def test_print_renders_every_page(qtbot: QtBot, summary_pdf: Path, tmp_path: Path) -> None:
    dialog = open_preview(qtbot, summary_pdf)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert dialog.print_to(printer) == dialog.page_count()
    assert len(PdfReader(out).pages) == dialog.page_count()


def test_save_as_copies_and_a_temporary_file_goes_on_close(qtbot: QtBot, summary_pdf: Path,
                                                           tmp_path: Path) -> None:
    temporary = tmp_path / "temporary.pdf"
    temporary.write_bytes(summary_pdf.read_bytes())
    dialog = open_preview(qtbot, temporary, temporary=True)
    saved = dialog.save_to(tmp_path / "copy")
    assert saved.name == "copy.pdf"
    assert saved.read_bytes() == summary_pdf.read_bytes()
    dialog.close_button.click()
    assert not temporary.exists()
    assert saved.exists()
    assert file_name_for("Summary: Zoë O'Brien / x") == "Summary Zoë O Brien x.pdf"


def test_a_damaged_file_is_shown_as_such(qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    dialog = open_preview(qtbot, bad)
    assert dialog.page_count() == 0
    assert not dialog.print_button.isEnabled()
    dialog.go_to_page(3)  # nothing to go to: no error


def _previews() -> list[PdfPreviewDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, PdfPreviewDialog) and w.isVisible()]


def test_summary_and_checklist_build_in_the_background(qtbot: QtBot, services: Services,
                                                       long_customer: int) -> None:
    tasks = TaskRunner()
    host = QWidget()
    qtbot.addWidget(host)
    preview_summary(host, services, tasks, long_customer)
    qtbot.waitUntil(lambda: len(_previews()) == 1, timeout=20_000)
    summary = _previews()[0]
    assert summary.windowTitle() == "Summary: Margaret Oduya"
    built = summary.pdf_path
    assert built.exists() and summary.page_count() >= 1
    summary.close()
    assert not built.exists()

    preview_checklist(host, services, tasks)
    qtbot.waitUntil(lambda: len(_previews()) == 1, timeout=20_000)
    checklist = _previews()[0]
    assert checklist.windowTitle() == "Follow-up checklist"
    assert checklist.page_count() == 1
    checklist.close()
    assert tasks.wait_all()


# -- entering checklist results -------------------------------------------------------------

@pytest.fixture
def checklist(services: Services) -> ChecklistData:
    for name, days in (("Ana Alves", -2), ("Ben Brown", 0), ("Cleo Chan", 0)):
        cid = services.customers.create(CustomerDraft(name=name, phone="+1 202-555-0100")).id
        with services.db.unit_of_work() as session:
            session.add(FollowUp(customer_id=cid, due_on=TODAY + timedelta(days=days),
                                 reason=f"Call {name}", created_at=NOW))
    return checklist_data(services.db, clock=fixed_clock)


def open_results(qtbot: QtBot, services: Services,
                 checklist: ChecklistData) -> ChecklistResultsDialog:
    dialog = ChecklistResultsDialog(services, checklist)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.number_edit.setFocus()
    return dialog


def row(services: Services, checklist: ChecklistData, number: int) -> FollowUp:
    item = checklist.item(number)
    assert item is not None
    with services.db.read() as session:
        found = session.get(FollowUp, item.follow_up_id)
        assert found is not None
        session.expunge(found)
        return found


def test_mark_done_from_the_keyboard(qtbot: QtBot, services: Services,
                                     checklist: ChecklistData) -> None:
    dialog = open_results(qtbot, services, checklist)
    changed: list[bool] = []
    dialog.data_changed.connect(lambda: changed.append(True))
    qtbot.keyClicks(dialog.number_edit, "2")
    assert "Ben Brown" in dialog.item_label.text()
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_D)
    assert dialog.number_edit.text() == "2"  # D chose the action, it was not typed
    assert dialog.done_radio.isChecked()
    assert dialog.focusWidget() is dialog.outcome_edit
    qtbot.keyClicks(dialog.outcome_edit, "Left a voicemail")
    qtbot.keyClick(dialog.outcome_edit, Qt.Key.Key_Return)

    done = row(services, checklist, 2)
    assert (done.status, done.outcome, done.completed_at) == ("done", "Left a voicemail", NOW)
    assert changed == [True]
    assert dialog.number_edit.text() == "" and dialog.outcome_edit.text() == ""
    assert dialog.focusWidget() is dialog.number_edit  # ready for the next number
    assert dialog.entered_list.count() == 1
    assert dialog.entered_list.item(0).text() == "2 · Ben Brown — done: Left a voicemail"
    assert dialog.progress_label.text() == "1 of 3 items entered"


def test_snooze_and_skip_keys_then_undo(qtbot: QtBot, services: Services,
                                        checklist: ChecklistData) -> None:
    dialog = open_results(qtbot, services, checklist)
    qtbot.keyClicks(dialog.number_edit, "1")
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_S)
    assert dialog.snooze_radio.isChecked()
    qtbot.keyClick(dialog.outcome_edit, Qt.Key.Key_Return)
    snoozed = row(services, checklist, 1)
    assert (snoozed.status, snoozed.due_on, snoozed.snooze_count) == ("open", date(2026, 11, 23),
                                                                       1)
    assert dialog.done_radio.isChecked()  # back to the usual choice for the next item

    qtbot.keyClicks(dialog.number_edit, "3")
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_K)
    qtbot.keyClicks(dialog.outcome_edit, "Moved away")
    qtbot.keyClick(dialog.outcome_edit, Qt.Key.Key_Enter)
    assert (row(services, checklist, 3).status, row(services, checklist, 3).outcome) == (
        "skipped", "Moved away")
    assert [dialog.entered_list.item(i).text() for i in range(2)] == [
        "1 · Ana Alves — snoozed to 2026-11-23", "3 · Cleo Chan — skipped: Moved away"]

    dialog.undo_button.click()
    assert row(services, checklist, 3).status == "open"
    assert dialog.number_edit.text() == "3" and dialog.skip_radio.isChecked()
    assert dialog.outcome_edit.text() == "Moved away"
    assert dialog.entered_list.count() == 1


def test_a_wrong_number_is_explained_under_the_field(qtbot: QtBot, services: Services,
                                                     checklist: ChecklistData) -> None:
    dialog = open_results(qtbot, services, checklist)
    qtbot.keyClicks(dialog.number_edit, "9")
    assert dialog.item_label.text() == "No such item on this checklist"
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.outcome_edit, Qt.Key.Key_Return)
    message = dialog.errors.message("number")
    assert "no item 9" in message and "1 to 3" in message
    assert dialog.number_edit.text() == "9"  # kept, to correct
    assert dialog.entered_list.count() == 0

    dialog.number_edit.setText("1")
    dialog.record_button.click()
    dialog.number_edit.setText("1")
    assert "entered already" in dialog.item_label.text()
    assert dialog.record() is None
    assert "entered already" in dialog.errors.message("number")
    assert dialog.entered_list.count() == 1
