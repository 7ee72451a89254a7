"""Business days and response deadlines: worked examples on real calendars, then properties."""

from __future__ import annotations

import calendar as pycal
import os
import pickle
import subprocess
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallbiz_crm.domain import calendar as calendar_module
from smallbiz_crm.domain.calendar import (
    MAX_SEARCH_DAYS,
    SHOP_CLOSURE,
    WEEKLY_DAY_OFF,
    BusinessCalendar,
    subdivisions,
    supported_countries,
)

MON_FRI = frozenset({0, 1, 2, 3, 4})
MON_SAT = frozenset({0, 1, 2, 3, 4, 5})
EVERY_DAY = frozenset(range(7))
END = time(23, 59, 59)


def weekday(day: date) -> str:
    return pycal.day_name[day.weekday()]


# --- worked examples -------------------------------------------------------------------------
#
# Each row: (calendar, received_at, due). Weekdays were checked with the calendar module and the
# holidays with the holidays package (see test_examples_fall_on_the_stated_weekdays below, which
# re-checks the weekday written in each row's id).

GB = BusinessCalendar("GB")
US = BusinessCalendar("US")
DE = BusinessCalendar("DE")
DE_BY = BusinessCalendar("DE", "BY")
US_MA = BusinessCalendar("US", "MA")

RESPONSE_EXAMPLES = [
    # An ordinary week, no holiday near 8-11 March 2024: Friday's concern waits for Monday.
    pytest.param(GB, datetime(2024, 3, 8, 16, 0), date(2024, 3, 11), id="GB Fri 16:00 -> Mon"),
    # Received Sunday (and Saturday) of that week: the next business day is Monday.
    pytest.param(GB, datetime(2024, 3, 10, 9, 30), date(2024, 3, 11), id="GB Sun -> Mon"),
    pytest.param(GB, datetime(2024, 3, 9, 12, 0), date(2024, 3, 11), id="GB Sat -> Mon"),
    # Midweek, at either end of the day: always the end of the following day.
    pytest.param(GB, datetime(2024, 3, 11, 0, 0), date(2024, 3, 12), id="GB Mon 00:00 -> Tue"),
    pytest.param(GB, datetime(2024, 3, 11, 23, 59, 59), date(2024, 3, 12), id="GB Mon late -> Tue"),
    # A shop working Monday to Saturday answers Friday's concern on Saturday.
    pytest.param(
        BusinessCalendar("GB", working_weekdays=MON_SAT),
        datetime(2024, 3, 8, 16, 0),
        date(2024, 3, 9),
        id="GB Mon-Sat Fri -> Sat",
    ),
    # Christmas Eve 2024 is a Tuesday. In the US only Wednesday 25th is a holiday, so the
    # answer is due Thursday 26th. In Great Britain Thursday 26th is Boxing Day, a bank
    # holiday too, so the same concern is due Friday 27th.
    pytest.param(US, datetime(2024, 12, 24, 18, 0), date(2024, 12, 26), id="US Tue 24 Dec -> Thu"),
    pytest.param(GB, datetime(2024, 12, 24, 18, 0), date(2024, 12, 27), id="GB Tue 24 Dec -> Fri"),
    # Christmas 2020 is a Friday: Boxing Day falls on Saturday 26th and is observed on
    # Monday 28th, so a concern from Thursday evening the 24th is due Tuesday 29th.
    pytest.param(GB, datetime(2020, 12, 24, 19, 0), date(2020, 12, 29), id="GB Thu 24 Dec -> Tue"),
    # Sunday before the Spring Bank Holiday (Monday 27 May 2024): due Tuesday.
    pytest.param(GB, datetime(2024, 5, 26, 10, 0), date(2024, 5, 28), id="GB Sun before BH -> Tue"),
    # New Year's Day 2022 is a Saturday; the US observes it on Friday 31 December 2021, a date
    # in the previous year: Thursday's concern skips Friday and the weekend.
    pytest.param(US, datetime(2021, 12, 30, 15, 0), date(2022, 1, 3), id="US Thu 30 Dec -> Mon"),
    # Epiphany (Monday 6 January 2025) is a holiday in Bavaria, not in Germany as a whole.
    pytest.param(DE, datetime(2025, 1, 3, 16, 0), date(2025, 1, 6), id="DE Fri -> Mon"),
    pytest.param(DE_BY, datetime(2025, 1, 3, 16, 0), date(2025, 1, 7), id="DE-BY Fri -> Tue"),
    # Patriots' Day (Monday 15 April 2024) is a Massachusetts holiday, not a federal one.
    pytest.param(US, datetime(2024, 4, 12, 16, 0), date(2024, 4, 15), id="US Fri -> Mon"),
    pytest.param(US_MA, datetime(2024, 4, 12, 16, 0), date(2024, 4, 16), id="US-MA Fri -> Tue"),
    # The shop's own closures are skipped like holidays: closed for stocktaking on Monday
    # 11 March 2024 and Tuesday 12th, Friday's concern is due Wednesday.
    pytest.param(
        BusinessCalendar("GB", closures={date(2024, 3, 11): "Stocktaking", date(2024, 3, 12): ""}),
        datetime(2024, 3, 8, 16, 0),
        date(2024, 3, 13),
        id="GB closures Mon+Tue, Fri -> Wed",
    ),
    pytest.param(
        BusinessCalendar("GB", closures=frozenset({date(2024, 3, 11)})),
        datetime(2024, 3, 8, 16, 0),
        date(2024, 3, 12),
        id="GB closure Mon, Fri -> Tue",
    ),
]


