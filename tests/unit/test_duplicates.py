"""Finding duplicate customers and merging them without losing a single row of history."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft
from smallbiz_crm.domain.records.duplicates import (
    REASON_EMAIL,
    REASON_NAME,
    REASON_PHONE,
    DuplicatePair,
)
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.duplicates import DuplicateService, _owned_tables, normalise_name
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.models import (
    Concern,
    Customer,
    CustomerTag,
    Feedback,
    FollowUp,
    Gesture,
    Interaction,
    JourneyStage,
    StageChange,
)

# conftest's fixed clock: every test sees this "now".
FIXED_NOW = datetime(2026, 11, 20, 10, 0)
HISTORY_TABLES = (Interaction, Gesture, FollowUp, Concern, Feedback, StageChange, CustomerTag)


@pytest.fixture
def dupes(services: Services) -> DuplicateService:
    return DuplicateService(services.db, services.clock)


def add(services: Services, name: str, **fields: object) -> int:
    return services.customers.create(CustomerDraft(name=name, **fields)).id  # type: ignore[arg-type]


def stage_id(services: Services, name: str) -> int:
    return next(s.id for s in services.journey.stages() if s.name == name)


def pair_of(pairs: list[DuplicatePair], a: int, b: int) -> DuplicatePair | None:
    return next((p for p in pairs if p.ids == frozenset((a, b))), None)


def database_problems(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        problems = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")
                    if row[0] != "ok"]
        problems += [f"foreign key: {row}" for row in conn.execute("PRAGMA foreign_key_check")]
        try:
            conn.execute(
                "INSERT INTO customer_fts(customer_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            problems.append(f"search index: {exc}")
        conn.rollback()
    finally:
        conn.close()
    return problems


# -- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("José Müller", "jose muller"),
    ("  Jose   MULLER ", "jose muller"),
    ("Smith, Ann", "ann smith"),
    ("Ann Smith", "ann smith"),
    ("Straße", "strasse"),
    ("O'Brien-Ñúñez", "brien nunez o"),
    ("", ""),
])
def test_normalise_name(name: str, expected: str) -> None:
    assert normalise_name(name) == expected


# -- finding -------------------------------------------------------------------------------


def test_find_pairs_finds_the_expected_pairs_and_nothing_else(
        services: Services, dupes: DuplicateService) -> None:
    email_a = add(services, "Ann Lee", email="Ann.Lee@Example.com")
    email_b = add(services, "A. Lee-Smith", email="ann.lee@example.com")
    phone_a = add(services, "Bob Carter", phone="(555) 201-4567")
    phone_b = add(services, "Robert Carterton", phone="+1 555.201.4567")
    accent_a = add(services, "José Müller")
    accent_b = add(services, "Jose Muller")
    order_a = add(services, "Smith, Ann")
    order_b = add(services, "Ann Smith")
    typo_a = add(services, "Katherine Johnson")
    typo_b = add(services, "Katharine Johnson")
    # Not duplicates: different people, empty fields, archived records, short numbers.
    add(services, "Jane Smith")
    add(services, "John Smith")
    add(services, "Anna Smithson")
    add(services, "Carol White", email="")
    add(services, "Dan Black", email="")
    archived = add(services, "Ann Lee Archive", email="ann.lee@EXAMPLE.com")
    services.customers.archive([archived])
    with services.db.unit_of_work() as session:
        session.execute(update(Customer).where(Customer.name.in_(["Carol White", "Dan Black"]))
                        .values(phone="12-345", phone_digits="12345"))

    pairs = dupes.find_pairs()

    expected = {
        frozenset((email_a, email_b)): REASON_EMAIL,
        frozenset((phone_a, phone_b)): REASON_PHONE,
        frozenset((accent_a, accent_b)): REASON_NAME,
        frozenset((order_a, order_b)): REASON_NAME,
        frozenset((typo_a, typo_b)): REASON_NAME,
    }
    assert {p.ids: p.reason for p in pairs} == expected
    for pair in pairs:
        assert pair.left_id < pair.right_id
        assert 0 < pair.score <= 1
    phone = pair_of(pairs, phone_a, phone_b)
    assert phone is not None and phone.left_name == "Bob Carter"
    assert phone.left_phone and phone.right_phone
    email = pair_of(pairs, email_a, email_b)
    assert email is not None and email.left_email == "Ann.Lee@example.com"
    # Surest first: an email beats a phone beats an exact name beats a near one.
    assert [p.reason for p in pairs][:2] == [REASON_EMAIL, REASON_PHONE]
    typo = pair_of(pairs, typo_a, typo_b)
    exact = pair_of(pairs, accent_a, accent_b)
    assert typo is not None and exact is not None and typo.score < exact.score
    assert pairs.index(exact) < pairs.index(typo)


def test_a_pair_matching_on_several_things_is_listed_once_with_the_strongest_reason(
        services: Services, dupes: DuplicateService) -> None:
    a = add(services, "Mia Wong", email="mia@example.com", phone="555 300 1000")
    b = add(services, "Mia Wong", email="MIA@example.com", phone="555-300-1000")
    pairs = dupes.find_pairs()
    assert len(pairs) == 1
    assert pairs[0].ids == {a, b} and pairs[0].reason == REASON_EMAIL


def test_a_group_sharing_an_email_is_paired_with_its_oldest_member(
        services: Services, dupes: DuplicateService) -> None:
    ids = [add(services, name, email="family@example.com")
           for name in ("Tom Ray", "Una Ray", "Vic Ray", "Wes Ray")]
    pairs = dupes.find_pairs()
    assert {p.ids for p in pairs} == {frozenset((ids[0], other)) for other in ids[1:]}


def test_limit_and_cancel(services: Services, dupes: DuplicateService) -> None:
    for n, name in enumerate(("Abe", "Bea", "Cy", "Di", "Ed", "Flo")):
        add(services, f"{name} Twin", email=f"twin{n}@example.com")
        add(services, f"{name} Copy", email=f"TWIN{n}@example.com")
    assert len(dupes.find_pairs()) == 6
    assert len(dupes.find_pairs(limit=4)) == 4
    assert dupes.find_pairs(cancelled=lambda: True) == []


def test_pairs_the_owner_told_apart_are_never_returned(services: Services,
                                                       dupes: DuplicateService) -> None:
    ids = [add(services, "John Smith") for _ in range(3)]
    near = add(services, "Jon Smith")
    pairs = dupes.find_pairs()
    assert {p.ids for p in pairs} == {frozenset((ids[0], other))
                                      for other in (ids[1], ids[2], near)}
    told_apart = [frozenset((ids[0], ids[1])), frozenset((ids[0], near))]
    pairs = dupes.find_pairs(ignore=told_apart)
    # Each is paired with the oldest not told apart from it instead.
    assert {p.ids for p in pairs} == {frozenset((ids[0], ids[2])), frozenset((ids[1], near))}
    assert not {p.ids for p in pairs} & set(told_apart)


def test_find_pairs_on_an_empty_database(dupes: DuplicateService) -> None:
    assert dupes.find_pairs() == []


def test_a_huge_block_of_one_common_name_stays_fast(services: Services,
                                                   dupes: DuplicateService) -> None:
    # 3,000 different first names all with the same surname and initial share one block.
    with services.db.unit_of_work() as session:
        stage = session.scalar(select(JourneyStage.id).order_by(JourneyStage.position))
        session.execute(insert(Customer), [
            {"name": f"Smith Sa{n:05d}x", "stage_id": stage, "created_at": FIXED_NOW,
             "updated_at": FIXED_NOW} for n in range(3000)])
    pairs = dupes.find_pairs(limit=10_000)
    # Neighbours in sorted order are still compared: 'sa00001x' and 'sa00002x' are similar.
    assert pairs and all(p.reason == REASON_NAME for p in pairs)


# -- merging -------------------------------------------------------------------------------


def count_rows(services: Services, model: Any, customer_id: int) -> int:
    with services.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)
                                  .where(model.customer_id == customer_id)) or 0)


def give_history(services: Services, customer_id: int, tags: tuple[str, ...], days: int,
                 open_due: date, done_due: date) -> None:
    """Two interactions and one each of everything else, dated `days` before now."""
    when = FIXED_NOW - timedelta(days=days)
    for kind in ("call", "visit"):
        services.interactions.log(InteractionDraft(customer_id=customer_id, kind=kind,
                                                   occurred_at=when, summary=kind))
    services.customers.add_tag([customer_id], tags[0])
    for tag in tags[1:]:
        services.customers.add_tag([customer_id], tag)
    with services.db.unit_of_work() as session:
        session.add_all([
            Gesture(customer_id=customer_id, kind="gift", given_on=when.date(),
                    created_at=when),
            Concern(customer_id=customer_id, received_at=when, response_due_at=when,
                    summary="question"),
            Feedback(customer_id=customer_id, kind="idea", text="more colours",
                     received_on=when.date()),
            FollowUp(customer_id=customer_id, due_on=open_due, created_at=when),
            FollowUp(customer_id=customer_id, due_on=done_due, status="done",
                     completed_at=when, created_at=when),
        ])
        session.execute(update(Customer).where(Customer.id == customer_id)
                        .values(next_follow_up_on=open_due))


def test_merge_keeps_every_row_of_history_of_both(services: Services,
                                                 dupes: DuplicateService) -> None:
    referrer = add(services, "Rita Referrer")
    keep = add(services, "Ann Smith", notes="Likes blue.", birthday=date(1980, 5, 1),
               stage_id=stage_id(services, "First purchase"))
    remove = add(services, "Smith, Ann", email="ann@example.com", phone="(555) 201-9876",
                 company="Smith & Co", address="1 High Street", source="fair",
                 birthday=date(1979, 1, 1), notes="Prefers mornings.",
                 referred_by_id=referrer, persona_id=services.personas.all()[0].id,
                 stage_id=stage_id(services, "Loyal"), consent_contact=True)
    friend = add(services, "Fred Friend", referred_by_id=remove)
    give_history(services, keep, ("vip", "wholesale"), days=30, open_due=date(2026, 12, 10),
                 done_due=date(2026, 11, 1))
    give_history(services, remove, ("VIP", "newsletter"), days=3,
                 open_due=date(2026, 12, 1), done_due=date(2026, 10, 1))
    before = {model: count_rows(services, model, keep) + count_rows(services, model, remove)
              for model in HISTORY_TABLES}
    total_before = {model: count_rows_all(services, model) for model in HISTORY_TABLES}

    merged = dupes.merge(keep, remove)

    after = {model: count_rows(services, model, keep) for model in HISTORY_TABLES}
    # Every row moved; the tag both had ("vip") counts once; one more history entry: the
    # stage move the merge made.
    before[CustomerTag] -= 1
    before[StageChange] += 1
    assert after == before
    assert count_rows_all(services, Interaction) == total_before[Interaction]
    for model in HISTORY_TABLES:
        assert count_rows(services, model, remove) == 0
    assert merged.tags == ("newsletter", "vip", "wholesale")

    # The kept one's own details win; only its gaps are filled.
    assert merged.id == keep and merged.name == "Ann Smith"
    assert merged.birthday == date(1980, 5, 1)
    assert merged.email == "ann@example.com" and merged.company == "Smith & Co"
    assert merged.address == "1 High Street" and merged.source == "fair"
    assert merged.phone == services.customers.get(keep).phone != ""
    assert merged.persona_id is not None and merged.persona_name
    assert merged.referred_by_id == referrer and merged.referred_by_name == "Rita Referrer"
    assert merged.notes == "Likes blue.\n\nPrefers mornings."
    assert merged.consent_contact is True
    # The later stage wins, with a dated "merge" entry in the history.
    assert merged.stage_name == "Loyal"
    history = services.journey.history(keep)
    assert history[0].reason == "merge" and history[0].changed_at == FIXED_NOW
    assert history[0].from_stage_name == "First purchase"
    assert {h.reason for h in history} >= {"created", "merge"}
    # Denormalised columns: latest contact of both, earliest open follow-up of both.
    assert merged.last_contact_at == FIXED_NOW - timedelta(days=3)
    assert merged.next_follow_up_on == date(2026, 12, 1)
    with services.db.read() as session:
        row = session.get(Customer, keep)
        assert row is not None
        assert row.phone_digits == "15552019876"
        assert row.phone_search.split()[0] == "15552019876"
        assert "9876" in row.phone_search.split()
    # Referrals now point at the kept customer; the removed one is gone everywhere.
    assert services.customers.get(friend).referred_by_id == keep
    with pytest.raises(NotFoundError):
        services.customers.get(remove)
    assert [r.id for r in services.customers.search("9876")] == [keep]
    assert [r.id for r in services.customers.search("mornings")] == [keep]
    assert database_problems(services.db.path) == []


def count_rows_all(services: Services, model: Any) -> int:
    with services.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_merge_into_a_later_stage_keeps_it_and_a_lapsed_stage_never_wins(
        services: Services, dupes: DuplicateService) -> None:
    keep = add(services, "Kim Lo", stage_id=stage_id(services, "Repeat"))
    lapsed = add(services, "Kim Lo", stage_id=stage_id(services, "Lapsed"))
    earlier = add(services, "Kim Lo", stage_id=stage_id(services, "Prospect"))
    entries = len(services.journey.history(keep))
    assert dupes.merge(keep, lapsed).stage_name == "Repeat"
    assert dupes.merge(keep, earlier).stage_name == "Repeat"
    history = services.journey.history(keep)
    assert len(history) == entries + 2  # the two moved "created" entries, no merge move
    assert "merge" not in {h.reason for h in history}


def test_merge_when_the_kept_one_was_referred_by_the_removed_one(
        services: Services, dupes: DuplicateService) -> None:
    remove = add(services, "Old Record")
    keep = add(services, "New Record", referred_by_id=remove)
    merged = dupes.merge(keep, remove)
    assert merged.referred_by_id is None  # never a referral by oneself

    grand = add(services, "Grand Referrer")
    remove2 = add(services, "Old Two", referred_by_id=grand)
    keep2 = add(services, "New Two", referred_by_id=remove2)
    assert dupes.merge(keep2, remove2).referred_by_id == grand

    remove3 = add(services, "Old Three")
    keep3 = add(services, "New Three")
    with services.db.unit_of_work() as session:
        session.execute(update(Customer).where(Customer.id == remove3)
                        .values(referred_by_id=keep3))
    assert dupes.merge(keep3, remove3).referred_by_id is None
    assert database_problems(services.db.path) == []


def test_merge_keeps_the_kept_ones_own_notes_and_contact(services: Services,
                                                        dupes: DuplicateService) -> None:
    keep = add(services, "Pat Doe", email="pat@example.com", phone="555 111 2222",
               notes="Same note.")
    remove = add(services, "Pat Doe", email="other@example.com", phone="555 999 8888",
                 notes="Same note.")
    merged = dupes.merge(keep, remove)
    assert merged.email == "pat@example.com"
    assert merged.phone == services.customers.get(keep).phone
    assert "1112222" in merged.phone.replace("-", "").replace(" ", "")
    assert merged.notes == "Same note."
    assert [r.id for r in services.customers.search("other@example.com")] == []


def test_merge_refuses_self_and_missing(services: Services, dupes: DuplicateService) -> None:
    keep = add(services, "Lee Park")
    with pytest.raises(ValidationError) as error:
        dupes.merge(keep, keep)
    assert "itself" in str(error.value)
    with pytest.raises(NotFoundError) as missing:
        dupes.merge(keep, 9999)
    assert "9999" in str(missing.value)
    with pytest.raises(NotFoundError):
        dupes.merge(9999, keep)
    assert services.customers.get(keep).name == "Lee Park"


def test_merge_rolls_back_entirely_on_failure(services: Services,
                                              dupes: DuplicateService) -> None:
    keep = add(services, "Roll Back")
    remove = add(services, "Roll Back", email="rb@example.com", stage_id=stage_id(
        services, "Loyal"))
    services.interactions.log(InteractionDraft(customer_id=remove, kind="call",
                                               occurred_at=FIXED_NOW))
    # The last step of a merge deletes the removed customer: make the database refuse it.
    with services.db.unit_of_work() as session:
        session.execute(text("CREATE TRIGGER refuse_delete BEFORE DELETE ON customer "
                             "BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
    with pytest.raises(DBAPIError, match="disk full"):
        dupes.merge(keep, remove)
    assert services.customers.get(remove).email == "rb@example.com"
    kept = services.customers.get(keep)
    assert (kept.email, kept.stage_name, kept.last_contact_at) == ("", "Prospect", None)
    assert count_rows(services, Interaction, remove) == 1
    assert count_rows(services, StageChange, keep) == 1


def test_history_counts(services: Services, dupes: DuplicateService) -> None:
    cid = add(services, "Counted")
    give_history(services, cid, ("a", "b"), days=1, open_due=date(2026, 12, 1),
                 done_due=date(2026, 11, 1))
    counts = dupes.history_counts(cid)
    assert (counts.interactions, counts.gestures, counts.follow_ups, counts.concerns,
            counts.feedback, counts.stage_changes, counts.tags, counts.referrals) == (
        2, 1, 2, 1, 1, 1, 2, 0)
    with pytest.raises(NotFoundError):
        dupes.history_counts(9999)


def test_every_table_that_belongs_to_a_customer_is_moved() -> None:
    names = {(table.name, column) for table, column in _owned_tables()}
    assert names == {("interaction", "customer_id"), ("gesture", "customer_id"),
                     ("follow_up", "customer_id"), ("concern", "customer_id"),
                     ("feedback", "customer_id"), ("stage_change", "customer_id")}
