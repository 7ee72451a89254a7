"""The Today page and the due-alert notifications, driven through real widgets on a real file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QListView
from pytestqt.qtbot import QtBot

from smallbiz_crm.domain.kinds import FollowUpKind, FollowUpStatus
from smallbiz_crm.domain.records.concerns import ConcernDraft
from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft
from smallbiz_crm.domain.records.follow_ups import FollowUpDraft, FollowUpFilter
from smallbiz_crm.services.follow_ups import SnoozeChoice
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.today_alerts import CONCERN_WARNING
from smallbiz_crm.ui.dialogs.pdf_preview import PdfPreviewDialog
from smallbiz_crm.ui.notifier import DueWatcher, NullNotifier, make_notifier
from smallbiz_crm.ui.pages.today import TodayPage
from smallbiz_crm.ui.pages.today_board import ACTION_CALL, ACTION_DONE, ACTION_OPEN
from smallbiz_crm.ui.pages.today_delegate import RowActionsDelegate
from smallbiz_crm.ui.pages.today_model import ITEM_ROLE, TodayItem, TodayListModel
from smallbiz_crm.ui.profile.concerns_list import COL_TIME_LEFT, CUSTOMER_ID_ROLE, OVERDUE_ROLE
from smallbiz_crm.ui.tasks import TaskRunner

NOW = datetime(2026, 11, 20, 10, 0)  # the fixed clock of tests/conftest.py: a Friday
TODAY = NOW.date()


class FakeNotifier:
    """A real Notifier that keeps what it was asked to show."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def notify(self, title: str, message: str) -> None:
        self.shown.append((title, message))


@pytest.fixture
def tasks(qapp: QApplication) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    # Deliver every answer while the page still exists (qtbot closes it after this).
    runner.wait_all()
    qapp.processEvents()


def customer(services: Services, name: str, **extra: object) -> int:
    return services.customers.create(CustomerDraft(name=name, **extra)).id  # type: ignore[arg-type]


def follow_up(services: Services, customer_id: int, due: date,
              reason: str = "Ask how the vase arrived") -> int:
    return services.follow_ups.create(FollowUpDraft(customer_id=customer_id, due_on=due,
                                                    kind="call", reason=reason)).id


def call(services: Services, customer_id: int, when: datetime) -> None:
    services.interactions.log(InteractionDraft(customer_id=customer_id, kind="call",
                                               occurred_at=when, summary="Chatted"))


def open_page(qtbot: QtBot, services: Services, tasks: TaskRunner) -> TodayPage:
    page = TodayPage(services, tasks)
    qtbot.addWidget(page)
    page.resize(1110, 740)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.refresh()
    # The birthday greetings run once after the first load; let them finish.
    tasks.wait_all()
    QApplication.processEvents()
    return page


def ref_ids(view: QListView) -> list[int]:
    model = view.model()
    assert isinstance(model, TodayListModel)
    return [item.ref_id for item in model.items()]


def click_action(view: QListView, row: int, action: str) -> None:
    delegate = view.itemDelegate()
    assert isinstance(delegate, RowActionsDelegate)
    rect = delegate.button_rects(view.visualRect(view.model().index(row, 0)))[action]
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, rect.center())


@pytest.fixture
def shop(services: Services) -> dict[str, int]:
    ann = customer(services, "Ann Archer", phone="+1 212 555 0100")
    bob = customer(services, "Bob Baker")
    return {
        "ann": ann, "bob": bob,
        "late": follow_up(services, ann, TODAY - timedelta(days=3), "Thank for the purchase"),
        "later_late": follow_up(services, bob, TODAY - timedelta(days=1)),
        "today": follow_up(services, bob, TODAY, "Reorder glaze"),
        "tomorrow": follow_up(services, ann, TODAY + timedelta(days=1)),
    }


# -- the lists ---------------------------------------------------------------------------------

def test_sections_show_their_rows_and_counts(qtbot: QtBot, services: Services,
                                             tasks: TaskRunner, shop: dict[str, int]) -> None:
    page = open_page(qtbot, services, tasks)

    assert page.objectName() == "todayPage"
    assert page.findChild(QListView, "overdueList") is page.overdue_list
    assert page.findChild(QListView, "dueTodayList") is page.due_today_list
    assert page.findChild(QListView, "birthdaysList") is page.birthdays_list
    assert page.findChild(QListView, "losingTouchList") is page.losing_touch_list
    assert ref_ids(page.overdue_list) == [shop["late"], shop["later_late"]]
    assert ref_ids(page.due_today_list) == [shop["today"]]
    assert page.overdue_card.plain_heading == "Overdue (2)"
    assert "color:" in page.overdue_card.heading.text()  # the count, in red
    assert page.due_today_card.plain_heading == "Due today (1)"
    item = page.overdue_model.index(0, 0).data(ITEM_ROLE)
    assert isinstance(item, TodayItem)
    assert (item.title, item.when, item.red) == ("Ann Archer", "3 days late", True)
    assert item.detail == "Thank for the purchase"
    assert page.date_label.text() == "Friday 20 November 2026"
    # Empty sections say so in words.
    assert page.birthdays_card.empty_label.isVisible()
    assert page.birthdays_card.empty_label.text() == "No birthdays in the next 7 days."
    assert not page.birthdays_list.isVisible()