@pytest.mark.parametrize(("cal", "received_at", "due_day"), RESPONSE_EXAMPLES)
def test_response_due_worked_examples(
    cal: BusinessCalendar, received_at: datetime, due_day: date
) -> None:
    assert cal.response_due(received_at) == datetime.combine(due_day, END)


@pytest.mark.parametrize(("cal", "received_at", "due_day"), RESPONSE_EXAMPLES)
def test_examples_fall_on_the_stated_weekdays(
    request: pytest.FixtureRequest, cal: BusinessCalendar, received_at: datetime, due_day: date
) -> None:
    # Guards the table itself: the id says e.g. "Fri -> Mon"; check the real calendar agrees.
    abbreviations = {name[:3]: name for name in pycal.day_name}
    words = request.node.callspec.id.replace("->", " ").split()
    stated = [abbreviations[w] for w in words if w in abbreviations]
    assert stated == [weekday(received_at.date()), weekday(due_day)]


def test_holidays_used_in_the_examples_are_real() -> None:
    assert GB.holiday_name(date(2024, 12, 25)) == "Christmas Day"
    assert GB.holiday_name(date(2024, 12, 26)) == "Boxing Day"
    assert US.holiday_name(date(2024, 12, 26)) is None
    assert GB.holiday_name(date(2020, 12, 28)) == "Boxing Day (observed)"
    assert GB.holiday_name(date(2024, 5, 27)) == "Spring Bank Holiday"
    assert US.holiday_name(date(2021, 12, 31)) == "New Year's Day (observed)"
    assert DE.holiday_name(date(2025, 1, 6)) is None
    assert DE_BY.holiday_name(date(2025, 1, 6)) == "Epiphany"
    assert US.holiday_name(date(2024, 4, 15)) is None
    assert US_MA.holiday_name(date(2024, 4, 15)) == "Patriots' Day"
    for day in (date(2024, 3, 8), date(2024, 3, 11), date(2024, 12, 24)):
        assert GB.holiday_name(day) is None


def test_response_due_keeps_the_time_zone() -> None:
    plus_one = timezone(timedelta(hours=1))
    due = GB.response_due(datetime(2024, 3, 8, 16, 0, tzinfo=plus_one))
    assert due == datetime(2024, 3, 11, 23, 59, 59, tzinfo=plus_one)
    assert due.tzinfo is plus_one


