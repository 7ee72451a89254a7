"""Demo data: every table filled, consistent with itself, reproducible, stoppable."""

from __future__ import annotations

import hashlib
import itertools
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from smallbiz_crm.domain.kinds import (
    Channel,
    ConcernKind,
    CustomerKind,
    FeedbackStatus,
    FollowUpKind,
    FollowUpSource,
    FollowUpStatus,
    GestureKind,
    InteractionKind,
    Sentiment,
    StageChangeReason,
)
from smallbiz_crm.domain.records.customers import CustomerDraft, CustomerQuery
from smallbiz_crm.domain.records.sample_data import DemoSummary
from smallbiz_crm.domain.search import phone_search_tokens
from smallbiz_crm.domain.settings import SAMPLE_DATA, SHOP_NAME
from smallbiz_crm.domain.validation import Collector, check_email, check_phone
from smallbiz_crm.services import demo
from smallbiz_crm.services.customers import CustomerService
from smallbiz_crm.services.demo import fill_demo
from smallbiz_crm.services.settings import SettingsService
from smallbiz_crm.store.backup import integrity_problems
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import (
    Base,
    ClosureDay,
    Concern,
    Customer,
    CustomerTag,
    Feedback,
    FollowUp,
    Gesture,
    ImportBatch,
    Interaction,
    JourneyStage,
    Product,
    StageChange,
    Tag,
)
from smallbiz_crm.store.opening import open_database

TODAY = date(2026, 3, 4)  # a Wednesday
START_OF_TODAY = datetime.combine(TODAY, time.min)
END_OF_TODAY = datetime.combine(TODAY, time(23, 59, 59))
CUSTOMERS = 60


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoSummary]]:
    db = open_database(tmp_path_factory.mktemp("demo") / "demo.db")
    summary = fill_demo(db, customers=CUSTOMERS, seed=7, today=TODAY)
    yield db, summary
    db.close()


def all_of(db: Database, model: Any) -> list[Any]:
    with db.read() as session:
        return list(session.scalars(select(model)))


def column_values(db: Database, sql: str) -> list[Any]:
    with db.read() as session:
        return [row[0] for row in session.execute(text(sql))]


def digest(path: Path) -> str:
    """A fingerprint of every row of every table."""
    conn = sqlite3.connect(path)
    try:
        sha = hashlib.sha256()
        for table in Base.metadata.sorted_tables:
            count = len(table.columns)
            order = ", ".join(str(i) for i in range(1, count + 1))
            for row in conn.execute(f"SELECT * FROM {table.name} ORDER BY {order}"):
                sha.update(repr(row).encode())
        return sha.hexdigest()
    finally:
        conn.close()


def next_weekday_end(moment: datetime) -> datetime:
    day = moment.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(23, 59, 59))


# -- shape ----------------------------------------------------------------------------------


def test_every_table_has_rows(filled: tuple[Database, DemoSummary]) -> None:
    db, summary = filled
    with db.read() as session:
        empty = [table.name for table in Base.metadata.sorted_tables
                 if not session.scalar(select(func.count()).select_from(table))]
    assert empty == []
    assert summary.customers == CUSTOMERS
    assert not summary.cancelled


def test_summary_counts_what_was_written(filled: tuple[Database, DemoSummary]) -> None:
    db, summary = filled
    with db.read() as session:
        def count(model: Any) -> int:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

        assert summary.customers == count(Customer)
        assert summary.customer_tags == count(CustomerTag)
        assert summary.stage_changes == count(StageChange)
        assert summary.interactions == count(Interaction)
        assert summary.gestures == count(Gesture)
        assert summary.concerns == count(Concern)
        assert summary.follow_ups == count(FollowUp)
        assert summary.feedback == count(Feedback)
        assert summary.tags == count(Tag) == 10
        assert summary.products == count(Product) == 8
        assert 2 <= summary.closure_days == count(ClosureDay) <= 3
    # About ten interactions per customer.
    assert 6 * CUSTOMERS <= summary.interactions <= 16 * CUSTOMERS


