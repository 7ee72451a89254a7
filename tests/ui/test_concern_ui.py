"""The calendar settings dialog, logging and answering concerns, and the waiting list."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from smallbiz_crm.domain.calendar import WEEKLY_DAY_OFF
from smallbiz_crm.domain.records.concerns import ConcernDraft
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.services.calendar_settings import CalendarSettingsService
from smallbiz_crm.services.concerns import ConcernService
from smallbiz_crm.services.registry import Services
from smallbiz_crm.ui.dialogs.calendar_dialog import DAY_ROLE, CalendarDialog
from smallbiz_crm.ui.dialogs.concern_dialog import (
    ConcernDialog,
    RespondDialog,
    deadline_text,
    time_left_text,
)
from smallbiz_crm.ui.profile.concerns_list import (
    COL_CUSTOMER,
    COL_TIME_LEFT,
    CUSTOMER_ID_ROLE,
    ID_ROLE,
    OVERDUE_ROLE,
    ConcernsList,
)

# The conftest's clock: Friday 20 November 2026, 10:00.
NOW = datetime(2026, 11, 20, 10, 0)


@pytest.fixture
def customer(services: Services) -> int:
    return services.customers.create(CustomerDraft(name="Margaret Oduya",
                                                   phone="+44 20 7946 0958")).id


@pytest.fixture
def concerns(services: Services) -> ConcernService:
    return ConcernService(services.db, services.clock)


def log(concerns: ConcernService, customer_id: int, received: datetime,
        summary: str = "Is the glaze food-safe?") -> int:
    return concerns.log(ConcernDraft(customer_id=customer_id, kind="question", channel="phone",
                                     received_at=received, summary=summary)).id


def preview_days(dialog: CalendarDialog) -> list[tuple[date, str]]:
    items = (dialog.preview_list.item(row) for row in range(dialog.preview_list.count()))
    return [(item.data(DAY_ROLE), item.data(DAY_ROLE + 1)) for item in items]


def error_text(dialog: object, field: str) -> str:
    label = dialog.findChild(QLabel, f"{field}Error")  # type: ignore[attr-defined]
    assert label is not None, field
    return label.text() if not label.isHidden() else ""


# --- the calendar dialog ------------------------------------------------------------------


def test_calendar_dialog_shows_the_stored_settings_and_a_preview(qtbot: QtBot,
                                                                 services: Services) -> None:
    dialog = CalendarDialog(services)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "calendarDialog"
    assert dialog.current_country() == "US"
    assert dialog.region_combo.itemText(0) == "Whole country"
    assert dialog.region_combo.currentIndex() == 0
    assert [c.isChecked() for c in dialog.weekday_checks] == [True] * 5 + [False] * 2
    days = preview_days(dialog)
    assert len(days) == 10
    assert days[:3] == [(date(2026, 11, 21), WEEKLY_DAY_OFF), (date(2026, 11, 22), WEEKLY_DAY_OFF),
                        (date(2026, 11, 26), "Thanksgiving Day")]
    assert "Thanksgiving Day" in dialog.preview_list.item(2).text()


def test_ticking_saturday_updates_the_preview_and_save_recomputes(
        qtbot: QtBot, services: Services, customer: int, concerns: ConcernService) -> None:
    # Received Friday 13th: due Monday 16th in a Monday-Friday shop, Saturday 14th otherwise.
    waiting = log(concerns, customer, datetime(2026, 11, 13, 16, 0))
    dialog = CalendarDialog(services)
    qtbot.addWidget(dialog)
    saved: list[int] = []
    dialog.saved.connect(saved.append)

    dialog.weekday_checks[5].click()  # Saturday
    days = preview_days(dialog)
    assert len(days) == 10
    assert all(day.weekday() != 5 for day, _ in days)
    assert days[0] == (date(2026, 11, 22), WEEKLY_DAY_OFF)

    assert dialog.save()
    assert saved == [1]
    assert dialog.status_label.isVisibleTo(dialog)
    assert "1 waiting concern" in dialog.status_label.text()
    assert CalendarSettingsService(services.db).settings().working_weekdays == frozenset(range(6))
    assert concerns.get(waiting).response_due_at == datetime(2026, 11, 14, 23, 59, 59)
    # Closing after a save counts as accepted, so callers refresh.
    dialog.close_button.click()
    assert dialog.result() == CalendarDialog.DialogCode.Accepted


def test_no_working_day_is_refused_next_to_the_weekdays(qtbot: QtBot,
                                                        services: Services) -> None:
    dialog = CalendarDialog(services)
    qtbot.addWidget(dialog)
    for check in dialog.weekday_checks:
        check.setChecked(False)
    assert "at least one day" in error_text(dialog, "working_weekdays")
    assert dialog.preview_list.count() == 0
    assert dialog.preview_message.text()
    assert not dialog.save()
    assert CalendarSettingsService(services.db).settings().working_weekdays == frozenset(range(5))
    dialog.weekday_checks[0].setChecked(True)
    assert error_text(dialog, "working_weekdays") == ""
    assert dialog.preview_list.count() == 10


def test_country_region_and_closures(qtbot: QtBot, services: Services) -> None:
    dialog = CalendarDialog(services)
    qtbot.addWidget(dialog)
    dialog.country_combo.setCurrentIndex(dialog.country_combo.findData("GB"))
    assert dialog.current_country() == "GB"
    regions = [dialog.region_combo.itemData(i) for i in range(dialog.region_combo.count())]
    assert regions[0] is None and "ENG" in regions and "SCT" in regions
    dialog.region_combo.setCurrentIndex(dialog.region_combo.findData("SCT"))

    # A three-day stock-taking closure from Monday 23rd.
    dialog.closure_from.setDate(QDate(2026, 11, 23))
    dialog.closure_until.setDate(QDate(2026, 11, 25))
    qtbot.keyClicks(dialog.closure_reason, "Stock-taking")
    dialog.add_closure_button.click()
    assert [day for day, _ in dialog.closures()] == [date(2026, 11, 23), date(2026, 11, 24),
                                                     date(2026, 11, 25)]
    assert dialog.closure_reason.text() == ""
    assert (date(2026, 11, 24), "Closed: Stock-taking") in preview_days(dialog)

    # Remove the middle one; re-adding a day only renames it.
    dialog.closure_list.item(1).setSelected(True)
    dialog.remove_closure_button.click()
    dialog.closure_from.setDate(QDate(2026, 11, 25))
    dialog.closure_until.setDate(QDate(2026, 11, 25))
    qtbot.keyClicks(dialog.closure_reason, "Inventory")
    dialog.add_closure_button.click()
    assert dialog.closures() == [(date(2026, 11, 23), "Stock-taking"),
                                 (date(2026, 11, 25), "Inventory")]

    assert dialog.save()
    stored = CalendarSettingsService(services.db).settings()
    assert (stored.country, stored.subdivision) == ("GB", "SCT")
    assert stored.closures == ((date(2026, 11, 23), "Stock-taking"),
                               (date(2026, 11, 25), "Inventory"))
    # Reopening shows what was saved.
    again = CalendarDialog(services)
    qtbot.addWidget(again)
    assert again.current_settings() == stored


def test_typing_a_country_name_or_an_unknown_one(qtbot: QtBot, services: Services) -> None:
    dialog = CalendarDialog(services)
    qtbot.addWidget(dialog)
    line = dialog.country_combo.lineEdit()
    assert line is not None
    line.clear()
    qtbot.keyClicks(line, "germany")
    line.editingFinished.emit()
    assert dialog.current_country() == "DE"
    assert dialog.region_combo.findData("BY") > 0
    line.clear()
    qtbot.keyClicks(line, "Atlantis")
    line.editingFinished.emit()
    assert "Atlantis" in error_text(dialog, "country")
    assert not dialog.save()


# --- logging and answering a concern --------------------------------------------------------


def test_concern_dialog_needs_a_summary_and_shows_the_deadline(
        qtbot: QtBot, services: Services, customer: int, concerns: ConcernService) -> None:
    dialog = ConcernDialog(services, customer)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "concernDialog"
    # Friday 10:00 in a Monday-Friday shop: Monday, end of day.
    assert dialog.deadline_label.text() == "Answer by Monday 23 Nov, end of day"

    assert not dialog.save()
    assert error_text(dialog, "summary")
    assert concerns.for_customer(customer) == []

    dialog.received_edit.setDateTime(QDateTime(QDate(2026, 11, 17), QTime(9, 0)))
    assert dialog.deadline_label.text() == ("Answer by Wednesday 18 Nov, end of day"
                                            " — already overdue")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("complaint"))
    dialog.channel_combo.setCurrentIndex(dialog.channel_combo.findData("email"))
    qtbot.keyClicks(dialog.summary_edit, "Two mugs arrived chipped")
    assert dialog.save()
    assert dialog.result() == ConcernDialog.DialogCode.Accepted
    [saved] = concerns.for_customer(customer)
    assert (saved.kind, saved.channel, saved.summary) == ("complaint", "email",
                                                          "Two mugs arrived chipped")
    assert saved.received_at == datetime(2026, 11, 17, 9, 0)
    assert saved.response_due_at == datetime(2026, 11, 18, 23, 59, 59)
    assert dialog.logged == saved


def test_respond_dialog_records_the_answer_and_resolution(
        qtbot: QtBot, services: Services, customer: int, concerns: ConcernService) -> None:
    concern_id = log(concerns, customer, datetime(2026, 11, 19, 15, 0))
    dialog = RespondDialog(services, concern_id)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "respondDialog"
    assert "due in" in dialog.status_label.text()
    dialog.responded_edit.setDateTime(QDateTime(QDate(2026, 11, 18), QTime(9, 0)))
    assert not dialog.save()  # before it was received
    assert error_text(dialog, "responded_at")
    dialog.responded_edit.setDateTime(QDateTime(QDate(2026, 11, 20), QTime(9, 30)))
    qtbot.keyClicks(dialog.note_edit, "Called back, it is food-safe")
    dialog.resolved_check.setChecked(True)
    assert dialog.save()
    record = concerns.get(concern_id)
    assert record.responded_at == record.resolved_at == datetime(2026, 11, 20, 9, 30)
    assert record.response_note == "Called back, it is food-safe"


def test_texts() -> None:
    assert time_left_text(timedelta(hours=5, minutes=40)) == "due in 5 h"
    assert time_left_text(timedelta(minutes=12)) == "due in 12 min"
    assert time_left_text(timedelta(days=2, hours=3)) == "due in 2 days"
    assert time_left_text(-timedelta(days=1, hours=6)) == "overdue by 1 day"
    assert time_left_text(-timedelta(seconds=20)) == "overdue by 1 min"
    assert deadline_text(datetime(2027, 1, 4, 23, 59, 59), NOW) == \
        "Answer by Monday 4 Jan 2027, end of day"
    assert deadline_text(datetime(2026, 11, 23, 17, 0), NOW) == "Answer by Monday 23 Nov, 17:00"


# --- the waiting list -----------------------------------------------------------------------


def test_concerns_list_shows_overdue_in_red(qtbot: QtBot, qtmodeltester: object,
                                            services: Services, customer: int,
                                            concerns: ConcernService) -> None:
    other = services.customers.create(CustomerDraft(name="Leo Brandt")).id
    overdue = log(concerns, other, datetime(2026, 11, 17, 9, 0), "Refund?")  # due Wed 18th
    waiting = log(concerns, customer, datetime(2026, 11, 20, 9, 0))  # due Mon 23rd
    widget = ConcernsList(services)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.objectName() == "concernsList"
    model = widget.model
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.rowCount() == 2
    first, second = model.index(0, COL_TIME_LEFT), model.index(1, COL_TIME_LEFT)
    assert first.data(ID_ROLE) == overdue and first.data(OVERDUE_ROLE) is True
    assert first.data() == "overdue by 1 day"
    assert model.index(0, COL_CUSTOMER).data() == "Leo Brandt"
    brush = model.index(0, COL_CUSTOMER).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color() == QColor(Qt.GlobalColor.red)
    assert second.data(ID_ROLE) == waiting and second.data() == "due in 3 days"
    assert second.data(Qt.ItemDataRole.ForegroundRole) is None
    assert "+44 20 7946 0958" in model.index(1, COL_CUSTOMER).data(Qt.ItemDataRole.ToolTipRole)
    assert not widget.respond_button.isEnabled()


def test_concerns_list_actions(qtbot: QtBot, services: Services, customer: int,
                               concerns: ConcernService) -> None:
    first = log(concerns, customer, datetime(2026, 11, 18, 9, 0))
    second = log(concerns, customer, datetime(2026, 11, 19, 9, 0), "Gift wrap?")
    widget = ConcernsList(services)
    qtbot.addWidget(widget)
    widget.show()

    assert widget.select_concern(first)
    assert widget.resolve_button.isEnabled()
    with qtbot.waitSignal(widget.open_customer) as opened:
        widget.open_button.click()
    assert opened.args == [customer]
    assert widget.model.index(0, 0).data(CUSTOMER_ID_ROLE) == customer

    with qtbot.waitSignal(widget.data_changed):
        widget.resolve_button.click()
    assert concerns.get(first).resolved_at == NOW
    assert [widget.model.index(r, 0).data(ID_ROLE) for r in range(widget.model.rowCount())] \
        == [second]

    widget.select_concern(second)
    dialog = widget.respond_selected()
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.note_edit, "Yes, free")
    with qtbot.waitSignal(widget.data_changed):
        assert dialog.save()
    assert concerns.get(second).response_note == "Yes, free"
    assert widget.model.rowCount() == 0
    assert widget.empty_label.isVisibleTo(widget)
    assert not widget.table.isVisibleTo(widget)


def test_concerns_list_for_one_customer(qtbot: QtBot, services: Services, customer: int,
                                        concerns: ConcernService) -> None:
    other = services.customers.create(CustomerDraft(name="Leo Brandt")).id
    log(concerns, other, datetime(2026, 11, 18, 9, 0))
    mine = log(concerns, customer, datetime(2026, 11, 19, 9, 0))
    widget = ConcernsList(services, customer_id=customer)
    qtbot.addWidget(widget)
    assert [widget.model.index(r, 0).data(ID_ROLE) for r in range(widget.model.rowCount())] \
        == [mine]
    widget.set_customer(None)
    assert widget.model.rowCount() == 2