def test_add_business_days_worked_examples() -> None:
    fri, sat, mon = date(2024, 3, 8), date(2024, 3, 9), date(2024, 3, 11)
    assert GB.add_business_days(fri, 0) == fri
    assert GB.add_business_days(sat, 0) == mon
    assert GB.add_business_days(fri, 1) == mon
    assert GB.add_business_days(sat, 1) == mon
    assert GB.add_business_days(mon, -1) == fri
    assert GB.add_business_days(sat, -1) == fri
    # Thu 19 Dec 2024 + 5: Fri 20, Mon 23, Tue 24, (Christmas, Boxing Day) Fri 27, Mon 30.
    assert GB.add_business_days(date(2024, 12, 19), 5) == date(2024, 12, 30)
    assert GB.add_business_days(date(2024, 12, 30), -5) == date(2024, 12, 19)


def test_on_or_after_and_next_business_day() -> None:
    fri, sat, mon = date(2024, 3, 8), date(2024, 3, 9), date(2024, 3, 11)
    assert GB.on_or_after(fri) == fri
    assert GB.on_or_after(sat) == mon
    assert GB.next_business_day(fri) == mon
    assert GB.next_business_day(sat) == mon
    assert GB.previous_business_day(mon) == fri


def test_datetimes_are_treated_as_their_day() -> None:
    assert GB.is_business_day(datetime(2024, 12, 25, 9, 0)) is False
    cal = BusinessCalendar("GB", closures=frozenset({datetime(2024, 3, 11, 8, 0)}))
    assert cal.is_business_day(date(2024, 3, 11)) is False


def test_non_working_days_preview() -> None:
    cal = BusinessCalendar(
        "GB", closures={date(2020, 12, 29): "Stocktaking", date(2020, 12, 30): ""}
    )
    assert cal.non_working_days(date(2020, 12, 20), 9) == [
        (date(2020, 12, 20), WEEKLY_DAY_OFF),
        (date(2020, 12, 25), "Christmas Day"),
        (date(2020, 12, 26), "Boxing Day"),  # a Saturday: the holiday's name wins
        (date(2020, 12, 27), WEEKLY_DAY_OFF),
        (date(2020, 12, 28), "Boxing Day (observed)"),
        (date(2020, 12, 29), "Closed: Stocktaking"),
        (date(2020, 12, 30), SHOP_CLOSURE),
        (date(2021, 1, 1), "New Year's Day"),
        (date(2021, 1, 2), WEEKLY_DAY_OFF),
    ]
    assert cal.non_working_days(date(2020, 12, 20), 0) == []


def test_non_working_days_stops_when_there_are_none() -> None:
    # Bouvet Island has no public holidays; open every day, nothing is ever a day off.
    always_open = BusinessCalendar("BV", working_weekdays=EVERY_DAY)
    assert always_open.non_working_days(date(2024, 1, 1), 3) == []
    assert always_open.response_due(datetime(2024, 1, 1, 12)) == datetime(2024, 1, 2, 23, 59, 59)


def test_exhaustive_worst_case_gap_for_a_gb_weekday_shop() -> None:
    # Every day of 2000-2099, no closures: the longest wait in a Mon-Fri British shop is five
    # days (e.g. Friday 22 Dec 2000: weekend, Christmas Day, Boxing Day, due Wednesday).
    gaps = {}
    day = date(2000, 1, 1)
    while day.year < 2100:
        gaps[day] = (GB.next_business_day(day) - day).days
        day += timedelta(days=1)
    worst = max(gaps.values())
    assert worst == 5
    assert gaps[date(2000, 12, 22)] == 5


# --- value semantics -----------------------------------------------------------------------


def test_calendar_is_an_immutable_hashable_value() -> None:
    a = BusinessCalendar("GB", closures={date(2024, 3, 11): ""})
    b = BusinessCalendar("UK", closures=frozenset({date(2024, 3, 11)}))  # alias of GB
    assert a == b
    assert hash(a) == hash(b)
    assert a.country == "GB"
    assert a != BusinessCalendar("GB")
    assert len({a, b, BusinessCalendar("GB")}) == 2
    with pytest.raises(AttributeError):
        setattr(a, "_country", "US")  # noqa: B010 - the point is to try it
    with pytest.raises(TypeError):
        a.closures[date(2024, 3, 12)] = "x"  # type: ignore[index]
    assert pickle.loads(pickle.dumps(a)) == a