def test_every_kind_and_status_shows_up(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    assert set(column_values(db, "SELECT DISTINCT kind FROM interaction")) == set(InteractionKind)
    assert set(column_values(db, "SELECT DISTINCT kind FROM gesture")) == set(GestureKind)
    assert set(column_values(db, "SELECT DISTINCT status FROM feedback")) == set(FeedbackStatus)
    assert set(column_values(db, "SELECT DISTINCT status FROM follow_up")) == set(FollowUpStatus)
    assert set(column_values(db, "SELECT DISTINCT kind FROM customer")) == set(CustomerKind)
    # Everything else stored is a known value.
    assert set(column_values(db, "SELECT DISTINCT kind FROM follow_up")) <= set(FollowUpKind)
    assert set(column_values(db, "SELECT DISTINCT source FROM follow_up")) <= set(FollowUpSource)
    assert set(column_values(db, "SELECT DISTINCT sentiment FROM interaction")) <= {
        *Sentiment, None}
    assert set(column_values(db, "SELECT DISTINCT kind FROM concern")) == set(ConcernKind)
    assert set(column_values(db, "SELECT DISTINCT channel FROM concern")) <= set(Channel)
    assert set(column_values(db, "SELECT DISTINCT reason FROM stage_change")) <= set(
        StageChangeReason)


def test_customers_look_real_and_pass_the_forms_checks(
        filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    customers = all_of(db, Customer)
    errors = Collector()
    with_phone = [c for c in customers if c.phone]
    assert len(with_phone) > CUSTOMERS // 2
    for customer in with_phone:
        assert re.fullmatch(r"\+1 \d{3}-555-01\d{2}", customer.phone)
        assert check_phone(customer.phone, errors, "US") == customer.phone
        assert customer.phone_digits == re.sub(r"\D", "", customer.phone)
        assert customer.phone_search == phone_search_tokens(customer.phone_digits)
    for customer in customers:
        if customer.email:
            assert check_email(customer.email, errors) == customer.email
        if not customer.phone:
            assert customer.phone_digits == customer.phone_search == ""
    assert errors.errors == {}
    names = " ".join(c.name for c in customers)
    assert re.search(r"[^\x00-\x7f]", names), "some names should carry accents or other scripts"
    assert sum(c.birthday is not None for c in customers) > CUSTOMERS // 3
    assert {"Walk-in", "Referral"} <= {c.source for c in customers}
    assert any(c.notes for c in customers)
    assert any(c.archived for c in customers)
    pursued = [c for c in customers if c.not_pursuing]
    assert pursued and all(c.not_pursuing_reason for c in pursued)
    assert 0.6 < sum(c.consent_contact for c in customers) / len(customers) < 1
    assert all(c.consent_changed_at is not None for c in customers if c.consent_contact)
    assert len({c.persona_id for c in customers}) >= 4
    assert len({c.stage_id for c in customers}) >= 5


def test_referrals_point_to_earlier_customers(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    customers = {c.id: c for c in all_of(db, Customer)}
    referred = [c for c in customers.values() if c.referred_by_id is not None]
    assert referred
    for customer in referred:
        referrer = customers[customer.referred_by_id]
        assert referrer.created_at <= customer.created_at
        assert customer.source == "Referral"


def test_birthdays_coming_up_this_week(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    soon = {(TODAY + timedelta(days=k)).strftime("%m-%d") for k in range(7)}
    coming = [c for c in all_of(db, Customer)
              if c.birthday is not None and c.birthday.strftime("%m-%d") in soon]
    assert len(coming) >= 2
    assert all(c.birthday <= TODAY for c in all_of(db, Customer) if c.birthday)


# -- consistency ----------------------------------------------------------------------------


def test_denormalised_columns_match_the_rows(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    last: dict[int, datetime] = {}
    for row in all_of(db, Interaction):
        last[row.customer_id] = max(last.get(row.customer_id, row.occurred_at), row.occurred_at)
    for row in all_of(db, Gesture):
        given = datetime.combine(row.given_on, time.min)
        last[row.customer_id] = max(last.get(row.customer_id, given), given)
    next_due: dict[int, date] = {}
    for row in all_of(db, FollowUp):
        if row.status == FollowUpStatus.OPEN:
            next_due[row.customer_id] = min(next_due.get(row.customer_id, row.due_on), row.due_on)
    for customer in all_of(db, Customer):
        assert customer.last_contact_at == last.get(customer.id), customer.id
        assert customer.next_follow_up_on == next_due.get(customer.id), customer.id
        assert customer.created_at <= customer.updated_at <= END_OF_TODAY


def test_stage_history_walks_to_the_current_stage(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    stages = {s.id: s for s in all_of(db, JourneyStage)}
    walk = sorted((s for s in stages.values() if not s.is_lapsed), key=lambda s: s.position)
    history: dict[int, list[StageChange]] = defaultdict(list)
    for change in sorted(all_of(db, StageChange), key=lambda c: (c.changed_at, c.id)):
        history[change.customer_id].append(change)
    purchases: dict[int, list[datetime]] = defaultdict(list)
    for row in all_of(db, Interaction):
        if row.kind == InteractionKind.PURCHASE:
            assert row.amount_cents is not None and row.amount_cents > 0
            purchases[row.customer_id].append(row.occurred_at)
        else:
            assert row.amount_cents is None
    for customer in all_of(db, Customer):
        changes = history[customer.id]
        first = changes[0]
        assert first.from_stage_id is None and first.to_stage_id == walk[0].id
        assert first.reason in (StageChangeReason.CREATED, StageChangeReason.IMPORT)
        assert first.changed_at == customer.created_at
        assert (first.reason == StageChangeReason.IMPORT) == (customer.import_batch_id is not None)
        for before, after in itertools.pairwise(changes):
            assert after.from_stage_id == before.to_stage_id
            assert after.from_stage_name == stages[after.from_stage_id].name
        for change in changes:
            assert change.to_stage_name == stages[change.to_stage_id].name
            assert change.changed_at <= END_OF_TODAY
            if change.reason == StageChangeReason.PURCHASE:
                assert change.changed_at in purchases[customer.id]
        assert changes[-1].to_stage_id == customer.stage_id
        stage = stages[customer.stage_id]
        if stage.id == walk[0].id:
            assert purchases[customer.id] == []
        if stage.is_lapsed:
            assert customer.last_contact_at is not None
            quiet = TODAY - customer.last_contact_at.date()
            assert quiet.days >= (stage.contact_rhythm_days or 0)


def test_import_batch_counts_its_customers(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    batches = all_of(db, ImportBatch)
    assert len(batches) == 1
    imported = [c for c in all_of(db, Customer) if c.import_batch_id == batches[0].id]
    assert imported and batches[0].row_count == len(imported)
    assert all(c.created_at == batches[0].imported_at for c in imported)


def test_nothing_is_dated_after_today(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    for row in all_of(db, Interaction):
        assert row.created_at <= END_OF_TODAY and row.occurred_at <= row.created_at
    for row in all_of(db, Gesture):
        assert row.given_on <= TODAY and row.created_at <= END_OF_TODAY
    for row in all_of(db, FollowUp):
        assert row.created_at <= END_OF_TODAY
        if row.completed_at is not None:
            assert row.created_at <= row.completed_at <= END_OF_TODAY
    for row in all_of(db, Feedback):
        assert row.received_on <= TODAY
        for moment in (row.status_changed_at, row.customer_told_at):
            assert moment is None or moment <= END_OF_TODAY
    for row in all_of(db, Concern):
        assert row.received_at <= END_OF_TODAY
        if row.responded_at is not None:
            assert row.received_at < row.responded_at <= END_OF_TODAY
        if row.resolved_at is not None:
            assert row.responded_at is not None and row.responded_at <= row.resolved_at


def test_database_is_sound(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    with db.read() as session:
        assert list(session.execute(text("PRAGMA foreign_key_check"))) == []
    db.checkpoint()
    assert integrity_problems(db.path) == []


# -- what the pages show --------------------------------------------------------------------


def test_follow_ups_for_the_today_page(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    rows = all_of(db, FollowUp)
    open_due = [r.due_on for r in rows if r.status == FollowUpStatus.OPEN]
    assert any(due < TODAY for due in open_due), "overdue"
    assert any(due == TODAY for due in open_due), "due today"
    assert any(TODAY < due <= TODAY + timedelta(days=7) for due in open_due), "this week"
    assert any(due > TODAY + timedelta(days=7) for due in open_due), "later"
    closed = [r for r in rows if r.status != FollowUpStatus.OPEN]
    assert all(r.completed_at is not None for r in closed)
    assert all(r.completed_at is None and r.outcome == "" for r in rows
               if r.status == FollowUpStatus.OPEN)
    assert any(r.outcome for r in closed if r.status == FollowUpStatus.DONE)
    interactions = {r.id: r for r in all_of(db, Interaction)}
    from_cadence = [r for r in rows if r.source == FollowUpSource.CADENCE and r.interaction_id]
    assert from_cadence
    for row in from_cadence:
        assert row.cadence_step_id is not None
        bought = interactions[row.interaction_id]
        assert bought.kind == InteractionKind.PURCHASE and bought.customer_id == row.customer_id
    quiet = {c.id for c in all_of(db, Customer) if c.archived or c.not_pursuing}
    assert not [r for r in rows if r.status == FollowUpStatus.OPEN and r.customer_id in quiet]


def test_concerns_answered_in_time_late_and_open(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    rows = all_of(db, Concern)
    for row in rows:
        # The demo's simple rule: end of the next Monday–Friday day.
        assert row.response_due_at == next_weekday_end(row.received_at)
    answered = [r for r in rows if r.responded_at is not None]
    assert any(r.responded_at <= r.response_due_at for r in answered), "in time"
    assert any(r.responded_at > r.response_due_at for r in answered), "late"
    waiting = [r for r in rows if r.responded_at is None]
    assert any(r.response_due_at < START_OF_TODAY for r in waiting), "overdue"
    assert any(r.response_due_at >= END_OF_TODAY for r in waiting), "not yet due"
    assert all(r.response_note for r in answered)


def test_gestures_and_event_batches(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    rows = all_of(db, Gesture)
    assert all(r.cost_cents >= 0 and r.occasion for r in rows)
    assert any(r.outcome for r in rows) and any(not r.outcome for r in rows)
    batches: dict[str, list[Gesture]] = defaultdict(list)
    for row in rows:
        if row.batch_key:
            batches[row.batch_key].append(row)
    assert max(len(group) for group in batches.values()) >= 20
    for group in batches.values():
        assert {r.kind for r in group} == {GestureKind.INVITATION}
        assert len({r.given_on for r in group}) == 1
        assert len({r.customer_id for r in group}) == len(group)


def test_feedback_loop_closed_and_open(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    rows = all_of(db, Feedback)
    closed = [r for r in rows if FeedbackStatus(r.status).is_closed]
    assert any(r.customer_told_at is not None for r in closed)
    assert any(r.customer_told_at is None for r in closed)
    assert all(r.status_changed_at is None for r in rows if r.status == FeedbackStatus.NEW)
    assert any(r.product_id is not None for r in rows)


def test_shared_rows_and_settings(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    settings = SettingsService(db)
    assert settings.get(SHOP_NAME) == "Corner Bookshop & Café"
    assert settings.get(SAMPLE_DATA) is True
    days = [row.day for row in all_of(db, ClosureDay)]
    assert all(day > TODAY and day.weekday() < 5 for day in days)
    assert any(p.archived for p in all_of(db, Product))


def test_search_finds_a_customer_by_part_of_the_phone(
        filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    customers = [c for c in all_of(db, Customer) if c.phone and not c.archived]
    target = customers[len(customers) // 2]
    with db.read() as session:
        every = set(session.scalars(text(
            "SELECT rowid FROM customer_fts WHERE customer_fts MATCH 'phone_search : \"5550\"*'")))
    assert every == {c.id for c in all_of(db, Customer) if c.phone}
    service = CustomerService(db)
    part = target.phone[-8:]  # "555-0142": any run of digits, typed with formatting
    found = service.list_ids(CustomerQuery(text=part))
    assert target.id in found
    digits = re.sub(r"\D", "", part)
    assert all(digits in c.phone_digits for c in all_of(db, Customer) if c.id in found)
    assert target.id in service.list_ids(CustomerQuery(text=target.name))


# -- runs -----------------------------------------------------------------------------------


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    digests = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        db = open_database(tmp_path / f"{name}.db")
        fill_demo(db, customers=40, seed=seed, today=TODAY)
        db.close()
        digests.append(digest(tmp_path / f"{name}.db"))
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]


def test_adds_to_what_is_there_without_wiping(tmp_path: Path) -> None:
    db = open_database(tmp_path / "shop.db")
    try:
        SettingsService(db).set(SHOP_NAME, "Mia's Flowers")
        clock = lambda: datetime(2026, 3, 1, 10, 0)  # noqa: E731
        own = CustomerService(db, clock).create(CustomerDraft(name="Mia's best customer",
                                                              tags=("VIP",)))
        calls: list[tuple[int, int]] = []
        first = fill_demo(db, customers=25, seed=1, today=TODAY,
                          progress=lambda done, total: calls.append((done, total)))
        second = fill_demo(db, customers=15, seed=2, today=TODAY)
        assert calls == [(25, 25)]
        assert first.tags == 9  # "VIP" was already there
        assert second.tags == second.products == second.erasure_notes == 0
        customers = CustomerService(db)
        assert customers.count() + customers.count(archived=True) == 41
        assert customers.get(own.id).name == "Mia's best customer"
        assert SettingsService(db).get(SHOP_NAME) == "Mia's Flowers"
        assert SettingsService(db).get(SAMPLE_DATA) is True
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(Tag)) == 10
            assert session.scalar(select(func.count()).select_from(Product)) == 8
            assert list(session.execute(text("PRAGMA foreign_key_check"))) == []
    finally:
        db.close()


def test_cancelling_stops_after_the_committed_chunks(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "CHUNK_SIZE", 10)
    calls: list[tuple[int, int]] = []
    db = open_database(tmp_path / "stopped.db")
    try:
        summary = fill_demo(db, customers=50, seed=1, today=TODAY,
                            progress=lambda done, total: calls.append((done, total)),
                            cancelled=lambda: len(calls) >= 2)
        assert summary.cancelled
        assert calls == [(10, 50), (20, 50)]
        assert summary.customers == 20
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(Customer)) == 20
            assert session.scalar(select(func.count()).select_from(Interaction)) == (
                summary.interactions)
            assert list(session.execute(text("PRAGMA foreign_key_check"))) == []
            batch = session.scalars(select(ImportBatch)).one()
            assert batch.row_count == session.scalar(
                select(func.count()).select_from(Customer)
                .where(Customer.import_batch_id == batch.id))
    finally:
        db.close()


def test_no_customers_still_sets_up_the_shop(tmp_path: Path) -> None:
    db = open_database(tmp_path / "empty.db")
    try:
        summary = fill_demo(db, customers=0, today=TODAY)
        assert summary.customers == 0 and summary.products == 8
        with pytest.raises(ValueError):
            fill_demo(db, customers=-1, today=TODAY)
    finally:
        db.close()


def test_kinds_cover_the_vocabularies_at_scale(tmp_path: Path) -> None:
    """A bigger run spreads over every follow-up kind and several alphabets."""
    db = open_database(tmp_path / "bigger.db")
    try:
        fill_demo(db, customers=300, seed=11, today=TODAY)
        assert set(column_values(db, "SELECT DISTINCT kind FROM follow_up")) == set(FollowUpKind)
        assert set(column_values(db, "SELECT DISTINCT channel FROM concern")) == set(Channel)
        names = " ".join(column_values(db, "SELECT name FROM customer"))
        assert re.search("[\u0370-\u03ff]", names), "Greek"
        assert re.search("[\u0400-\u04ff]", names), "Cyrillic"
        sources = Counter(column_values(db, "SELECT source FROM customer"))
        assert {"Walk-in", "Instagram", "Market stall", "Referral"} <= set(sources)
        referred = sum(1 for v in column_values(
            db, "SELECT referred_by_id FROM customer") if v is not None)
        assert 0.08 < referred / 300 < 0.25
    finally:
        db.close()