def test_an_empty_day_is_all_clear(qtbot: QtBot, services: Services, tasks: TaskRunner) -> None:
    page = open_page(qtbot, services, tasks)
    assert page.overdue_card.empty_label.text() == "Nothing overdue — well done."
    assert page.overdue_card.empty_label.isVisible()
    assert page.summary_label.text() == "All clear — nothing needs you today."


def test_the_list_model_passes_the_model_tester(qtmodeltester: object,
                                                services: Services) -> None:
    model = TodayListModel()
    model.set_items([TodayItem(ref_id=n, customer_id=n, title=f"Name {n}", phone="",
                               detail="Call back", when="today", red=n == 1, icon="call",
                               tooltip="tip") for n in range(3)])
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.remove(1) and not model.remove(1)
    assert [item.ref_id for item in model.items()] == [0, 2]


# -- follow-ups --------------------------------------------------------------------------------

def test_completing_a_follow_up_removes_it_and_records_the_outcome(
        qtbot: QtBot, services: Services, tasks: TaskRunner, shop: dict[str, int]) -> None:
    page = open_page(qtbot, services, tasks)
    changed: list[bool] = []
    page.data_changed.connect(lambda: changed.append(True))

    # One click on Done opens the line over the row; Enter saves what was typed.
    click_action(page.overdue_list, 0, ACTION_DONE)
    editor = page.outcome_editor
    assert editor is not None and editor.isVisible()
    qtbot.keyClicks(editor.edit, "Ordered two more")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)

    assert ref_ids(page.overdue_list) == [shop["later_late"]]
    assert page.overdue_card.plain_heading == "Overdue (1)"
    record = services.follow_ups.get(shop["late"])
    assert record.status == FollowUpStatus.DONE.value
    assert record.outcome == "Ordered two more"
    assert changed
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        pass  # the reload that follows agrees
    assert ref_ids(page.overdue_list) == [shop["later_late"]]

    # The handler, called directly with the outcome, for the due-today one.
    assert page.complete_follow_up(shop["today"], "Left a message")
    assert ref_ids(page.due_today_list) == []
    assert page.due_today_card.empty_label.isVisible()
    assert services.follow_ups.get(shop["today"]).outcome == "Left a message"


def test_the_outcome_line_can_be_cancelled(qtbot: QtBot, services: Services,
                                           tasks: TaskRunner, shop: dict[str, int]) -> None:
    page = open_page(qtbot, services, tasks)
    editor = page.start_outcome(shop["late"])
    assert editor is not None
    editor.cancel_button.click()
    assert page.outcome_editor is None
    assert services.follow_ups.get(shop["late"]).status == FollowUpStatus.OPEN.value
    assert shop["late"] in ref_ids(page.overdue_list)


def test_snoozing_moves_the_follow_up_off_the_page(
        qtbot: QtBot, services: Services, tasks: TaskRunner, shop: dict[str, int]) -> None:
    page = open_page(qtbot, services, tasks)
    menu = page.snooze_menu(shop["late"])
    names = [action.objectName() for action in menu.actions()]
    assert names == ["snooze_tomorrow", "snooze_next_business_day", "snooze_next_week"]
    # Friday: the next business day and next week are both Monday the 23rd.
    assert "Mon 23 Nov" in menu.actions()[1].text()

    day = page.snooze_follow_up(shop["late"], SnoozeChoice.NEXT_BUSINESS_DAY)

    assert day == date(2026, 11, 23)
    assert services.follow_ups.get(shop["late"]).due_on == date(2026, 11, 23)
    assert shop["late"] not in ref_ids(page.overdue_list)
    menu.deleteLater()


def test_open_emits_the_customer(qtbot: QtBot, services: Services, tasks: TaskRunner,
                                 shop: dict[str, int]) -> None:
    page = open_page(qtbot, services, tasks)
    with qtbot.waitSignal(page.open_customer) as signal:
        click_action(page.due_today_list, 0, ACTION_OPEN)
    assert signal.args == [shop["bob"]]


