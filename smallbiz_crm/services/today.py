"""The Today page's sections: overdue, due today, concerns waiting, birthdays, losing touch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, case, func, select, text
from sqlalchemy.orm import Session

from smallbiz_crm.domain.calendar import END_OF_BUSINESS_DAY
from smallbiz_crm.domain.kinds import FollowUpKind, FollowUpStatus
from smallbiz_crm.domain.records.concerns import ConcernRow
from smallbiz_crm.domain.records.follow_ups import FollowUpFilter, FollowUpRow, FollowUpScope
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.concerns import ConcernService, local_naive
from smallbiz_crm.services.follow_ups import FollowUpService
from smallbiz_crm.services.touch import LosingTouchRow
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Concern, Customer, FollowUp, JourneyStage

# Each list stops here; its total still counts everything, and the page says how many more.
LIST_LIMIT = 50
# Birthdays from today to this many days ahead, as the birthday cadence greets them.
BIRTHDAY_DAYS = 7
# A concern's deadline is the end of a business day (23:59:59); an alert at that moment
# comes too late to act on. It is announced this long before, at four in the afternoon.
CONCERN_WARNING = timedelta(hours=8)
# One check of the notifications reports at most this many (the first check of a busy day).
ALERT_LIMIT = 100

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Section(Generic[T]):
    """The first rows of a list and how many there are in all."""

    rows: tuple[T, ...]
    total: int

    @property
    def more(self) -> int:
        """How many are left out of `rows`."""
        return max(0, self.total - len(self.rows))

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, slots=True)
class BirthdayRow:
    customer_id: int
    name: str
    phone: str
    born_on: date
    on: date  # the day it is celebrated this time; 29 February is 28 February in common years
    turns: int  # the age they turn on `on`
    days_away: int  # 0 today, 1 tomorrow…


@dataclass(frozen=True, slots=True)
class TodayData:
    """Everything the Today page and the `today` command show, as of `now`."""

    now: datetime
    overdue: Section[FollowUpRow]
    due_today: Section[FollowUpRow]
    concerns: Section[ConcernRow]
    concerns_overdue: int  # of concerns.total, how many are past their deadline
    birthdays: Section[BirthdayRow]
    losing_touch: Section[LosingTouchRow]

    @property
    def today(self) -> date:
        return self.now.date()

    def counts(self) -> dict[str, int]:
        """The total of each section, by section name."""
        return {"overdue": self.overdue.total, "due_today": self.due_today.total,
                "concerns": self.concerns.total, "birthdays": self.birthdays.total,
                "losing_touch": self.losing_touch.total}

    @property
    def all_clear(self) -> bool:
        return not any(self.counts().values())


class AlertKind(StrEnum):
    FOLLOW_UP = "follow_up"
    CONCERN = "concern"


@dataclass(frozen=True, slots=True)
class Alert:
    """A follow-up or concern deadline that came due, for a notification."""

    kind: str  # an AlertKind value
    ref_id: int  # the follow-up's or the concern's id
    customer_id: int
    customer_name: str
    title: str
    message: str
    due_at: datetime  # the moment it came due

    @property
    def key(self) -> tuple[str, int, datetime]:
        # With the moment: a follow-up snoozed to another day is worth a new alert then.
        return (self.kind, self.ref_id, self.due_at)


# --- wording shared by the command line and the notifications (plain text, no Qt) ----------

_KIND_WORDS = {FollowUpKind.THANK_YOU.value: "Thank-you", FollowUpKind.CHECK_IN.value: "Check-in",
               FollowUpKind.TELL_THEM.value: "Feedback reply"}


def kind_words(kind: str) -> str:
    return _KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())


def one_line(value: str) -> str:
    return " ".join(value.split())


def _amount(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} h"
    days = hours // 24
    return "1 day" if days == 1 else f"{days} days"


def time_left_words(left: timedelta) -> str:
    """'due in 5 h', 'overdue by 2 days': rounded down, never more time than there is."""
    seconds = left.total_seconds()
    return f"due in {_amount(seconds)}" if seconds >= 0 else f"overdue by {_amount(-seconds)}"


def deadline_words(due: datetime, now: datetime) -> str:
    """'today, end of day', 'Mon 23 Nov, end of day', 'Mon 23 Nov 14:00'."""
    if due.date() == now.date():
        day = "today"
    elif due.date() == now.date() + timedelta(days=1):
        day = "tomorrow"
    elif due.date() == now.date() - timedelta(days=1):
        day = "yesterday"
    else:
        day = f"{due:%a} {due.day} {due:%b}" + (f" {due.year}" if due.year != now.year else "")
    if due.time() == END_OF_BUSINESS_DAY:
        return f"{day}, end of day"
    return f"{day} {due:%H:%M}"


def days_words(days: int) -> str:
    return "1 day" if days == 1 else f"{days:,} days"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


# --- the command line's text ----------------------------------------------------------------

# A name or phone longer than this is cut in the aligned columns.
_CELL_WIDTH = 28


def _cell(value: str) -> str:
    value = one_line(value)
    return value if len(value) <= _CELL_WIDTH else value[:_CELL_WIDTH - 3] + "..."


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells, every column but the last padded to its widest cell."""
    if not rows:
        return []
    cells = [[_cell(value) for value in row[:-1]] + [one_line(row[-1])] for row in rows]
    widths = [max(len(row[n]) for row in cells) for n in range(len(cells[0]) - 1)]
    lines = []
    for row in cells:
        padded = [value.ljust(width) for value, width in zip(row[:-1], widths, strict=True)]
        lines.append(("  " + "  ".join([*padded, row[-1]])).rstrip())
    return lines


