"""Concerns and their one-business-day deadlines, and the calendar settings that count them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from smallbiz_crm.domain.calendar import SHOP_CLOSURE, WEEKLY_DAY_OFF
from smallbiz_crm.domain.records.concerns import ConcernDraft, MonthShare
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.calendar_settings import CalendarSettings, CalendarSettingsService
from smallbiz_crm.services.concerns import ConcernService
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.models import ClosureDay

# Late enough that every worked example below has already been received.
NOW = datetime(2026, 12, 31, 12, 0)
END = time(23, 59, 59)
MON_FRI = {0, 1, 2, 3, 4}
MON_SAT = {0, 1, 2, 3, 4, 5}


def clock() -> datetime:
    return NOW


@pytest.fixture
def concerns(services: Services) -> ConcernService:
    return ConcernService(services.db, clock)


@pytest.fixture
def calendar(services: Services) -> CalendarSettingsService:
    return CalendarSettingsService(services.db, clock)


@pytest.fixture
def customer(services: Services) -> int:
    return services.customers.create(CustomerDraft(name="Margaret Oduya",
                                                   phone="+44 20 7946 0958")).id


def draft(customer_id: int, received_at: datetime, summary: str = "Is the blue glaze food-safe?",
          kind: str = "question", channel: str = "phone") -> ConcernDraft:
    return ConcernDraft(customer_id=customer_id, kind=kind, channel=channel,
                        received_at=received_at, summary=summary)


# --- the worked examples of the issue, through the service ----------------------------------


def test_friday_afternoon_in_a_monday_to_friday_shop_is_due_monday_end_of_day(
        calendar: CalendarSettingsService, concerns: ConcernService, customer: int) -> None:
    calendar.save("GB", None, MON_FRI, [])
    logged = concerns.log(draft(customer, datetime(2026, 11, 13, 16, 0)))  # a Friday
    assert logged.response_due_at == datetime.combine(date(2026, 11, 16), END)  # Monday
    assert logged.responded_at is None and logged.resolved_at is None


def test_the_evening_before_a_public_holiday_is_due_the_day_after_it(
        calendar: CalendarSettingsService, concerns: ConcernService, customer: int) -> None:
    calendar.save("US", None, MON_FRI, [])
    # Thanksgiving 2026 is Thursday 26 November.
    logged = concerns.log(draft(customer, datetime(2026, 11, 25, 19, 30)))
    assert logged.response_due_at == datetime.combine(date(2026, 11, 27), END)


def test_a_saturday_working_shop_answers_fridays_concern_on_saturday(
        calendar: CalendarSettingsService, concerns: ConcernService, customer: int) -> None:
    calendar.save("GB", None, MON_SAT, [])
    logged = concerns.log(draft(customer, datetime(2026, 11, 13, 16, 0)))
    assert logged.response_due_at == datetime.combine(date(2026, 11, 14), END)


def test_closure_days_are_skipped(calendar: CalendarSettingsService, concerns: ConcernService,
                                  customer: int) -> None:
    calendar.save("GB", None, MON_FRI, [(date(2026, 11, 16), "Stock-taking"),
                                        (date(2026, 11, 17), "Stock-taking")])
    logged = concerns.log(draft(customer, datetime(2026, 11, 13, 16, 0)))
    assert logged.response_due_at == datetime.combine(date(2026, 11, 18), END)


def test_changing_the_calendar_recomputes_only_waiting_deadlines(
        calendar: CalendarSettingsService, concerns: ConcernService, customer: int) -> None:
    calendar.save("GB", None, MON_FRI, [])
    waiting = concerns.log(draft(customer, datetime(2026, 11, 13, 16, 0)))
    answered = concerns.log(draft(customer, datetime(2026, 11, 6, 16, 0)))
    concerns.respond(answered.id, datetime(2026, 11, 9, 10, 0), "Called back")
    midweek = concerns.log(draft(customer, datetime(2026, 11, 10, 9, 0)))  # Tue -> Wed either way

    assert calendar.save("GB", None, MON_SAT, []) == 1
    assert concerns.get(waiting.id).response_due_at == datetime.combine(date(2026, 11, 14), END)
    assert concerns.get(answered.id).response_due_at == answered.response_due_at
    assert concerns.get(midweek.id).response_due_at == midweek.response_due_at

    # Saving the same calendar again moves nothing.
    assert calendar.save("GB", None, MON_SAT, []) == 0


def test_recompute_after_a_calendar_change_made_elsewhere(
        services: Services, calendar: CalendarSettingsService, concerns: ConcernService,
        customer: int) -> None:
    calendar.save("GB", None, MON_FRI, [])
    logged = concerns.log(draft(customer, datetime(2026, 11, 13, 16, 0)))
    with services.db.unit_of_work() as session:
        session.add(ClosureDay(day=date(2026, 11, 16), reason="Inventory"))
    assert concerns.recompute_open_deadlines() == 1
    assert concerns.get(logged.id).response_due_at == datetime.combine(date(2026, 11, 17), END)
    assert concerns.recompute_open_deadlines() == 0


def test_due_for_previews_the_deadline(calendar: CalendarSettingsService,
                                       concerns: ConcernService) -> None:
    calendar.save("GB", None, MON_FRI, [])
    assert concerns.due_for(datetime(2026, 11, 13, 16, 0)) == datetime(2026, 11, 16, 23, 59, 59)


# --- logging, answering, resolving ----------------------------------------------------------


def test_logging_resets_the_contact_clock(services: Services, concerns: ConcernService,
                                          customer: int) -> None:
    received = datetime(2026, 12, 30, 15, 0)
    concerns.log(draft(customer, received, summary="  Wrong size delivered  ", kind="complaint",
                       channel="email"))
    assert services.customers.get(customer).last_contact_at == received
    [record] = concerns.for_customer(customer)
    assert (record.kind, record.channel, record.summary) == ("complaint", "email",
                                                              "Wrong size delivered")
    # An older concern does not move the clock back.
    concerns.log(draft(customer, datetime(2026, 10, 1, 9, 0)))
    assert services.customers.get(customer).last_contact_at == received


def test_every_bad_field_gets_its_own_message(concerns: ConcernService, customer: int) -> None:
    with pytest.raises(ValidationError) as caught:
        concerns.log(ConcernDraft(customer_id=customer, kind="rant", channel="pigeon",
                                  received_at=NOW + timedelta(days=2), summary="   "))
    assert set(caught.value.fields) == {"kind", "channel", "received_at", "summary"}
    assert "what the concern is" in caught.value.fields["summary"]
    assert "future" in caught.value.fields["received_at"]
    assert concerns.for_customer(customer) == []


def test_a_typo_year_and_an_unknown_customer(concerns: ConcernService, customer: int) -> None:
    with pytest.raises(ValidationError) as caught:
        concerns.log(draft(customer, datetime(1826, 11, 13, 16, 0)))
    assert set(caught.value.fields) == {"received_at"}
    with pytest.raises(NotFoundError):
        concerns.log(draft(customer + 99, datetime(2026, 11, 13, 16, 0)))


def test_respond_resolve_and_reopen(concerns: ConcernService, customer: int) -> None:
    logged = concerns.log(draft(customer, datetime(2026, 12, 28, 9, 0)))
    answered = concerns.respond(logged.id, datetime(2026, 12, 28, 11, 0), "  Emailed the sheet ")
    assert answered.responded_at == datetime(2026, 12, 28, 11, 0)
    assert answered.response_note == "Emailed the sheet"
    assert answered.answered_in_time is True
    resolved = concerns.resolve(logged.id, datetime(2026, 12, 29, 9, 0))
    assert resolved.resolved_at == datetime(2026, 12, 29, 9, 0)
    reopened = concerns.reopen(logged.id)
    assert reopened.resolved_at is None
    assert reopened.responded_at == datetime(2026, 12, 28, 11, 0)
    assert reopened.version > logged.version


def test_respond_and_resolve_at_once(concerns: ConcernService, customer: int) -> None:
    logged = concerns.log(draft(customer, datetime(2026, 12, 28, 9, 0)))
    done = concerns.respond(logged.id, datetime(2026, 12, 28, 9, 30), "Swapped it", resolved=True)
    assert done.responded_at == done.resolved_at == datetime(2026, 12, 28, 9, 30)


def test_resolving_an_unanswered_concern_answers_it(concerns: ConcernService,
                                                    customer: int) -> None:
    logged = concerns.log(draft(customer, datetime(2026, 12, 28, 9, 0)))
    resolved = concerns.resolve(logged.id, datetime(2026, 12, 28, 10, 0))
    assert resolved.responded_at == resolved.resolved_at == datetime(2026, 12, 28, 10, 0)
    assert concerns.waiting() == []


def test_answers_cannot_come_before_the_concern(concerns: ConcernService, customer: int) -> None:
    logged = concerns.log(draft(customer, datetime(2026, 12, 28, 9, 0)))
    with pytest.raises(ValidationError) as caught:
        concerns.respond(logged.id, datetime(2026, 12, 27, 9, 0), "")
    assert set(caught.value.fields) == {"responded_at"}
    with pytest.raises(ValidationError) as caught:
        concerns.respond(logged.id, NOW + timedelta(hours=3), "")
    assert set(caught.value.fields) == {"responded_at"}
    concerns.respond(logged.id, datetime(2026, 12, 28, 12, 0), "")
    with pytest.raises(ValidationError) as caught:
        concerns.resolve(logged.id, datetime(2026, 12, 28, 10, 0))
    assert set(caught.value.fields) == {"resolved_at"}
    with pytest.raises(NotFoundError):
        concerns.respond(logged.id + 1, datetime(2026, 12, 28, 12, 0), "")


# --- waiting ------------------------------------------------------------------------------


def test_waiting_is_ordered_by_deadline_with_time_left(
        services: Services, calendar: CalendarSettingsService, concerns: ConcernService,
        customer: int) -> None:
    calendar.save("GB", None, MON_FRI, [])
    other = services.customers.create(CustomerDraft(name="Leo Brandt")).id
    # Christmas Day and Boxing Day (observed Monday 28th) are GB bank holidays in 2026.
    late = concerns.log(draft(other, datetime(2026, 12, 21, 10, 0), summary="Refund?"))
    recent = concerns.log(draft(customer, datetime(2026, 12, 31, 9, 0), summary="Gift wrap?"))
    middle = concerns.log(draft(customer, datetime(2026, 12, 24, 17, 0), summary="Opening?"))
    answered = concerns.log(draft(customer, datetime(2026, 12, 22, 10, 0)))
    concerns.respond(answered.id, datetime(2026, 12, 22, 11, 0), "")

    rows = concerns.waiting()
    assert [r.id for r in rows] == [late.id, middle.id, recent.id]
    first = rows[0]
    assert (first.customer_name, first.summary) == ("Leo Brandt", "Refund?")
    assert first.response_due_at == datetime(2026, 12, 22, 23, 59, 59)
    assert first.overdue and first.time_left < timedelta(0)
    assert rows[1].response_due_at == datetime(2026, 12, 29, 23, 59, 59)
    assert rows[1].overdue
    # 31 Dec 09:00 -> New Year's Day is a holiday, then a weekend: due Monday 4 January.
    assert rows[2].response_due_at == datetime(2027, 1, 4, 23, 59, 59)
    assert not rows[2].overdue
    assert rows[2].time_left == datetime(2027, 1, 4, 23, 59, 59) - NOW
    assert rows[2].customer_phone == "+44 20 7946 0958"

    assert [r.id for r in concerns.waiting(customer_id=customer)] == [middle.id, recent.id]
    assert len(concerns.waiting(limit=1)) == 1
    # Seen from before the first deadline, nothing is overdue.
    assert not any(r.overdue for r in concerns.waiting(datetime(2026, 12, 21, 12, 0)))
    assert concerns.waiting_count() == (3, 2)


# --- the monthly share ----------------------------------------------------------------------


def test_share_answered_in_time_by_month(calendar: CalendarSettingsService,
                                         concerns: ConcernService, customer: int) -> None:
    calendar.save("GB", None, MON_FRI, [])

    def log(received: datetime, responded: datetime | None = None) -> None:
        logged = concerns.log(draft(customer, received))
        if responded is not None:
            concerns.respond(logged.id, responded, "")

    # November: Mon 2nd answered exactly at its deadline (in time), Fri 13th answered Monday
    # (in time), Tue 17th answered Thursday (late), Mon 30th never answered (due 1 December,
    # so overdue now and counted in November, the month it arrived).
    log(datetime(2026, 11, 2, 9, 0), datetime(2026, 11, 3, 23, 59, 59))
    log(datetime(2026, 11, 13, 16, 0), datetime(2026, 11, 16, 10, 0))
    log(datetime(2026, 11, 17, 9, 0), datetime(2026, 11, 19, 9, 0))
    log(datetime(2026, 11, 30, 10, 0))
    # December: answered within the hour, and one still waiting before its deadline.
    log(datetime(2026, 12, 1, 10, 0), datetime(2026, 12, 1, 11, 0))
    log(datetime(2026, 12, 31, 9, 0))

    october, november, december = concerns.answered_in_time_by_month(3)
    assert october == MonthShare(month=date(2026, 10, 1), answered_in_time=0, answered_late=0,
                                 still_open_overdue=0, total=0, share=None)
    assert november == MonthShare(month=date(2026, 11, 1), answered_in_time=2, answered_late=1,
                                  still_open_overdue=1, total=4, share=0.5)
    assert december == MonthShare(month=date(2026, 12, 1), answered_in_time=1, answered_late=0,
                                  still_open_overdue=0, total=2, share=1.0)
    assert december.pending == 1 and december.decided == 1

    # The same by date range; any day of a month selects the whole month.
    assert concerns.answered_in_time_by_month(start=date(2026, 11, 5),
                                              end=date(2026, 11, 30)) == [november]
    # An answer given in December still counts for November, where the concern arrived.
    [open_one] = [r for r in concerns.waiting() if r.received_at.month == 11]
    concerns.respond(open_one.id, datetime(2026, 12, 31, 11, 0), "Sorry for the wait")
    [november_again] = concerns.answered_in_time_by_month(start=date(2026, 11, 1),
                                                          end=date(2026, 11, 1))
    assert (november_again.answered_late, november_again.still_open_overdue) == (2, 0)


def test_share_on_an_empty_database(concerns: ConcernService) -> None:
    months = concerns.answered_in_time_by_month()
    assert len(months) == 12
    assert months[0].month == date(2026, 1, 1) and months[-1].month == date(2026, 12, 1)
    assert all(m.total == 0 and m.share is None for m in months)
    with pytest.raises(ValidationError):
        concerns.answered_in_time_by_month(0)
    with pytest.raises(ValidationError):
        concerns.answered_in_time_by_month(start=date(2026, 5, 1), end=date(2026, 4, 1))


def test_months_run_across_the_year_end(concerns: ConcernService) -> None:
    months = concerns.answered_in_time_by_month(start=date(2025, 11, 20), end=date(2026, 2, 3))
    assert [m.month for m in months] == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1),
                                         date(2026, 2, 1)]


# --- calendar settings -------------------------------------------------------------------


def test_settings_round_trip(calendar: CalendarSettingsService) -> None:
    default = calendar.settings()
    assert default == CalendarSettings("US", None, frozenset(MON_FRI), ())
    calendar.save(" uk ", "ENG", MON_SAT, {date(2026, 12, 31): "  Stock-taking ",
                                          date(2026, 8, 3): ""})
    saved = calendar.settings()
    assert saved.country == "GB"  # the alias is stored as its canonical code
    assert saved.subdivision == "ENG"
    assert saved.working_weekdays == frozenset(MON_SAT)
    assert saved.closures == ((date(2026, 8, 3), ""), (date(2026, 12, 31), "Stock-taking"))

    # Closures are replaced: one dropped, one renamed, one added.
    calendar.save("GB", None, MON_SAT, [(date(2026, 12, 31), "Inventory"),
                                        (date(2027, 1, 2), "Holiday break")])
    assert calendar.settings().closures == ((date(2026, 12, 31), "Inventory"),
                                            (date(2027, 1, 2), "Holiday break"))
    assert calendar.settings().subdivision is None


def test_calendar_validation_names_each_field(calendar: CalendarSettingsService) -> None:
    with pytest.raises(ValidationError) as caught:
        calendar.save("XX", None, set(), [(date(2026, 1, 2), "x" * 201)])
    assert set(caught.value.fields) == {"country", "working_weekdays", "closures"}
    with pytest.raises(ValidationError) as caught:
        calendar.save("GB", "Narnia", MON_FRI, [])
    assert set(caught.value.fields) == {"subdivision"}
    assert "United Kingdom" in caught.value.fields["subdivision"]
    with pytest.raises(ValidationError) as caught:
        calendar.save("", None, {7}, [(date(2026, 1, 2), "a"), (date(2026, 1, 2), "b")])
    assert set(caught.value.fields) == {"country", "working_weekdays", "closures"}
    # Nothing was stored.
    assert calendar.settings().country == "US"


def test_preview_lists_the_next_days_off_with_reasons(calendar: CalendarSettingsService) -> None:
    settings = CalendarSettings("US", None, frozenset(MON_FRI),
                                ((date(2026, 11, 23), "Stock-taking"), (date(2026, 11, 24), "")))
    days = calendar.preview(settings, start=date(2026, 11, 20), count=6)
    assert days == [
        (date(2026, 11, 21), WEEKLY_DAY_OFF),
        (date(2026, 11, 22), WEEKLY_DAY_OFF),
        (date(2026, 11, 23), "Closed: Stock-taking"),
        (date(2026, 11, 24), SHOP_CLOSURE),
        (date(2026, 11, 26), "Thanksgiving Day"),
        (date(2026, 11, 28), WEEKLY_DAY_OFF),
    ]
    # Defaults: ten days from today (the clock's).
    assert len(calendar.preview(settings)) == 10
    assert calendar.preview(settings)[0][0] >= NOW.date()
    with pytest.raises(ValidationError) as caught:
        calendar.preview(CalendarSettings("US", None, frozenset(), ()))
    assert set(caught.value.fields) == {"working_weekdays"}