# -- concerns ----------------------------------------------------------------------------------

def test_an_overdue_concern_is_shown_in_red(qtbot: QtBot, services: Services,
                                            tasks: TaskRunner) -> None:
    ann = customer(services, "Ann Archer")
    # Wednesday 09:00 in a Monday-to-Friday shop: due by Thursday's end, overdue on Friday.
    late = services.concerns.log(ConcernDraft(
        customer_id=ann, kind="complaint", channel="phone",
        received_at=datetime(2026, 11, 18, 9, 0), summary="The glaze cracked")).id
    services.concerns.log(ConcernDraft(customer_id=ann, kind="question", channel="email",
                                       received_at=NOW - timedelta(hours=1),
                                       summary="Open on Sunday?"))

    page = open_page(qtbot, services, tasks)

    model = page.concerns_list.model
    assert model.rowCount() == 2
    assert page.concerns_list.model.row_at(0).id == late
    index = model.index(0, COL_TIME_LEFT)
    assert index.data(OVERDUE_ROLE) is True
    assert index.data(CUSTOMER_ID_ROLE) == ann
    assert index.data().startswith("overdue by")
    brush = index.data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color() == QColor(Qt.GlobalColor.red)
    assert model.index(1, COL_TIME_LEFT).data(Qt.ItemDataRole.ForegroundRole) is None
    assert page.concerns_list.table.isVisible()
    assert page.concerns_card.plain_heading == "Waiting for an answer (2, 1 overdue)"

    # Resolving it from the page takes it off.
    page.concerns_list.select_concern(late)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        assert page.concerns_list.resolve_selected()
    assert [row.id for row in page.concerns_list.model.rows()] != [late]
    assert late not in [row.id for row in page.concerns_list.model.rows()]


# -- birthdays and losing touch -----------------------------------------------------------------

def test_logging_a_call_resets_losing_touch(qtbot: QtBot, services: Services,
                                            tasks: TaskRunner) -> None:
    quiet = customer(services, "Quiet Quentin", phone="+1 212 555 0111")
    call(services, quiet, NOW - timedelta(days=60))
    other = customer(services, "Other Olga")
    call(services, other, NOW - timedelta(days=40))
    page = open_page(qtbot, services, tasks)
    assert ref_ids(page.losing_touch_list) == [quiet, other]
    assert page.losing_touch_card.plain_heading == "Losing touch (2)"

    click_action(page.losing_touch_list, 0, ACTION_CALL)
    dialog = page.call_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.kind_combo.currentData() == "call"
    dialog.summary_edit.setPlainText("Caught up; coming in next week")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        assert dialog.save()

    assert ref_ids(page.losing_touch_list) == [other]
    assert page.losing_touch_card.plain_heading == "Losing touch (1)"
    assert quiet not in [row.customer_id for row in services.touch.losing_touch(TODAY)]
    assert services.interactions.for_customer(quiet)[0].kind == "call"

    # The test hook returns the dialog.
    hooked = page.log_call(other)
    assert hooked is not None and hooked.customer_id == other
    hooked.reject()


def test_birthdays_this_week_with_greetings_made_once_a_day(
        qtbot: QtBot, services: Services, tasks: TaskRunner) -> None:
    today_person = customer(services, "Birthday Bea", birthday=date(1986, 11, 20),
                            consent_contact=True)
    soon = customer(services, "Soon Sam", birthday=date(1990, 11, 24), consent_contact=True)
    customer(services, "Far Fay", birthday=date(1990, 12, 24), consent_contact=True)

    page = open_page(qtbot, services, tasks)
    qtbot.waitUntil(lambda: bool(ref_ids(page.due_today_list)), timeout=10_000)

    assert ref_ids(page.birthdays_list) == [today_person, soon]
    first = page.birthdays_model.index(0, 0).data(ITEM_ROLE)
    assert (first.when, first.detail, first.strong) == ("today", "Turns 40", True)
    assert page.birthdays_model.index(1, 0).data(ITEM_ROLE).detail == "Turns 36"
    # The birthday cadence's greeting for today shows up under "Due today".
    greetings = services.follow_ups.list(FollowUpFilter(scope="open", kind="birthday"))
    assert {row.customer_id for row in greetings} == {today_person, soon}
    assert [row.kind for row in page.data.due_today.rows] == [FollowUpKind.BIRTHDAY.value]

    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.refresh()
    tasks.wait_all()
    assert len(services.follow_ups.list(FollowUpFilter(scope="open", kind="birthday"))) == 2


# -- printing ----------------------------------------------------------------------------------