def _section(title: str, section: Section[Any], empty: str, lines: list[str],
             note: str = "") -> list[str]:
    heading = f"{title} ({section.total:,}{note})"
    out = [heading, "-" * len(heading)]
    if not section.total:
        out.append(f"  {empty}")
        return out
    out.extend(lines)
    if section.more:
        out.append(f"  ... and {section.more:,} more.")
    return out


def _follow_up_detail(row: FollowUpRow) -> str:
    reason = one_line(row.reason)
    return f"{kind_words(row.kind)}: {reason}" if reason else kind_words(row.kind)


def format_today(data: TodayData) -> str:
    """The Today page as plain text, for `smallbiz-crm today`."""
    now = data.now
    today = data.today
    parts = [f"Today, {now:%A} {today.day} {now:%B %Y}"]

    overdue = _table([
        [f"{days_words((today - row.due_on).days)} late", f"{row.due_on:%a} {row.due_on}",
         row.customer_name, row.phone or "-", _follow_up_detail(row)]
        for row in data.overdue.rows])
    parts.append("\n".join(_section("Overdue", data.overdue, "Nothing overdue.", overdue)))

    due = _table([[row.customer_name, row.phone or "-", _follow_up_detail(row)]
                  for row in data.due_today.rows])
    parts.append("\n".join(_section("Due today", data.due_today, "Nothing due today.", due)))

    concerns = _table([
        [time_left_words(row.time_left), row.customer_name, row.customer_phone or "-",
         f"{row.kind.capitalize()}: {one_line(row.summary)} "
         f"(answer by {deadline_words(row.response_due_at, now)})"]
        for row in data.concerns.rows])
    late = f", {data.concerns_overdue:,} overdue" if data.concerns_overdue else ""
    parts.append("\n".join(_section("Waiting for an answer", data.concerns,
                                    "No concern is waiting for an answer.", concerns, late)))

    birthdays = _table([
        [_birthday_when(row), row.name, row.phone or "-",
         f"turns {row.turns}" if row.turns > 0 else "born this year"]
        for row in data.birthdays.rows])
    parts.append("\n".join(_section(f"Birthdays in the next {BIRTHDAY_DAYS} days",
                                    data.birthdays, "No birthdays coming up.", birthdays)))

    losing = _table([
        [f"{days_words(row.days_since_contact)} since contact", row.name, row.phone or "-",
         f"{row.stage}: every {days_words(row.rhythm_days)}"]
        for row in data.losing_touch.rows])
    parts.append("\n".join(_section("Losing touch", data.losing_touch,
                                    "Everyone has heard from you recently.", losing)))
    return "\n\n".join(parts) + "\n"