def test_importing_the_module_does_not_import_holidays() -> None:
    # holidays costs start-up time; it must load only when a calendar is built.
    code = "import sys, smallbiz_crm.domain.calendar; sys.exit('holidays' in sys.modules)"
    # The child finds the package where this process found it, however pytest was started.
    root = Path(calendar_module.__file__).resolve().parents[2]
    path = os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


# --- settings dialog helpers --------------------------------------------------------------


def test_supported_countries() -> None:
    countries = supported_countries()
    assert ("GB", "United Kingdom") in countries
    assert ("US", "United States of America") in countries
    assert ("DE", "Germany") in countries
    names = [name.casefold() for _, name in countries]
    assert names == sorted(names)
    codes = [code for code, _ in countries]
    assert len(codes) == len(set(codes))
    assert all(name and name != code for code, name in countries)


def test_subdivisions() -> None:
    german = subdivisions("DE")
    assert ("BY", "Bayern") in german
    assert ("BE", "Berlin") in german
    assert dict(subdivisions("gb"))["SCT"] == "Scotland"
    assert subdivisions("AF") == []
    for code, _ in german:
        BusinessCalendar("DE", code)  # every offered code is accepted


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weekdays",
    [frozenset(), frozenset({7}), frozenset({-1, 0}), frozenset({True})],
)
def test_bad_working_weekdays(weekdays: frozenset[int]) -> None:
    with pytest.raises(ValueError, match=r"[Ww]orking weekdays|at least one day"):
        BusinessCalendar("GB", working_weekdays=weekdays)


def test_unknown_country_and_subdivision() -> None:
    with pytest.raises(ValueError, match="Unknown country code 'XX'"):
        BusinessCalendar("XX")
    with pytest.raises(ValueError, match="Unknown subdivision 'ZZ'"):
        BusinessCalendar("DE", "ZZ")
    with pytest.raises(ValueError, match="Unknown country code"):
        subdivisions("XX")


def test_search_is_bounded() -> None:
    start = date(2030, 1, 1)
    closed_for_years = frozenset(start + timedelta(days=i) for i in range(MAX_SEARCH_DAYS + 10))
    cal = BusinessCalendar("GB", working_weekdays=EVERY_DAY, closures=closed_for_years)
    with pytest.raises(ValueError, match="no business day within 10 years"):
        cal.on_or_after(start)
    with pytest.raises(ValueError, match="no business day within 10 years"):
        cal.response_due(datetime(2029, 12, 31, 12))
    with pytest.raises(ValueError, match="no business day within 10 years"):
        BusinessCalendar("BV").next_business_day(date.max)


def test_negative_preview_count() -> None:
    with pytest.raises(ValueError):
        GB.non_working_days(date(2024, 1, 1), -1)


# --- properties ----------------------------------------------------------------------------

CONFIGS = [("GB", None), ("US", "CA"), ("DE", "BY"), ("FR", None), ("JP", None)]
REASONS = ["", "Stocktaking", "Owner on holiday"]

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
weekday_sets = st.frozensets(st.integers(0, 6), min_size=1)


@st.composite
def calendars_around(draw: st.DrawFn, anchor: date) -> BusinessCalendar:
    """A random shop whose closures cluster near `anchor`, where they affect the answer."""
    country, subdivision = draw(st.sampled_from(CONFIGS))
    closures: dict[date, str] = {}
    # Scattered single days, and sometimes a long run (a summer closure).
    for offset in draw(st.lists(st.integers(-10, 60), max_size=15)):
        closures[anchor + timedelta(days=offset)] = draw(st.sampled_from(REASONS))
    if draw(st.booleans()):
        first = draw(st.integers(-10, 30))
        for offset in range(first, first + draw(st.integers(1, 40))):
            closures[anchor + timedelta(days=offset)] = "Summer"
    return BusinessCalendar(country, subdivision, draw(weekday_sets), closures)


