"""The Today page's sections: overdue, due today, concerns waiting, birthdays, losing touch."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, text
from sqlalchemy.orm import Session

from smallbiz_crm.domain.kinds import FollowUpStatus
from smallbiz_crm.domain.records.follow_ups import FollowUpFilter, FollowUpRow, FollowUpScope
from smallbiz_crm.domain.records.today import Alert, BirthdayRow, LosingTouchRow, Section, TodayData
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.concerns import ConcernService, local_naive
from smallbiz_crm.services.follow_ups import FollowUpService
from smallbiz_crm.services.today_alerts import ALERT_LIMIT, CONCERN_WARNING, due_alerts
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Customer, FollowUp, JourneyStage

# Each list stops here; its total still counts everything, and the page says how many more.
LIST_LIMIT = 50
# Birthdays from today to this many days ahead, as the birthday cadence greets them.
BIRTHDAY_DAYS = 7


def _not_archived() -> ColumnElement[bool]:
    # NOT IN over the (few) archived ids keeps the scan on follow_up's own index.
    return FollowUp.customer_id.not_in(select(Customer.id).where(Customer.archived.is_(True)))


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def birthday_window(today: date, days: int = BIRTHDAY_DAYS) -> dict[str, int]:
    """'MM-DD' of each day from today to today + days → days from today. A 29 February
    birthday is celebrated on 28 February in common years."""
    window: dict[str, int] = {}
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        window.setdefault(f"{day:%m-%d}", offset)
        if (day.month, day.day) == (2, 28) and not _is_leap(day.year):
            window.setdefault("02-29", offset)
    return window


class TodayService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock
        self.follow_ups = FollowUpService(db, clock)
        self.concerns = ConcernService(db, clock)

    def sections(self, now: datetime | None = None, limit: int = LIST_LIMIT) -> TodayData:
        """Every section of the Today page; each list holds at most `limit` rows."""
        now = local_naive(now) if now is not None else self.clock()
        today = now.date()
        overdue = self.follow_ups.list(FollowUpFilter(scope=FollowUpScope.OVERDUE, limit=limit),
                                       today)
        due_today = self.follow_ups.list(FollowUpFilter(scope=FollowUpScope.TODAY, limit=limit),
                                         today)
        concerns = self.concerns.waiting(now, limit=limit)
        waiting, waiting_overdue = (
            self.concerns.waiting_count(now) if len(concerns) >= limit
            else (len(concerns), sum(1 for row in concerns if row.overdue)))
        with self.db.read() as session:
            overdue_total, today_total = self._follow_up_counts(session, today, overdue,
                                                                due_today, limit)
            birthdays, birthday_total = self._birthdays(session, today, limit)
            losing, losing_total = self._losing_touch(session, today, limit)
        return TodayData(
            now=now,
            overdue=Section(tuple(overdue), overdue_total),
            due_today=Section(tuple(due_today), today_total),
            concerns=Section(tuple(concerns), waiting),
            concerns_overdue=waiting_overdue,
            birthdays=Section(tuple(birthdays), birthday_total),
            losing_touch=Section(tuple(losing), losing_total))

    # -- follow-ups ---------------------------------------------------------------------------

    @staticmethod
    def _follow_up_counts(session: Session, today: date, overdue: list[FollowUpRow],
                          due_today: list[FollowUpRow], limit: int) -> tuple[int, int]:
        if len(overdue) < limit and len(due_today) < limit:
            return len(overdue), len(due_today)
        statement = (
            select(func.sum(case((FollowUp.due_on < today, 1), else_=0)),
                   func.sum(case((FollowUp.due_on == today, 1), else_=0)))
            .where(FollowUp.status == FollowUpStatus.OPEN.value, FollowUp.due_on <= today,
                   _not_archived()))
        late, on_day = session.execute(statement).one()
        return int(late or 0), int(on_day or 0)

    # -- birthdays ----------------------------------------------------------------------------

    @staticmethod
    def _birthdays(session: Session, today: date,
                   limit: int) -> tuple[list[BirthdayRow], int]:
        """Birthdays from today to BIRTHDAY_DAYS ahead, soonest first, with the total."""
        window = birthday_window(today)
        params: dict[str, Any] = {"limit": limit}
        names = []
        whens = []
        for number, (month_day, offset) in enumerate(window.items()):
            params[f"md_{number}"] = month_day
            params[f"off_{number}"] = offset
            names.append(f":md_{number}")
            whens.append(f"WHEN :md_{number} THEN :off_{number}")
        month_day = "substr(c.birthday, 6, 5)"
        # A plain scan of the table (NOT INDEXED): no index holds the birthday, and going
        # through the (archived, …) indexes costs a look-up per row, several times slower.
        # The window count rides on the same scan; the matches are a few hundred at most.
        sql = (f"SELECT c.id, c.name, c.phone, c.birthday, "
               f"CASE {month_day} {' '.join(whens)} END AS days_away, count(*) OVER () "
               f"FROM customer c NOT INDEXED "
               f"WHERE c.birthday IS NOT NULL AND c.archived = 0 AND c.not_pursuing = 0 "
               f"AND {month_day} IN ({', '.join(names)}) "
               f"ORDER BY days_away, c.name, c.id LIMIT :limit")
        rows = []
        total = 0
        for customer_id, name, phone, born_text, days_away, count in session.execute(
                text(sql), params):
            born = date.fromisoformat(str(born_text)[:10])
            on = today + timedelta(days=int(days_away))
            rows.append(BirthdayRow(customer_id=customer_id, name=name, phone=phone,
                                    born_on=born, on=on, turns=on.year - born.year,
                                    days_away=int(days_away)))
            total = int(count)
        return rows, total

    # -- losing touch -------------------------------------------------------------------------

    @staticmethod
    def _losing_touch(session: Session, today: date,
                      limit: int) -> tuple[list[LosingTouchRow], int]:
        """As StayingInTouchService.losing_touch (same rows, same order) plus the total, in
        about a fifth of the time at 100,000 customers: a plain scan instead of a look-up
        per row through the (archived, …) index SQLite otherwise picks."""
        stages = session.execute(
            select(JourneyStage.id, JourneyStage.name, JourneyStage.contact_rhythm_days)
            .where(JourneyStage.contact_rhythm_days.is_not(None))).all()
        if not stages:
            return [], 0
        params: dict[str, Any] = {"today": today.isoformat(), "limit": limit}
        cutoffs = []
        rhythms = []
        names: dict[int, str] = {}
        for number, (stage_id, stage_name, rhythm) in enumerate(stages):
            params[f"stage_{number}"] = stage_id
            params[f"cutoff_{number}"] = (today - timedelta(days=rhythm or 0)).isoformat()
            params[f"rhythm_{number}"] = rhythm or 0
            cutoffs.append(f"WHEN :stage_{number} THEN :cutoff_{number}")
            rhythms.append(f"WHEN :stage_{number} THEN :rhythm_{number}")
            names[stage_id] = stage_name
        contact = "coalesce(c.last_contact_at, c.created_at)"
        where = (f"c.archived = 0 AND c.not_pursuing = 0 "
                 f"AND {contact} < (CASE c.stage_id {' '.join(cutoffs)} END)")
        rhythm_of = f"(CASE c.stage_id {' '.join(rhythms)} END)"
        contact_day = f"julianday(substr({contact}, 1, 10))"
        # Furthest past the rhythm first: the contact day plus the rhythm, earliest first.
        top = (f"SELECT c.id, c.name, c.stage_id, {rhythm_of}, c.phone, "
               f"CAST(julianday(:today) - {contact_day} AS INTEGER) "
               f"FROM customer c NOT INDEXED WHERE {where} "
               f"ORDER BY {contact_day} + {rhythm_of}, c.name, c.id LIMIT :limit")
        rows = [LosingTouchRow(customer_id=row[0], name=row[1], stage=names[row[2]],
                               days_since_contact=int(row[5]), rhythm_days=int(row[3]),
                               phone=row[4])
                for row in session.execute(text(top), params)]
        if len(rows) < limit:
            return rows, len(rows)
        total = session.scalar(text(f"SELECT count(*) FROM customer c NOT INDEXED WHERE {where}"),
                               params)
        return rows, int(total or 0)

    # -- notifications ------------------------------------------------------------------------

    def due_alerts(self, now: datetime | None = None, since: datetime | None = None,
                   concern_warning: timedelta = CONCERN_WARNING,
                   limit: int = ALERT_LIMIT) -> list[Alert]:
        """Follow-ups and concern deadlines that came due from `since` (included) to `now`
        (excluded), oldest first, at most `limit`.

        A follow-up comes due when its day starts. A concern comes due `concern_warning`
        before its deadline (the end of a business day), while there is time to answer;
        with a zero warning, at the deadline itself. Checking [a, b), then [b, c) … reports
        each one once. `since` defaults to the start of today.
        """
        now = local_naive(now) if now is not None else self.clock()
        since = (local_naive(since) if since is not None
                 else datetime.combine(now.date(), time.min))
        if since >= now:
            return []
        with self.db.read() as session:
            return due_alerts(session, since, now, concern_warning, limit)