def test_print_checklist_opens_the_preview(qtbot: QtBot, services: Services,
                                           tasks: TaskRunner, shop: dict[str, int]) -> None:
    page = open_page(qtbot, services, tasks)
    assert page.print_shortcut.key().toString() == "Ctrl+P"
    page.print_button.click()

    def previews() -> list[PdfPreviewDialog]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, PdfPreviewDialog) and w.isVisible()]

    qtbot.waitUntil(lambda: len(previews()) == 1, timeout=20_000)
    previews()[0].close()


# -- notifications -----------------------------------------------------------------------------

def test_due_watcher_notifies_each_alert_once(qtbot: QtBot, services: Services) -> None:
    ann = customer(services, "Ann Archer")
    due_today = follow_up(services, ann, TODAY, "Reorder glaze")
    follow_up(services, ann, TODAY - timedelta(days=1))  # came due yesterday: not news
    fake = FakeNotifier()
    watcher = DueWatcher(services, fake)

    first = watcher.check()
    assert [alert.ref_id for alert in first] == [due_today]
    assert fake.shown == [("Follow up with Ann Archer", "Call: Reorder glaze")]
    assert watcher.check() == [] and len(fake.shown) == 1
    assert watcher.check(NOW + timedelta(minutes=1)) == [] and len(fake.shown) == 1

    # A concern received Thursday is due by Friday's end, announced in the afternoon.
    concern = services.concerns.log(ConcernDraft(
        customer_id=ann, kind="question", channel="phone",
        received_at=datetime(2026, 11, 19, 9, 0), summary="Is the glaze food-safe?"))
    warn_at = concern.response_due_at - CONCERN_WARNING
    assert watcher.check(warn_at - timedelta(minutes=1)) == []
    alerts = watcher.check(warn_at + timedelta(minutes=1))
    assert [alert.ref_id for alert in alerts] == [concern.id]
    assert fake.shown[-1] == ("Answer Ann Archer's question by today, end of day",
                              "Is the glaze food-safe?")
    assert watcher.check(warn_at + timedelta(minutes=2)) == []
    assert len(fake.shown) == 2


def test_many_alerts_at_once_make_one_notification(qtbot: QtBot, services: Services) -> None:
    names = ["Ann Archer", "Bob Baker", "Cy Chen", "Di Dunn", "Ed Ellis"]
    for name in names:
        follow_up(services, customer(services, name), TODAY)
    fake = FakeNotifier()
    watcher = DueWatcher(services, fake)
    with qtbot.waitSignal(watcher.alerted) as signal:
        assert len(watcher.check()) == 5
    assert len(signal.args[0]) == 5
    assert fake.shown == [("Now due: 5 follow-ups", "Ann Archer, Bob Baker, Cy Chen, Di Dunn "
                                                    "and 1 more.")]
    assert watcher.check() == []


def test_due_watcher_runs_on_its_timer_and_off_the_ui_thread(
        qtbot: QtBot, services: Services, tasks: TaskRunner) -> None:
    follow_up(services, customer(services, "Ann Archer"), TODAY)
    fake = FakeNotifier()
    watcher = DueWatcher(services, fake, tasks=tasks, interval_ms=50)
    with qtbot.waitSignal(watcher.alerted, timeout=5_000):
        watcher.start(first_check_ms=0)
    qtbot.wait(200)  # several more ticks: nothing new
    watcher.stop()
    assert len(fake.shown) == 1


def test_without_a_tray_nothing_pops_up() -> None:
    # The offscreen platform has no system tray.
    notifier = make_notifier()
    assert isinstance(notifier, NullNotifier)
    notifier.notify("title", "message")


def test_a_failing_notifier_does_not_stop_the_watcher(services: Services) -> None:
    class Broken:
        def notify(self, title: str, message: str) -> None:
            raise RuntimeError("tray gone")

    follow_up(services, customer(services, "Ann Archer"), TODAY)
    watcher = DueWatcher(services, Broken())
    assert len(watcher.check()) == 1
    assert watcher.check() == []


def test_context_point_outside_rows_is_ignored(qtbot: QtBot, services: Services,
                                               tasks: TaskRunner, shop: dict[str, int]) -> None:
    page = open_page(qtbot, services, tasks)
    delegate = page.overdue_list.itemDelegate()
    assert isinstance(delegate, RowActionsDelegate)
    assert delegate.action_at(QPoint(-5, -5)) is None
    row_rect = page.overdue_list.visualRect(page.overdue_model.index(0, 0))
    assert delegate.action_at(row_rect.center() - QPoint(row_rect.width() // 3, 0)) is None