@st.composite
def shop_and_day(draw: st.DrawFn) -> tuple[BusinessCalendar, date]:
    day = draw(days)
    return draw(calendars_around(day)), day


def day_range(first: date, last: date) -> list[date]:
    """Every day from first to last, both included."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


@PROPERTY_SETTINGS
@given(shop_and_day(), st.times())
def test_deadline_is_the_end_of_the_first_business_day_after_receipt(
    shop: tuple[BusinessCalendar, date], at: time
) -> None:
    cal, day = shop
    due = cal.response_due(datetime.combine(day, at))
    due_day = due.date()
    assert due.time() == END
    assert due_day > day
    assert cal.is_business_day(due_day)
    between = day_range(day + timedelta(days=1), due_day - timedelta(days=1))
    assert not any(cal.is_business_day(d) for d in between)
    # Bound: every day strictly between receipt and deadline is a day off. Any 7 consecutive
    # days contain each weekday once, so at least one working weekday; in the gap that day
    # must be "blocked" by a closure or a holiday. The L days between therefore hold at least
    # floor(L / 7) blocked working weekdays: floor(L / 7) <= blocked, so L <= 7 * blocked + 6
    # and the wait L + 1 <= 7 * (blocked + 1). Blocked days are at most the closures plus
    # the holidays in the window, so the wait is finite and small unless closures are long.
    blocked = [d for d in between if d.weekday() in cal.working_weekdays]
    assert all(d in cal.closures or cal.holiday_name(d) for d in blocked)
    assert (due_day - day).days <= 7 * (len(blocked) + 1)


@PROPERTY_SETTINGS
@given(shop_and_day(), st.integers(-40, 40))
def test_add_business_days_counts_exactly_n(shop: tuple[BusinessCalendar, date], n: int) -> None:
    cal, day = shop
    result = cal.add_business_days(day, n)
    assert cal.is_business_day(result)
    if n == 0:
        assert result == cal.on_or_after(day)
        assert not any(cal.is_business_day(d) for d in day_range(day, result)[:-1])
    elif n > 0:
        assert result > day
        counted = day_range(day + timedelta(days=1), result)
        assert sum(map(cal.is_business_day, counted)) == n
    else:
        assert result < day
        counted = day_range(result, day - timedelta(days=1))
        assert sum(map(cal.is_business_day, counted)) == -n
    # From a business day, going n and back n returns to it.
    start = cal.on_or_after(day)
    assert cal.add_business_days(cal.add_business_days(start, n), -n) == start


@PROPERTY_SETTINGS
@given(shop_and_day(), st.integers(0, 25))
def test_non_working_days_agrees_with_is_business_day(
    shop: tuple[BusinessCalendar, date], count: int
) -> None:
    cal, start = shop
    listed = cal.non_working_days(start, count)
    # Every configuration has public holidays each year, so the list is full; the holidays
    # package stops computing after 2100, so a shop open daily near 2099 may find fewer.
    if start.year <= 2090:
        assert len(listed) == count
    else:
        assert len(listed) <= count
    listed_days = [d for d, _ in listed]
    assert listed_days == sorted(set(listed_days))
    if listed:
        covered = day_range(start, listed_days[-1])
        assert [d for d in covered if not cal.is_business_day(d)] == listed_days
    for d, reason in listed:
        holiday = cal.holiday_name(d)
        if holiday is not None:
            assert reason == holiday
        elif d in cal.closures:
            expected = f"Closed: {cal.closures[d]}" if cal.closures[d] else SHOP_CLOSURE
            assert reason == expected
        else:
            assert d.weekday() not in cal.working_weekdays
            assert reason == WEEKLY_DAY_OFF


@PROPERTY_SETTINGS
@given(shop_and_day())
def test_on_or_after_is_the_first_business_day_from_the_day(
    shop: tuple[BusinessCalendar, date],
) -> None:
    cal, day = shop
    found = cal.on_or_after(day)
    assert found >= day
    assert cal.is_business_day(found)
    assert not any(cal.is_business_day(d) for d in day_range(day, found)[:-1])
    assert cal.next_business_day(day) == cal.on_or_after(day + timedelta(days=1))
