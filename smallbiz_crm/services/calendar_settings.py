"""The shop's business calendar as stored: country, region, working weekdays, closure days."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from smallbiz_crm.domain.calendar import BusinessCalendar
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import BusinessCalendarSettings, ClosureDay


def load_calendar(session: Session) -> BusinessCalendar:
    """The calendar every deadline and due date is counted with."""
    row = session.scalar(select(BusinessCalendarSettings).limit(1))
    closures = {c.day: c.reason for c in session.scalars(select(ClosureDay))}
    if row is None:
        return BusinessCalendar("US", closures=closures)
    weekdays = frozenset(int(d) for d in row.working_weekdays.split(",") if d.strip())
    return BusinessCalendar(row.country, row.subdivision, weekdays or frozenset(range(5)),
                            closures)


class CalendarSettingsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def calendar(self) -> BusinessCalendar:
        with self.db.read() as session:
            return load_calendar(session)
