"""The Today sections, their plain text and the due alerts, on a real database file."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from smallbiz_crm.domain.records.concerns import ConcernDraft
from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft
from smallbiz_crm.domain.records.follow_ups import FollowUpDraft
from smallbiz_crm.domain.records.today import Alert, AlertKind
from smallbiz_crm.services.concerns import ConcernService
from smallbiz_crm.services.follow_ups import FollowUpService
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.today import TodayService, birthday_window
from smallbiz_crm.services.today_alerts import CONCERN_WARNING, summary_words
from smallbiz_crm.services.today_text import format_today
from smallbiz_crm.services.today_words import time_left_words
from smallbiz_crm.services.touch import StayingInTouchService

NOW = datetime(2026, 11, 20, 10, 0)  # the fixed clock of tests/conftest.py: a Friday
TODAY = NOW.date()


@pytest.fixture
def today(services: Services) -> TodayService:
    return TodayService(services.db, services.clock)


@pytest.fixture
def follow_ups(services: Services) -> FollowUpService:
    return FollowUpService(services.db, services.clock)


@pytest.fixture
def concerns(services: Services) -> ConcernService:
    return ConcernService(services.db, services.clock)


def customer(services: Services, name: str, **extra: object) -> int:
    return services.customers.create(CustomerDraft(name=name, **extra)).id  # type: ignore[arg-type]


def follow_up(follow_ups: FollowUpService, customer_id: int, due: date,
              reason: str = "Ask how the vase arrived", kind: str = "call") -> int:
    return follow_ups.create(FollowUpDraft(customer_id=customer_id, due_on=due, kind=kind,
                                           reason=reason)).id


def concern(concerns: ConcernService, customer_id: int, received: datetime,
            summary: str = "Is the glaze food-safe?") -> int:
    return concerns.log(ConcernDraft(customer_id=customer_id, kind="question", channel="phone",
                                     received_at=received, summary=summary)).id


def call(services: Services, customer_id: int, when: datetime) -> None:
    services.interactions.log(InteractionDraft(customer_id=customer_id, kind="call",
                                               occurred_at=when, summary="Chatted"))


# --- follow-ups -------------------------------------------------------------------------------

def test_follow_ups_are_split_into_overdue_and_today_and_later_ones_are_left_out(
        services: Services, today: TodayService, follow_ups: FollowUpService) -> None:
    ann = customer(services, "Ann Archer", phone="+1 212 555 0100")
    late = follow_up(follow_ups, ann, TODAY - timedelta(days=3), "Thank for the purchase")
    later_late = follow_up(follow_ups, ann, TODAY - timedelta(days=1))
    due = follow_up(follow_ups, ann, TODAY, "Reorder glaze")
    follow_up(follow_ups, ann, TODAY + timedelta(days=1), "Tomorrow's")
    done = follow_up(follow_ups, ann, TODAY - timedelta(days=2))
    follow_ups.complete([done], "Called")

    data = today.sections()

    assert [row.id for row in data.overdue.rows] == [late, later_late]  # oldest first
    assert data.overdue.total == 2
    assert [row.id for row in data.due_today.rows] == [due]
    assert data.due_today.rows[0].phone == services.customers.get(ann).phone
    assert data.counts()["overdue"] == 2 and data.counts()["due_today"] == 1
    assert data.now == NOW and data.today == TODAY


def test_archived_customers_are_left_out_of_every_section(
        services: Services, today: TodayService, follow_ups: FollowUpService,
        concerns: ConcernService) -> None:
    gone = customer(services, "Gone Away", birthday=date(1980, 11, 22))
    follow_up(follow_ups, gone, TODAY - timedelta(days=1))
    follow_up(follow_ups, gone, TODAY)
    call(services, gone, NOW - timedelta(days=200))
    services.customers.archive([gone])

    data = today.sections()

    assert data.overdue.total == data.due_today.total == 0
    assert data.birthdays.total == 0
    assert data.losing_touch.total == 0


def test_lists_stop_at_the_limit_and_count_everything(
        services: Services, today: TodayService, follow_ups: FollowUpService,
        concerns: ConcernService) -> None:
    ann = customer(services, "Ann Archer")
    bob = customer(services, "Bob Baker")
    gone = customer(services, "Gone Away")
    for days in range(1, 6):
        follow_up(follow_ups, ann, TODAY - timedelta(days=days))
    follow_up(follow_ups, gone, TODAY - timedelta(days=1))
    for _ in range(4):
        follow_up(follow_ups, bob, TODAY)
    services.customers.archive([gone])
    for hours in (50, 60, 90):  # received Wednesday or before: due by Thursday's end
        concern(concerns, ann, NOW - timedelta(hours=hours))

    data = today.sections(limit=2)

    assert len(data.overdue) == 2 and data.overdue.total == 5 and data.overdue.more == 3
    assert len(data.due_today) == 2 and data.due_today.total == 4
    assert len(data.concerns) == 2 and data.concerns.total == 3
    assert data.concerns_overdue == 3


# --- concerns ---------------------------------------------------------------------------------

def test_concerns_waiting_show_their_time_left_and_answered_ones_drop_out(
        services: Services, today: TodayService, concerns: ConcernService) -> None:
    ann = customer(services, "Ann Archer")
    # Wednesday 09:00 in a Monday-to-Friday shop: due Thursday's end, overdue by Friday 10:00.
    late = concern(concerns, ann, datetime(2026, 11, 18, 9, 0), "The glaze cracked")
    fresh = concern(concerns, ann, NOW - timedelta(hours=1))
    answered = concern(concerns, ann, NOW - timedelta(hours=2))
    concerns.respond(answered, NOW, "Called back")

    data = today.sections()

    assert [row.id for row in data.concerns.rows] == [late, fresh]
    first, second = data.concerns.rows
    assert first.overdue and first.time_left < timedelta(0)
    assert not second.overdue and second.time_left > timedelta(0)
    assert data.concerns.total == 2 and data.concerns_overdue == 1


# --- birthdays --------------------------------------------------------------------------------

def test_birthdays_in_the_next_seven_days_soonest_first_with_the_age_they_turn(
        services: Services, today: TodayService) -> None:
    customer(services, "Too Late", birthday=date(1990, 11, 19))
    on_day = customer(services, "Today Person", birthday=date(1990, 11, 20), phone="555 0101")
    in_week = customer(services, "Week Person", birthday=date(1966, 11, 27))
    customer(services, "Too Far", birthday=date(1970, 11, 28))
    customer(services, "No Birthday")
    not_pursued = customer(services, "Not Pursued", birthday=date(1980, 11, 21))
    services.customers.update(not_pursued, CustomerDraft(
        name="Not Pursued", birthday=date(1980, 11, 21), not_pursuing=True,
        not_pursuing_reason="Moved away"))

    data = today.sections()

    rows = data.birthdays.rows
    assert [row.customer_id for row in rows] == [on_day, in_week]
    assert (rows[0].on, rows[0].turns, rows[0].days_away) == (TODAY, 36, 0)
    assert rows[0].phone == services.customers.get(on_day).phone
    assert rows[0].born_on == date(1990, 11, 20)
    assert (rows[1].on, rows[1].turns, rows[1].days_away) == (date(2026, 11, 27), 60, 7)
    assert data.birthdays.total == 2


def test_birthdays_wrap_over_new_year(services: Services, today: TodayService) -> None:
    december = customer(services, "December Person", birthday=date(1980, 12, 30))
    january = customer(services, "January Person", birthday=date(1985, 1, 2))
    customer(services, "Too Far", birthday=date(1985, 1, 6))

    data = today.sections(datetime(2026, 12, 29, 9, 0))

    rows = data.birthdays.rows
    assert [row.customer_id for row in rows] == [december, january]
    assert (rows[0].on, rows[0].turns) == (date(2026, 12, 30), 46)
    assert (rows[1].on, rows[1].turns, rows[1].days_away) == (date(2027, 1, 2), 42, 4)


def test_a_29_february_birthday_falls_on_28_february_in_common_years(
        services: Services, today: TodayService) -> None:
    leapling = customer(services, "Leap Person", birthday=date(2000, 2, 29))
    twenty_eighth = customer(services, "Feb Person", birthday=date(1999, 2, 28))

    common = today.sections(datetime(2027, 2, 25, 9, 0)).birthdays.rows
    assert [(row.customer_id, row.on, row.turns) for row in common] == [
        (twenty_eighth, date(2027, 2, 28), 28), (leapling, date(2027, 2, 28), 27)]

    leap = today.sections(datetime(2028, 2, 27, 9, 0)).birthdays.rows
    assert [(row.customer_id, row.on) for row in leap] == [
        (twenty_eighth, date(2028, 2, 28)), (leapling, date(2028, 2, 29))]


def test_birthday_window_maps_month_days_to_days_away() -> None:
    window = birthday_window(date(2027, 2, 26))
    assert window["02-26"] == 0 and window["02-28"] == 2 and window["02-29"] == 2
    assert window["03-05"] == 7 and len(window) == 9
    assert "02-29" not in birthday_window(date(2026, 3, 1))


# --- losing touch -----------------------------------------------------------------------------

def test_losing_touch_matches_the_staying_in_touch_service_with_a_total(
        services: Services, today: TodayService) -> None:
    # The first stage (Prospect) contacts every 21 days.
    long_ago = customer(services, "Long Ago")
    call(services, long_ago, NOW - timedelta(days=90))
    a_while = customer(services, "A While")
    call(services, a_while, NOW - timedelta(days=30))
    recent = customer(services, "Recent")
    call(services, recent, NOW - timedelta(days=3))
    customer(services, "Just Added")  # added today: the clock starts now

    data = today.sections()
    touch = StayingInTouchService(services.db, services.clock)

    assert [row.customer_id for row in data.losing_touch.rows] == [long_ago, a_while]
    assert list(data.losing_touch.rows) == touch.losing_touch(TODAY)
    assert data.losing_touch.total == touch.count_losing_touch(TODAY) == 2
    assert data.losing_touch.rows[0].days_since_contact == 90
    assert list(today.sections(limit=1).losing_touch.rows) == touch.losing_touch(TODAY, 1)
    assert today.sections(limit=1).losing_touch.total == 2

    call(services, long_ago, NOW - timedelta(hours=1))
    assert [row.customer_id for row in today.sections().losing_touch.rows] == [a_while]


def test_an_empty_database_is_all_clear(today: TodayService) -> None:
    data = today.sections()
    assert data.all_clear
    assert set(data.counts().values()) == {0}


# --- plain text -------------------------------------------------------------------------------

def test_format_today_prints_every_section_with_counts_and_details(
        services: Services, today: TodayService, follow_ups: FollowUpService,
        concerns: ConcernService) -> None:
    ann = customer(services, "Ann Archer", phone="+1 212 555 0100",
                   birthday=date(1986, 11, 22))
    bob = customer(services, "Bob Baker")
    follow_up(follow_ups, ann, TODAY - timedelta(days=3), "Thank for the\nnew vase")
    follow_up(follow_ups, bob, TODAY, "Reorder glaze", kind="reorder")
    concern(concerns, bob, datetime(2026, 11, 18, 9, 0), "The glaze cracked")
    call(services, customer(services, "Cy Quiet"), NOW - timedelta(days=40))

    text = format_today(today.sections())

    assert text.startswith("Today, Friday 20 November 2026\n")
    assert "Overdue (1)" in text
    phone = services.customers.get(ann).phone
    assert "3 days late" in text and "Ann Archer" in text and phone in text
    assert "Call: Thank for the new vase" in text
    assert "Due today (1)" in text and "Reorder: Reorder glaze" in text
    assert "Waiting for an answer (1, 1 overdue)" in text
    assert "overdue by 10 h" in text and "Question: The glaze cracked" in text
    assert "answer by yesterday, end of day" in text
    assert "Birthdays in the next 7 days (1)" in text
    assert "Sun 22 Nov, in 2 days" in text and "turns 40" in text
    assert "Losing touch (1)" in text and "40 days since contact" in text
    assert "Prospect: every 21 days" in text


def test_format_today_says_when_a_section_is_empty_or_cut(
        services: Services, today: TodayService, follow_ups: FollowUpService) -> None:
    ann = customer(services, "Ann Archer")
    for days in range(1, 4):
        follow_up(follow_ups, ann, TODAY - timedelta(days=days))

    text = format_today(today.sections(limit=2))

    assert "Overdue (3)" in text and "... and 1 more." in text
    for empty in ("Nothing due today.", "No concern is waiting for an answer.",
                  "No birthdays coming up.", "Everyone has heard from you recently."):
        assert empty in text


def test_time_left_words() -> None:
    assert time_left_words(timedelta(hours=5, minutes=59)) == "due in 5 h"
    assert time_left_words(timedelta(seconds=20)) == "due in 1 min"
    assert time_left_words(-timedelta(days=2, hours=3)) == "overdue by 2 days"
    assert time_left_words(-timedelta(hours=25)) == "overdue by 1 day"


# --- alerts -----------------------------------------------------------------------------------

def test_follow_ups_come_due_when_their_day_starts(
        services: Services, today: TodayService, follow_ups: FollowUpService) -> None:
    ann = customer(services, "Ann Archer", phone="555 0100")
    yesterday = follow_up(follow_ups, ann, TODAY - timedelta(days=1))
    on_day = follow_up(follow_ups, ann, TODAY, "Reorder glaze", kind="reorder")
    tomorrow = follow_up(follow_ups, ann, TODAY + timedelta(days=1))

    # By default since the start of today: today's follow-up, not yesterday's.
    alerts = today.due_alerts(NOW)
    assert [(a.kind, a.ref_id) for a in alerts] == [(AlertKind.FOLLOW_UP.value, on_day)]
    assert alerts[0].title == "Follow up with Ann Archer"
    phone = services.customers.get(ann).phone
    assert alerts[0].message == f"Reorder: Reorder glaze · {phone}"
    assert alerts[0].due_at == datetime(2026, 11, 20, 0, 0)
    assert today.due_alerts(NOW, since=NOW - timedelta(minutes=1)) == []

    # Running over midnight: tomorrow's comes due in the check that spans it.
    midnight = datetime(2026, 11, 21)
    assert today.due_alerts(midnight, since=midnight - timedelta(minutes=1)) == []
    spanning = today.due_alerts(midnight + timedelta(minutes=1), since=midnight)
    assert [a.ref_id for a in spanning] == [tomorrow]
    assert yesterday not in [a.ref_id for a in spanning]


def test_concerns_come_due_a_warning_before_their_deadline(
        services: Services, today: TodayService, concerns: ConcernService) -> None:
    ann = customer(services, "Ann Archer")
    # Received Thursday 09:00: due Friday 23:59:59, announced Friday 15:59:59.
    thursday = concern(concerns, ann, datetime(2026, 11, 19, 9, 0), "Is the glaze food-safe?")
    deadline = concerns.get(thursday).response_due_at
    warn_at = deadline - CONCERN_WARNING

    assert today.due_alerts(NOW, since=NOW - timedelta(hours=1)) == []
    alerts = today.due_alerts(warn_at + timedelta(seconds=1), since=warn_at)
    assert [(a.kind, a.ref_id) for a in alerts] == [(AlertKind.CONCERN.value, thursday)]
    assert alerts[0].title == "Answer Ann Archer's question by today, end of day"
    assert alerts[0].message == "Is the glaze food-safe?"
    assert today.due_alerts(warn_at + timedelta(minutes=2),
                            since=warn_at + timedelta(minutes=1)) == []

    # Without a warning the alert comes at the deadline itself.
    at_deadline = today.due_alerts(deadline + timedelta(seconds=1), since=deadline,
                                   concern_warning=timedelta(0))
    assert [a.ref_id for a in at_deadline] == [thursday]
    assert at_deadline[0].title == "Ann Archer's question is overdue"

    concerns.respond(thursday, NOW, "Yes it is")
    assert today.due_alerts(warn_at + timedelta(seconds=1), since=warn_at) == []


def test_summary_words_name_the_customers() -> None:
    alerts = [
        _alert("follow_up", 1, "Ann"), _alert("follow_up", 2, "Bob"),
        _alert("concern", 3, "Ann"), _alert("follow_up", 4, "Cy"), _alert("follow_up", 5, "Di"),
        _alert("follow_up", 6, "Ed"), _alert("follow_up", 7, "Flo")]
    title, message = summary_words(alerts)
    assert title == "Now due: 6 follow-ups and 1 concern"
    assert message == "Ann, Bob, Cy, Di and 2 more."
    assert summary_words(alerts[:1], capped=True)[0] == "Now due: at least 1 follow-up"


def _alert(kind: str, ref_id: int, name: str) -> Alert:
    return Alert(kind=kind, ref_id=ref_id, customer_id=ref_id, customer_name=name, title="",
                 message="", due_at=NOW)