def _birthday_when(row: BirthdayRow) -> str:
    if row.days_away == 0:
        return "today"
    if row.days_away == 1:
        return f"tomorrow, {row.on:%a} {row.on.day} {row.on:%b}"
    return f"{row.on:%a} {row.on.day} {row.on:%b}, in {row.days_away} days"


# --- queries --------------------------------------------------------------------------------

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
        # Follow-ups: the days whose midnight lies in [since, now).
        first = since.date() if since.time() == time.min else since.date() + timedelta(days=1)
        last = now.date() if now.time() > time.min else now.date() - timedelta(days=1)
        with self.db.read() as session:
            alerts = (self._follow_up_alerts(session, first, last, limit)
                      + self._concern_alerts(session, since, now, concern_warning, limit))
        alerts.sort(key=lambda alert: (alert.due_at, alert.kind, alert.ref_id))
        return alerts[:limit]


    @staticmethod
    def _follow_up_alerts(session: Session, first: date, last: date,
                          limit: int) -> list[Alert]:
        if first > last:
            return []
        statement = (
            select(FollowUp.id, FollowUp.customer_id, Customer.name, Customer.phone,
                   FollowUp.due_on, FollowUp.kind, FollowUp.reason)
            .join(Customer, Customer.id == FollowUp.customer_id)
            .where(FollowUp.status == FollowUpStatus.OPEN.value,
                   FollowUp.due_on >= first, FollowUp.due_on <= last,
                   Customer.archived.is_(False))
            .order_by(FollowUp.due_on, FollowUp.id).limit(limit))
        alerts = []
        for fid, customer_id, name, phone, due_on, kind, reason in session.execute(statement):
            detail = kind_words(kind) + (f": {one_line(reason)}" if reason.strip() else "")
            alerts.append(Alert(
                kind=AlertKind.FOLLOW_UP.value, ref_id=fid, customer_id=customer_id,
                customer_name=name, title=f"Follow up with {name}",
                message=detail + (f" · {phone}" if phone else ""),
                due_at=datetime.combine(due_on, time.min)))
        return alerts

    @staticmethod
    def _concern_alerts(session: Session, since: datetime, now: datetime, warning: timedelta,
                        limit: int) -> list[Alert]:
        statement = (
            select(Concern.id, Concern.customer_id, Customer.name, Customer.phone,
                   Concern.kind, Concern.summary, Concern.response_due_at)
            .join(Customer, Customer.id == Concern.customer_id)
            .where(Concern.responded_at.is_(None),
                   Concern.response_due_at >= since + warning,
                   Concern.response_due_at < now + warning)
            .order_by(Concern.response_due_at, Concern.id).limit(limit))
        alerts = []
        for cid, customer_id, name, phone, kind, summary, due in session.execute(statement):
            title = (f"{name}'s {kind} is overdue" if due <= now
                     else f"Answer {name}'s {kind} by {deadline_words(due, now)}")
            alerts.append(Alert(
                kind=AlertKind.CONCERN.value, ref_id=cid, customer_id=customer_id,
                customer_name=name, title=title,
                message=one_line(summary) + (f" · {phone}" if phone else ""),
                due_at=due - warning))
        return alerts


def summary_words(alerts: Sequence[Alert], capped: bool = False) -> tuple[str, str]:
    """One notification (title, message) for several alerts at once."""
    follow_ups = sum(1 for alert in alerts if alert.kind == AlertKind.FOLLOW_UP.value)
    concerns = len(alerts) - follow_ups
    parts = []
    if follow_ups:
        parts.append(_plural(follow_ups, "follow-up", "follow-ups"))
    if concerns:
        parts.append(_plural(concerns, "concern", "concerns"))
    title = "Now due: " + ("at least " if capped else "") + " and ".join(parts)
    names = list(dict.fromkeys(alert.customer_name for alert in alerts))
    shown = ", ".join(names[:4])
    if len(names) > 4:
        shown += f" and {len(names) - 4:,} more"
    return title, shown + "."
