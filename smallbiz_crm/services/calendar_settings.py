"""The shop's business calendar as stored: country, region, working weekdays, closure days."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smallbiz_crm.domain.calendar import BusinessCalendar, supported_countries
from smallbiz_crm.domain.validation import EARLIEST_DATE, Collector, ValidationError
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import BusinessCalendarSettings, ClosureDay, Concern

MAX_REASON_LENGTH = 200  # the closure_day.reason column
PREVIEW_DAYS = 10


@dataclass(frozen=True, slots=True)
class CalendarSettings:
    """What the settings dialog edits. Weekdays count from Monday = 0 to Sunday = 6."""

    country: str
    subdivision: str | None
    working_weekdays: frozenset[int]
    closures: tuple[tuple[date, str], ...]  # (day, reason), sorted by day


def load_calendar(session: Session) -> BusinessCalendar:
    """The calendar every deadline and due date is counted with."""
    row = session.scalar(select(BusinessCalendarSettings).limit(1))
    closures = {c.day: c.reason for c in session.scalars(select(ClosureDay))}
    if row is None:
        return BusinessCalendar("US", closures=closures)
    weekdays = frozenset(int(d) for d in row.working_weekdays.split(",") if d.strip())
    return BusinessCalendar(row.country, row.subdivision, weekdays or frozenset(range(5)),
                            closures)


def recompute_open_deadlines(session: Session, calendar: BusinessCalendar) -> int:
    """Re-count the deadline of every concern not yet answered with `calendar`, in the
    caller's transaction; returns how many deadlines moved."""
    moved = 0
    for row in session.scalars(select(Concern).where(Concern.responded_at.is_(None))):
        due = calendar.response_due(row.received_at)
        if due != row.response_due_at:
            row.response_due_at = due
            moved += 1
    session.flush()
    return moved


def country_name(code: str) -> str:
    return dict(supported_countries()).get(code, code)


def _clean_closures(closures: Mapping[date, str] | Iterable[tuple[date, str]],
                    errors: Collector) -> dict[date, str]:
    pairs = closures.items() if isinstance(closures, Mapping) else closures
    cleaned: dict[date, str] = {}
    for day, reason in pairs:
        if isinstance(day, datetime):
            day = day.date()
        if not isinstance(day, date):
            errors.add("closures", "Each closure needs a date.")
            continue
        text = " ".join(str(reason or "").split())
        if day < EARLIEST_DATE:
            errors.add("closures", f"The closure on {day.isoformat()} is before "
                                   f"{EARLIEST_DATE.year}; check the year.")
        elif day in cleaned:
            errors.add("closures", f"{day.isoformat()} is listed twice as a closure day.")
        elif len(text) > MAX_REASON_LENGTH:
            errors.add("closures", f"The reason for closing on {day.isoformat()} is too long "
                                   f"(at most {MAX_REASON_LENGTH} characters).")
        cleaned[day] = text
    return dict(sorted(cleaned.items()))


def validated_calendar(country: str, subdivision: str | None, working_weekdays: Iterable[int],
                       closures: Mapping[date, str] | Iterable[tuple[date, str]]
                       ) -> BusinessCalendar:
    """The calendar these settings describe; ValidationError with a message per field."""
    errors = Collector()
    code = (country or "").strip().upper()
    sub = (subdivision or "").strip() or None
    known = dict(supported_countries())
    if not code:
        errors.add("country", "Choose the country the shop is in.")
    elif code not in known:
        # Aliases such as "UK" are accepted by the holidays package and stored canonically.
        try:
            code = BusinessCalendar(code).country
        except ValueError:
            errors.add("country", f"'{country.strip()}' is not a country whose public "
                                  "holidays are known. Choose one from the list.")
    weekdays = frozenset(working_weekdays)
    if not weekdays:
        errors.add("working_weekdays", "Tick at least one day of the week the shop opens.")
    elif any(type(d) is not int or not 0 <= d <= 6 for d in weekdays):
        errors.add("working_weekdays", "Working days must be days of the week.")
    days = _clean_closures(closures, errors)
    if "country" not in errors.errors and sub is not None:
        try:
            BusinessCalendar(code, sub)
        except ValueError:
            errors.add("subdivision", f"'{sub}' is not a region of {country_name(code)}. "
                                      "Choose one from the list, or the whole country.")
    errors.raise_if_any()
    return BusinessCalendar(code, sub, weekdays, days)


def settings_of(calendar: BusinessCalendar) -> CalendarSettings:
    return CalendarSettings(country=calendar.country, subdivision=calendar.subdivision,
                            working_weekdays=calendar.working_weekdays,
                            closures=tuple(sorted(calendar.closures.items())))


class CalendarSettingsService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    def calendar(self) -> BusinessCalendar:
        with self.db.read() as session:
            return load_calendar(session)

    def settings(self) -> CalendarSettings:
        return settings_of(self.calendar())

    def save(self, country: str, subdivision: str | None, working_weekdays: Iterable[int],
             closures: Mapping[date, str] | Iterable[tuple[date, str]]) -> int:
        """Store the calendar (closures replace the old list) and, in the same transaction,
        re-count the deadlines of concerns still waiting; returns how many deadlines moved."""
        calendar = validated_calendar(country, subdivision, working_weekdays, closures)
        with self.db.unit_of_work() as session:
            row = session.scalar(select(BusinessCalendarSettings).limit(1))
            if row is None:
                row = BusinessCalendarSettings(id=1)
                session.add(row)
            row.country = calendar.country
            row.subdivision = calendar.subdivision
            row.working_weekdays = ",".join(str(d) for d in sorted(calendar.working_weekdays))
            # Kept days are changed in place and dropped ones deleted first: one flush that
            # deletes and re-inserts a day would insert first and trip the unique constraint.
            existing = {c.day: c for c in session.scalars(select(ClosureDay))}
            for day, old in existing.items():
                if day not in calendar.closures:
                    session.delete(old)
            session.flush()
            for day, reason in calendar.closures.items():
                if day in existing:
                    existing[day].reason = reason
                else:
                    session.add(ClosureDay(day=day, reason=reason))
            session.flush()
            try:
                return recompute_open_deadlines(session, calendar)
            except ValueError:
                # No business day within ten years of some concern: closures cover everything.
                raise ValidationError.single(
                    "closures", "With these closure days the shop would never open. "
                                "Remove some of them.") from None

    def preview(self, settings: CalendarSettings, start: date | None = None,
                count: int = PREVIEW_DAYS) -> list[tuple[date, str]]:
        """The next `count` days off from `start` (default today) with why, for unsaved
        settings; reasons as BusinessCalendar.non_working_days gives them."""
        calendar = validated_calendar(settings.country, settings.subdivision,
                                      settings.working_weekdays, settings.closures)
        return calendar.non_working_days(start or self.clock().date(), count)

