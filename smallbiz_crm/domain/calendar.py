"""The shop's business days (working weekdays, public holidays, closures) and deadlines on them."""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from holidays import HolidayBase

# A search for the next business day gives up after this many days. Closures are entered by
# the owner and could cover years, so an unbounded loop could hang the app; ten years of
# nothing but days off is certainly a configuration mistake.
MAX_SEARCH_DAYS: Final = 3660
END_OF_BUSINESS_DAY: Final = time(23, 59, 59)
DEFAULT_WORKING_WEEKDAYS: Final = frozenset({0, 1, 2, 3, 4})

# Reasons shown in the settings preview; constants so the UI can map them to translations.
WEEKLY_DAY_OFF: Final = "Weekly day off"
SHOP_CLOSURE: Final = "Shop closure"
CLOSED_PREFIX: Final = "Closed: "

_ONE_DAY: Final = timedelta(days=1)
_NO_BUSINESS_DAY: Final = "no business day within 10 years"


class BusinessCalendar:
    """When the shop works: an immutable, hashable configuration with fast day look-ups.

    Weekdays count as in `date.weekday()`: Monday is 0, Sunday is 6. Closures are the shop's
    own days off, optionally with a reason. Public holidays come from the `holidays` package.
    """

    __slots__ = ("_closures", "_country", "_hash", "_key", "_subdivision", "_weekdays")

    _country: str
    _subdivision: str | None
    _weekdays: frozenset[int]
    _closures: Mapping[date, str]
    _key: tuple[str, str | None, frozenset[int], frozenset[tuple[date, str]]]
    _hash: int

    def __init__(
        self,
        country: str,
        subdivision: str | None = None,
        working_weekdays: frozenset[int] = DEFAULT_WORKING_WEEKDAYS,
        closures: Mapping[date, str] | Iterable[date] = frozenset(),
    ) -> None:
        weekdays = frozenset(working_weekdays)
        if not weekdays:
            raise ValueError("The shop must work on at least one day of the week.")
        bad = sorted(repr(d) for d in weekdays if type(d) is not int or not 0 <= d <= 6)
        if bad:
            raise ValueError(
                "Working weekdays must be numbers from 0 (Monday) to 6 (Sunday), "
                f"not {', '.join(bad)}."
            )
        # Validating here, not on first look-up, lets the settings dialog reject a bad code
        # before it is saved; aliases such as "UK" are stored as their canonical code ("GB").
        canonical = _entity(country, subdivision).country
        subdivision = subdivision.strip() if subdivision and subdivision.strip() else None

        closure_days: dict[date, str] = {}
        items: Iterable[tuple[date, str]] = (
            closures.items() if isinstance(closures, Mapping) else ((d, "") for d in closures)
        )
        for day, reason in items:
            # A datetime key would never equal the plain dates it is looked up with.
            closure_days[_as_date(day)] = " ".join(str(reason or "").split())

        set_ = object.__setattr__
        set_(self, "_country", canonical)
        set_(self, "_subdivision", subdivision)
        set_(self, "_weekdays", weekdays)
        set_(self, "_closures", MappingProxyType(closure_days))
        key = (canonical, subdivision, weekdays, frozenset(closure_days.items()))
        set_(self, "_key", key)
        set_(self, "_hash", hash(key))

    # --- immutability and value semantics -------------------------------------------------

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BusinessCalendar):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[Any, ...]:
        # Slots plus a blocked __setattr__ defeat pickle's default; rebuild through __init__.
        return (
            type(self),
            (self._country, self._subdivision, self._weekdays, dict(self._closures)),
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(country={self._country!r}, "
            f"subdivision={self._subdivision!r}, "
            f"working_weekdays={sorted(self._weekdays)!r}, closures={len(self._closures)} days)"
        )

    @property
    def country(self) -> str:
        return self._country

    @property
    def subdivision(self) -> str | None:
        return self._subdivision

    @property
    def working_weekdays(self) -> frozenset[int]:
        return self._weekdays

    @property
    def closures(self) -> Mapping[date, str]:
        """Closure days and their reasons ("" when none was given); read-only."""
        return self._closures

    # --- single days ------------------------------------------------------------------------

    def holiday_name(self, day: date) -> str | None:
        day = _as_date(day)
        return _holidays_in_year(self._country, self._subdivision, day.year).get(day)

    def is_business_day(self, day: date) -> bool:
        if type(day) is not date:
            day = _as_date(day)
        # Cheapest test first: most days off are weekly ones, and the holiday table is a
        # cached dict per year, so this stays cheap inside loops.
        return (
            day.weekday() in self._weekdays
            and day not in self._closures
            and day not in _holidays_in_year(self._country, self._subdivision, day.year)
        )

    # --- searches ---------------------------------------------------------------------------

    def on_or_after(self, day: date) -> date:
        """`day` itself if the shop works then, else the next business day."""
        return self._search(_as_date(day), _ONE_DAY)

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after `day`."""
        day = _as_date(day)
        return self._search(_shift(day, _ONE_DAY, day), _ONE_DAY)

    def previous_business_day(self, day: date) -> date:
        """The last business day strictly before `day`."""
        day = _as_date(day)
        return self._search(_shift(day, -_ONE_DAY, day), -_ONE_DAY)

    def add_business_days(self, day: date, n: int) -> date:
        """Move `n` business days from `day`: forwards for n > 0, backwards for n < 0.

        For n > 0 exactly n business days lie in (day, result]; for n < 0 exactly -n lie in
        [result, day). n == 0 gives `on_or_after(day)`.
        """
        day = _as_date(day)
        if n == 0:
            return self.on_or_after(day)
        step = self.next_business_day if n > 0 else self.previous_business_day
        for _ in range(abs(n)):
            day = step(day)
        return day

    def response_due(self, received_at: datetime) -> datetime:
        """When a concern must be answered: the end of the first business day after the day
        it arrived, in the time zone it arrived in (none if `received_at` is naive)."""
        due_day = self.next_business_day(received_at.date())
        return datetime.combine(due_day, END_OF_BUSINESS_DAY, tzinfo=received_at.tzinfo)

    def non_working_days(self, start: date, count: int) -> list[tuple[date, str]]:
        """The next `count` days off from `start` (inclusive), each with why, for a preview.

        The reason is the holiday's name, "Closed: <reason>" or "Shop closure" for the shop's
        own closures, else "Weekly day off". Fewer than `count` come back when there is no
        further day off within ten years (a shop open every day with no holidays).
        """
        if count < 0:
            raise ValueError("count must not be negative")
        day = _as_date(start)
        found: list[tuple[date, str]] = []
        quiet_days = 0
        while len(found) < count and quiet_days < MAX_SEARCH_DAYS:
            reason = self._day_off_reason(day)
            if reason is None:
                quiet_days += 1
            else:
                found.append((day, reason))
                quiet_days = 0
            try:
                day += _ONE_DAY
            except OverflowError:
                break
        return found

    def _day_off_reason(self, day: date) -> str | None:
        holiday = self.holiday_name(day)
        if holiday is not None:
            return holiday
        if day in self._closures:
            reason = self._closures[day]
            return f"{CLOSED_PREFIX}{reason}" if reason else SHOP_CLOSURE
        if day.weekday() not in self._weekdays:
            return WEEKLY_DAY_OFF
        return None

    def _search(self, day: date, step: timedelta) -> date:
        start = day
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_business_day(day):
                return day
            day = _shift(day, step, start)
        raise ValueError(f"{_NO_BUSINESS_DAY} of {start.isoformat()}")


def _as_date(day: date) -> date:
    # datetime is a subclass of date but never equal to one; strip the time so look-ups work.
    return day.date() if isinstance(day, datetime) else day


def _shift(day: date, step: timedelta, start: date) -> date:
    try:
        return day + step
    except OverflowError:
        # Running off the end of the calendar (year 1 or 9999) is the same failure as
        # finding nothing: report it the same way instead of as an arithmetic error.
        raise ValueError(f"{_NO_BUSINESS_DAY} of {start.isoformat()}") from None


def _entity(country: str, subdivision: str | None) -> HolidayBase:
    """An empty holidays object, built to check the codes and to read the entity's metadata."""
    import holidays  # costs start-up time; only needed once a calendar is built

    code = country.strip().upper()
    try:
        entity = holidays.country_holidays(code, years=())
    except NotImplementedError:
        raise ValueError(f"Unknown country code {country!r}") from None
    sub = subdivision.strip() if subdivision else None
    if sub:
        try:
            entity = holidays.country_holidays(code, subdiv=sub, years=())
        except NotImplementedError:
            raise ValueError(
                f"Unknown subdivision {subdivision!r} for country {entity.country!r}"
            ) from None
    return entity


# Shared by all calendars with the same country and subdivision (settings reloads build new
# ones); one small dict per year, so a few hundred entries cost little memory.
@functools.lru_cache(maxsize=1024)
def _holidays_in_year(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    import holidays

    # Observed days that belong to next year's holiday (US: New Year's Day observed on
    # 31 December) are listed under the year they fall in, so one year's table is complete.
    entity = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return MappingProxyType({day: str(name) for day, name in entity.items()})


def supported_countries() -> list[tuple[str, str]]:
    """(code, English name) of every country the holidays package knows, sorted by name."""
    return list(_supported_countries())


@functools.cache
def _supported_countries() -> tuple[tuple[str, str], ...]:
    import holidays

    codes = holidays.list_supported_countries(include_aliases=False)
    named = [(code, _country_name(code)) for code in codes]
    return tuple(sorted(named, key=lambda pair: (pair[1].casefold(), pair[0])))


# The package has no name API; each country class's docstring starts "<Name> holidays.".
_DOC_NAME: Final = re.compile(r"(?P<name>.+?)(?: \(the\))? holidays\.")
_CAMEL_BREAK: Final = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _country_name(code: str) -> str:
    entity_type = type(_entity(code, None))
    country_classes = [
        klass for klass in entity_type.__mro__ if klass.__module__.startswith("holidays.countries.")
    ]
    for klass in country_classes:
        # Only the class's own docstring: inherited ones would name a mixin ("Christian").
        doc = inspect.cleandoc(klass.__dict__.get("__doc__") or "")
        match = _DOC_NAME.fullmatch(doc.split("\n", 1)[0])
        if match:
            return match["name"]
    for klass in country_classes:
        # Fallback: the class name, e.g. "UnitedKingdom"; code aliases such as "GB" skipped.
        if klass.__name__ != code:
            return _CAMEL_BREAK.sub(" ", klass.__name__)
    return code


def subdivisions(country: str) -> list[tuple[str, str]]:
    """(code, name) of the country's subdivisions, sorted by name; the code when unnamed."""
    entity = _entity(country, None)
    aliases: Mapping[str, Iterable[object]] = entity.get_subdivision_aliases()
    result = [
        (str(code), _subdivision_name(str(code), aliases.get(code, ())))
        for code in entity.subdivisions
    ]
    return sorted(result, key=lambda pair: (pair[1].casefold(), pair[0]))


def _subdivision_name(code: str, aliases: Iterable[object]) -> str:
    # Aliases mix other codes with names (FR "971": "GP", "GUA", "Guadeloupe"); a name has
    # lower-case letters.
    for alias in aliases:
        if isinstance(alias, str) and any(ch.islower() for ch in alias):
            return alias
    return code
