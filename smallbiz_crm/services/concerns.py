"""Customer concerns and the shop's rule of answering each one within one business day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Integer, and_, case, func, select
from sqlalchemy.orm import Session

from smallbiz_crm.domain.kinds import Channel, ConcernKind
from smallbiz_crm.domain.records.concerns import ConcernDraft, ConcernRecord, ConcernRow, MonthShare
from smallbiz_crm.domain.validation import Collector, ValidationError, check_long_text, check_when
from smallbiz_crm.services.calendar_settings import load_calendar, recompute_open_deadlines
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.customer_clock import touch
from smallbiz_crm.services.customers import load_customer
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Concern, Customer

# A received or answered time a little after "now" is the clocks of two machines disagreeing,
# not a typo; anything later is refused.
CLOCK_SLACK = timedelta(minutes=5)


def concern_record(row: Concern) -> ConcernRecord:
    return ConcernRecord(
        id=row.id, customer_id=row.customer_id, kind=row.kind, channel=row.channel,
        received_at=row.received_at, summary=row.summary, response_due_at=row.response_due_at,
        responded_at=row.responded_at, response_note=row.response_note,
        resolved_at=row.resolved_at, version=row.version)


def local_naive(value: datetime) -> datetime:
    """The shop keeps wall-clock times without a zone; an aware time becomes local wall time."""
    if value.tzinfo is None:
        return value
    return value.astimezone().replace(tzinfo=None)


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _load_concern(session: Session, concern_id: int) -> Concern:
    row = session.get(Concern, concern_id)
    if row is None:
        raise NotFoundError(f"There is no concern with id {concern_id}.")
    return row


class ConcernService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    # --- validation -----------------------------------------------------------------------

    def _check_moment(self, value: datetime | None, errors: Collector, field: str,
                      label: str) -> datetime | None:
        """A logged moment: set, plausible, and not in the future."""
        if value is not None and not isinstance(value, datetime):
            errors.add(field, f"{label} needs a time of day as well as a date.")
            return None
        now = self.clock()
        check_when(value, errors, now, field, label)
        if value is None or field in errors.errors:
            return None
        value = local_naive(value)
        if value > now + CLOCK_SLACK:
            errors.add(field, f"{label} cannot be in the future.")
            return None
        return value

    def _validate(self, draft: ConcernDraft) -> ConcernDraft:
        errors = Collector()
        if draft.kind not in set(ConcernKind):
            errors.add("kind", "Choose whether it is a question, a complaint or a request.")
        if draft.channel not in set(Channel):
            errors.add("channel", "Choose how the concern reached you.")
        received = self._check_moment(draft.received_at, errors, "received_at",
                                      "When it was received")
        summary = check_long_text(draft.summary, errors, "summary", "The summary")
        if not summary:
            errors.add("summary", "Write down what the concern is, in a few words.")
        errors.raise_if_any()
        assert received is not None
        return ConcernDraft(customer_id=draft.customer_id, kind=str(draft.kind),
                            channel=str(draft.channel), received_at=received, summary=summary)

    # --- writing --------------------------------------------------------------------------

    def due_for(self, received_at: datetime) -> datetime:
        """The deadline a concern received at `received_at` would get (for a live preview)."""
        with self.db.read() as session:
            return load_calendar(session).response_due(local_naive(received_at))

    def log(self, draft: ConcernDraft) -> ConcernRecord:
        """Record a concern with its deadline: the end of the next business day.

        Logging it counts as contact with the customer (resets their "losing touch" clock).
        """
        clean = self._validate(draft)
        with self.db.unit_of_work() as session:
            customer = load_customer(session, clean.customer_id)
            due = load_calendar(session).response_due(clean.received_at)
            row = Concern(customer_id=customer.id, kind=clean.kind, channel=clean.channel,
                          received_at=clean.received_at, summary=clean.summary,
                          response_due_at=due, response_note="")
            session.add(row)
            touch(customer, clean.received_at)
            customer.updated_at = self.clock()
            session.flush()
            return concern_record(row)

    def respond(self, concern_id: int, when: datetime, note: str = "",
                resolved: bool = False) -> ConcernRecord:
        """Mark the concern answered at `when` (answering again corrects the time and note);
        with `resolved`, also mark it resolved at the same moment, in the same transaction."""
        errors = Collector()
        moment = self._check_moment(when, errors, "responded_at", "When you answered")
        text = check_long_text(note, errors, "response_note", "The note")
        with self.db.unit_of_work() as session:
            row = _load_concern(session, concern_id)
            if moment is not None and moment < row.received_at:
                errors.add("responded_at",
                           "The answer cannot come before the concern was received.")
            if (moment is not None and not resolved and row.resolved_at is not None
                    and moment > row.resolved_at):
                errors.add("responded_at", "The answer cannot come after it was resolved.")
            errors.raise_if_any()
            assert moment is not None
            row.responded_at = moment
            row.response_note = text
            if resolved:
                row.resolved_at = moment
            session.flush()
            return concern_record(row)

    def resolve(self, concern_id: int, when: datetime) -> ConcernRecord:
        """Mark the concern resolved. Resolving one not answered yet counts as answering it
        then: the owner sorted it out with the customer, which is an answer."""
        errors = Collector()
        moment = self._check_moment(when, errors, "resolved_at", "When it was resolved")
        with self.db.unit_of_work() as session:
            row = _load_concern(session, concern_id)
            if moment is not None:
                if moment < row.received_at:
                    errors.add("resolved_at",
                               "It cannot be resolved before the concern was received.")
                elif row.responded_at is not None and moment < row.responded_at:
                    errors.add("resolved_at", "It cannot be resolved before it was answered.")
            errors.raise_if_any()
            assert moment is not None
            if row.responded_at is None:
                row.responded_at = moment
            row.resolved_at = moment
            session.flush()
            return concern_record(row)

    def reopen(self, concern_id: int) -> ConcernRecord:
        """The problem came back: it is no longer resolved. The answer given stays on record
        (it was given, in time or not), so the monthly share does not change."""
        with self.db.unit_of_work() as session:
            row = _load_concern(session, concern_id)
            row.resolved_at = None
            session.flush()
            return concern_record(row)

    def recompute_open_deadlines(self) -> int:
        """After the calendar changed: re-count every unanswered concern's deadline; returns
        how many moved."""
        with self.db.unit_of_work() as session:
            return recompute_open_deadlines(session, load_calendar(session))

    # --- reading --------------------------------------------------------------------------

    def get(self, concern_id: int) -> ConcernRecord:
        with self.db.read() as session:
            return concern_record(_load_concern(session, concern_id))

    def for_customer(self, customer_id: int) -> list[ConcernRecord]:
        """Every concern of the customer, newest first."""
        with self.db.read() as session:
            query = (select(Concern).where(Concern.customer_id == customer_id)
                     .order_by(Concern.received_at.desc(), Concern.id.desc()))
            return [concern_record(row) for row in session.scalars(query)]

    def waiting(self, now: datetime | None = None, customer_id: int | None = None,
                limit: int | None = None) -> list[ConcernRow]:
        """Concerns not answered yet, the most urgent (earliest deadline) first."""
        now = local_naive(now) if now is not None else self.clock()
        query = (select(Concern.id, Concern.customer_id, Customer.name, Customer.phone,
                        Concern.kind, Concern.channel, Concern.received_at, Concern.summary,
                        Concern.response_due_at)
                 .join(Customer, Customer.id == Concern.customer_id)
                 .where(Concern.responded_at.is_(None))
                 .order_by(Concern.response_due_at, Concern.received_at, Concern.id))
        if customer_id is not None:
            query = query.where(Concern.customer_id == customer_id)
        if limit is not None:
            query = query.limit(limit)
        with self.db.read() as session:
            rows = session.execute(query).all()
        return [ConcernRow(id=r[0], customer_id=r[1], customer_name=r[2], customer_phone=r[3],
                           kind=r[4], channel=r[5], received_at=r[6], summary=r[7],
                           response_due_at=r[8], time_left=r[8] - now, overdue=now > r[8])
                for r in rows]

    def waiting_count(self, now: datetime | None = None) -> tuple[int, int]:
        """(waiting, of which overdue), for badges and the tray."""
        now = local_naive(now) if now is not None else self.clock()
        query = (select(func.count(), _count_where(Concern.response_due_at < now))
                 .where(Concern.responded_at.is_(None)))
        with self.db.read() as session:
            total, overdue = session.execute(query).one()
        return int(total), int(overdue)

    def answered_in_time_by_month(self, months: int = 12, start: date | None = None,
                                  end: date | None = None,
                                  now: datetime | None = None) -> list[MonthShare]:
        """How well the one-business-day rule was kept, one entry per calendar month.

        Months: by default the `months` calendar months ending with the current one; with
        `start` (and optionally `end`, default today) every month from start's through end's,
        inclusive. Every month in the range is listed, oldest first, empty ones with zeros.

        A concern counts in the month it was *received*, whenever it was answered:
        - answered_in_time: answered, and responded_at <= response_due_at;
        - answered_late: answered after its deadline;
        - still_open_overdue: not answered, and its deadline has passed (at `now`);
        - total: every concern received that month, including those still waiting whose
          deadline has not passed yet (`pending`).
        share = answered_in_time / (answered_in_time + answered_late + still_open_overdue),
        i.e. among concerns whose outcome is settled; None when there are none.
        """
        now = local_naive(now) if now is not None else self.clock()
        if start is None:
            if months < 1:
                raise ValidationError.single("months", "Show at least one month.")
            last = _month_start(end or now.date())
            first = _add_months(last, -(months - 1))
        else:
            first = _month_start(start)
            last = _month_start(end or now.date())
            if last < first:
                raise ValidationError.single("end", "The end comes before the start.")
        after_last = _add_months(last, 1)
        start_at = datetime.combine(first, datetime.min.time())
        end_at = datetime.combine(after_last, datetime.min.time())

        answered = Concern.responded_at.is_not(None)
        month_key = func.strftime("%Y-%m", Concern.received_at)
        query = (select(
            month_key,
            _count_where(and_(answered, Concern.responded_at <= Concern.response_due_at)),
            _count_where(and_(answered, Concern.responded_at > Concern.response_due_at)),
            _count_where(and_(Concern.responded_at.is_(None), Concern.response_due_at < now)),
            func.count(Concern.id).cast(Integer))
            .where(Concern.received_at >= start_at, Concern.received_at < end_at)
            .group_by(month_key))
        with self.db.read() as session:
            found = {key: (int(a), int(b), int(c), int(d))
                     for key, a, b, c, d in session.execute(query).all()}

        result: list[MonthShare] = []
        month = first
        while month < after_last:
            in_time, late, overdue, total = found.get(f"{month:%Y-%m}", (0, 0, 0, 0))
            decided = in_time + late + overdue
            result.append(MonthShare(month=month, answered_in_time=in_time, answered_late=late,
                                     still_open_overdue=overdue, total=total,
                                     share=in_time / decided if decided else None))
            month = _add_months(month, 1)
        return result
