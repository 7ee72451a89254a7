"""Products and the feedback loop (status, "tell them" follow-ups, told) on real database files."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from smallbiz_crm.domain.kinds import FeedbackKind, FeedbackStatus
from smallbiz_crm.domain.records.customers import CustomerDraft
from smallbiz_crm.domain.records.feedback import NO_PRODUCT, FeedbackDraft, FeedbackFilter
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.feedback import FeedbackService, can_move, quote, tell_them_reason
from smallbiz_crm.services.products import ProductService
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import ClosureDay, Feedback, FollowUp

# conftest's clock: Friday 2026-11-20, 10:00. The next business day is Monday the 23rd.
NOW = datetime(2026, 11, 20, 10, 0)
TODAY = NOW.date()
MONDAY = date(2026, 11, 23)

S = FeedbackStatus


@pytest.fixture
def products(db: Database) -> ProductService:
    return ProductService(db)


@pytest.fixture
def feedback(services: Services) -> FeedbackService:
    return FeedbackService(services.db, services.clock)


def customer(services: Services, name: str) -> int:
    return services.customers.create(CustomerDraft(name=name)).id


def give(feedback: FeedbackService, customer_id: int, product_id: int | None,
         text: str = "Could it come in blue?", kind: str = FeedbackKind.IDEA.value,
         rating: int | None = None) -> int:
    return feedback.add(FeedbackDraft(customer_id=customer_id, product_id=product_id, kind=kind,
                                      text=text, rating=rating, received_on=TODAY)).id


def follow_ups(db: Database) -> list[FollowUp]:
    with db.read() as session:
        return list(session.scalars(select(FollowUp).order_by(FollowUp.id)))


def feedback_count(db: Database) -> int:
    with db.read() as session:
        return len(list(session.scalars(select(Feedback.id))))


# -- products -------------------------------------------------------------------------------


def test_products_add_rename_archive_with_counts(services: Services, products: ProductService,
                                                 feedback: FeedbackService) -> None:
    candles = products.add("  Beeswax   candles ", "hand-dipped")
    soap = products.add("Soap")
    assert (candles.name, candles.description) == ("Beeswax candles", "hand-dipped")
    ann = customer(services, "Ann")
    first = give(feedback, ann, candles.id)
    give(feedback, ann, candles.id, "Lovely smell", FeedbackKind.PRAISE.value)
    feedback.set_status([first], S.DONE.value)

    listed = {p.name: p for p in products.all()}
    assert (listed["Beeswax candles"].feedback_count, listed["Beeswax candles"].open_count) == (
        2, 1)
    assert (listed["Soap"].feedback_count, listed["Soap"].open_count) == (0, 0)

    assert products.rename(soap.id, "Olive soap").name == "Olive soap"
    products.archive(soap.id)
    assert [p.name for p in products.all(include_archived=False)] == ["Beeswax candles"]
    assert products.get(soap.id).archived
    products.archive(soap.id, archived=False)
    assert not products.get(soap.id).archived


def test_product_names_must_be_given_and_unique(products: ProductService) -> None:
    products.add("Candles")
    with pytest.raises(ValidationError) as empty:
        products.add("   ")
    assert set(empty.value.fields) == {"name"}
    with pytest.raises(ValidationError) as taken:
        products.add("CANDLES")
    assert "already a product" in taken.value.fields["name"]
    soap = products.add("Soap")
    with pytest.raises(ValidationError):
        products.rename(soap.id, "candles")
    # Renaming to its own name in other case is fine.
    assert products.rename(soap.id, "SOAP").name == "SOAP"
    assert [p.name for p in products.all()] == ["Candles", "SOAP"]
    with pytest.raises(NotFoundError):
        products.rename(999, "Other")


def test_deleting_a_product_keeps_its_feedback(services: Services, products: ProductService,
                                               feedback: FeedbackService) -> None:
    candles = products.add("Candles")
    fid = give(feedback, customer(services, "Ann"), candles.id, "Longer wicks please")
    products.delete(candles.id)
    row = feedback.get(fid)
    assert (row.product_id, row.product_name, row.text) == (None, "", "Longer wicks please")
    assert products.all() == []
    assert [r.id for r in feedback.list(FeedbackFilter(product_id=NO_PRODUCT))] == [fid]


# -- adding feedback ------------------------------------------------------------------------


def test_add_feedback_is_new_with_names(services: Services, products: ProductService,
                                        feedback: FeedbackService) -> None:
    candles = products.add("Candles")
    ann = customer(services, "Ann")
    row = feedback.add(FeedbackDraft(customer_id=ann, product_id=candles.id,
                                     kind=FeedbackKind.COMPLAINT.value,
                                     text="  Burnt unevenly  ", rating=2,
                                     received_on=date(2026, 11, 2)))
    assert (row.customer_name, row.product_name, row.kind, row.text, row.rating) == (
        "Ann", "Candles", "complaint", "Burnt unevenly", 2)
    assert (row.status, row.received_on, row.status_changed_at, row.customer_told_at) == (
        "new", date(2026, 11, 2), None, None)
    assert feedback.for_customer(ann) == [row]


def test_bad_feedback_gets_a_message_per_field_and_writes_nothing(
        services: Services, feedback: FeedbackService) -> None:
    ann = customer(services, "Ann")
    with pytest.raises(ValidationError) as bad:
        feedback.add(FeedbackDraft(customer_id=ann, product_id=999, kind="rant", text="  ",
                                   rating=9, received_on=date(2031, 1, 1)))
    assert set(bad.value.fields) == {"product", "kind", "text", "rating", "received_on"}
    assert "1 to 5" in bad.value.fields["rating"]
    with pytest.raises(ValidationError) as nobody:
        feedback.add(FeedbackDraft(customer_id=None, product_id=None, kind="idea", text="x",
                                   received_on=TODAY))
    assert set(nobody.value.fields) == {"customer"}
    with pytest.raises(ValidationError) as tomorrow:
        feedback.add(FeedbackDraft(customer_id=ann, product_id=None, kind="idea", text="x",
                                   rating=0, received_on=TODAY + timedelta(days=1)))
    assert set(tomorrow.value.fields) == {"rating", "received_on"}
    assert "future" in tomorrow.value.fields["received_on"]
    assert feedback_count(services.db) == 0


# -- the status machine ---------------------------------------------------------------------


@pytest.mark.parametrize(("current", "target", "allowed"), [
    (S.NEW, S.CONSIDERED, True), (S.NEW, S.PLANNED, True), (S.NEW, S.DONE, True),
    (S.NEW, S.DECLINED, True), (S.CONSIDERED, S.PLANNED, True), (S.PLANNED, S.DONE, True),
    (S.PLANNED, S.DECLINED, True), (S.CONSIDERED, S.NEW, False), (S.PLANNED, S.NEW, False),
    (S.PLANNED, S.CONSIDERED, False), (S.DONE, S.NEW, True), (S.DONE, S.PLANNED, True),
    (S.DECLINED, S.CONSIDERED, True), (S.DONE, S.DECLINED, True), (S.PLANNED, S.PLANNED, True),
])
def test_can_move(current: FeedbackStatus, target: FeedbackStatus, allowed: bool) -> None:
    assert can_move(current.value, target.value) is allowed


def test_set_status_moves_forward_and_records_when(services: Services,
                                                   feedback: FeedbackService) -> None:
    ann = customer(services, "Ann")
    first, second = give(feedback, ann, None), give(feedback, ann, None, "Open on Sundays")
    assert feedback.set_status([first, second], S.CONSIDERED.value) == 2
    assert feedback.set_status([first], S.PLANNED.value) == 1
    # Already there: nothing changes, not even the date.
    assert feedback.set_status([first], S.PLANNED.value) == 0
    row = feedback.get(first)
    assert (row.status, row.status_changed_at) == ("planned", NOW)


def test_set_status_refuses_going_back_all_or_nothing(services: Services,
                                                      feedback: FeedbackService) -> None:
    ann = customer(services, "Ann")
    fresh, planned = give(feedback, ann, None), give(feedback, ann, None, "Gift wrap")
    feedback.set_status([planned], S.PLANNED.value)
    with pytest.raises(ValidationError) as back:
        feedback.set_status([fresh, planned], S.CONSIDERED.value)
    assert "planned" in back.value.fields["status"]
    assert feedback.get(fresh).status == "new"
    with pytest.raises(ValidationError):
        feedback.set_status([fresh], "someday")
    with pytest.raises(NotFoundError):
        feedback.set_status([fresh, 999], S.DONE.value)
    assert feedback.get(fresh).status == "new"


def test_reopening_skips_the_open_tell_them_and_clears_the_due_date(
        services: Services, feedback: FeedbackService) -> None:
    ann = customer(services, "Ann")
    fid = give(feedback, ann, None)
    feedback.set_status([fid], S.DONE.value)
    feedback.create_tell_them([fid])
    assert services.customers.get(ann).next_follow_up_on == MONDAY

    feedback.set_status([fid], S.PLANNED.value)
    (follow_up,) = follow_ups(services.db)
    assert (follow_up.status, follow_up.outcome) == ("skipped", "Feedback reopened")
    assert services.customers.get(ann).next_follow_up_on is None
    assert feedback.owed_news() == []


# -- telling them ---------------------------------------------------------------------------


def test_create_tell_them_once_per_item_on_the_next_business_day(
        services: Services, products: ProductService, feedback: FeedbackService) -> None:
    candles = products.add("Candles")
    ann, bob, cat = (customer(services, n) for n in ("Ann", "Bob", "Cat"))
    ideas = [give(feedback, who, candles.id, "Could the candles come in a smaller size for "
                                            "travelling please")
             for who in (ann, bob)]
    untouched = give(feedback, cat, candles.id)
    feedback.set_status(ideas, S.DONE.value)

    created = feedback.create_tell_them(ideas)
    assert len(created) == 2
    rows = follow_ups(services.db)
    assert [r.id for r in rows] == created
    assert {r.customer_id for r in rows} == {ann, bob}
    for row in rows:
        # Friday today: Monday, not the weekend.
        assert (row.kind, row.source, row.status, row.due_on) == (
            "tell_them", "feedback", "open", MONDAY)
        assert row.reason == ("Tell them: Candles — “Could the candles come in a smaller "
                              "size…” is done")
        assert row.created_at == NOW
    assert {r.feedback_id for r in rows} == set(ideas)
    assert services.customers.get(ann).next_follow_up_on == MONDAY
    assert services.customers.get(cat).next_follow_up_on is None

    # Asking again (or for open feedback) makes nothing new.
    assert feedback.create_tell_them([*ideas, untouched]) == []
    assert len(follow_ups(services.db)) == 2
    assert {r.tell_them_due_on for r in feedback.owed_news()} == {MONDAY}


def test_tell_them_skips_closure_days_and_says_declined(
        services: Services, feedback: FeedbackService) -> None:
    with services.db.unit_of_work() as session:
        session.add(ClosureDay(day=MONDAY, reason="Stocktaking"))
    ann = customer(services, "Ann")
    fid = give(feedback, ann, None, "Sell lottery tickets")
    feedback.set_status([fid], S.DECLINED.value)
    feedback.create_tell_them([fid])
    (row,) = follow_ups(services.db)
    assert row.due_on == date(2026, 11, 24)
    assert row.reason == "Tell them: “Sell lottery tickets” was declined"


def test_switching_outcome_rewords_the_tell_them(services: Services,
                                                 feedback: FeedbackService) -> None:
    fid = give(feedback, customer(services, "Ann"), None, "Gift wrap")
    feedback.set_status([fid], S.DONE.value)
    feedback.create_tell_them([fid])
    feedback.set_status([fid], S.DECLINED.value)
    (row,) = follow_ups(services.db)
    assert (row.status, row.reason) == ("open", "Tell them: “Gift wrap” was declined")


def test_mark_told_empties_owed_news_and_completes_the_follow_ups(
        services: Services, products: ProductService, feedback: FeedbackService) -> None:
    candles = products.add("Candles")
    ann, bob = customer(services, "Ann"), customer(services, "Bob")
    done = give(feedback, ann, candles.id)
    declined = give(feedback, bob, candles.id, "Free candles for life")
    without_follow_up = give(feedback, bob, None, "Open later")
    still_open = give(feedback, ann, None, "Music in the shop")
    feedback.set_status([done, without_follow_up], S.DONE.value)
    feedback.set_status([declined], S.DECLINED.value)
    feedback.create_tell_them([done, declined])

    owed = feedback.owed_news()
    assert {r.id for r in owed} == {done, declined, without_follow_up}
    assert all(r.owes_news for r in owed)

    told_at = datetime(2026, 11, 20, 15, 30)
    assert feedback.mark_told([done, declined], when=told_at) == 2
    assert [r.id for r in feedback.owed_news()] == [without_follow_up]
    for row in follow_ups(services.db):
        assert (row.status, row.completed_at, row.outcome) == ("done", told_at, "Told them")
    assert feedback.get(done).customer_told_at == told_at
    assert services.customers.get(ann).next_follow_up_on is None
    assert services.customers.get(bob).next_follow_up_on is None

    feedback.mark_told([without_follow_up])
    assert feedback.owed_news() == []
    assert feedback.get(without_follow_up).customer_told_at == NOW
    # Open feedback has no news yet: refused, nothing written.
    with pytest.raises(ValidationError):
        feedback.mark_told([still_open])
    assert feedback.get(still_open).customer_told_at is None
    # Told feedback has no follow-up made again.
    assert feedback.create_tell_them([done]) == []


def test_closing_again_is_fresh_news(services: Services, feedback: FeedbackService) -> None:
    fid = give(feedback, customer(services, "Ann"), None)
    feedback.set_status([fid], S.DONE.value)
    feedback.mark_told([fid])
    feedback.set_status([fid], S.PLANNED.value)
    feedback.set_status([fid], S.DONE.value)
    assert [r.id for r in feedback.owed_news()] == [fid]


# -- lists and counts -----------------------------------------------------------------------


def test_list_filters_and_counts(services: Services, products: ProductService,
                                 feedback: FeedbackService) -> None:
    candles, soap = products.add("Candles"), products.add("Soap")
    ann, bob = customer(services, "Ann"), customer(services, "Bob")
    a = give(feedback, ann, candles.id)
    b = give(feedback, bob, candles.id, "Too smoky", FeedbackKind.COMPLAINT.value, 2)
    c = give(feedback, bob, candles.id, "Smells great", FeedbackKind.PRAISE.value, 5)
    d = give(feedback, ann, soap.id)
    e = give(feedback, ann, None, "Longer hours")
    feedback.set_status([b, c], S.DONE.value)

    def ids(**kwargs: object) -> set[int]:
        return {r.id for r in feedback.list(FeedbackFilter(**kwargs))}  # type: ignore[arg-type]

    assert ids() == {a, b, c, d, e}
    assert ids(product_id=candles.id) == {a, b, c}
    assert ids(product_id=NO_PRODUCT) == {e}
    assert ids(status="done") == {b, c}
    assert ids(kind="complaint") == {b}
    assert ids(customer_id=ann) == {a, d, e}
    assert ids(product_id=candles.id, status="new") == {a}
    (row,) = feedback.list(FeedbackFilter(kind="praise"))
    assert (row.customer_name, row.product_name, row.rating) == ("Bob", "Candles", 5)

    counts = [(c.product_name, c.status, c.count) for c in feedback.counts()]
    assert counts == [("Candles", "new", 1), ("Candles", "done", 2), ("Soap", "new", 1),
                      ("", "new", 1)]
    assert [(c.product_name, c.status, c.count)
            for c in feedback.counts(FeedbackFilter(kind="idea"))] == [
        ("Candles", "new", 1), ("Soap", "new", 1), ("", "new", 1)]


def test_delete_feedback_removes_its_open_tell_them(services: Services,
                                                    feedback: FeedbackService) -> None:
    ann = customer(services, "Ann")
    fid = give(feedback, ann, None)
    feedback.set_status([fid], S.DONE.value)
    feedback.create_tell_them([fid])
    assert feedback.delete([fid]) == 1
    assert follow_ups(services.db) == []
    assert services.customers.get(ann).next_follow_up_on is None
    with pytest.raises(NotFoundError):
        feedback.get(fid)


def test_quote_keeps_the_first_words() -> None:
    assert quote("Short idea.") == "“Short idea.”"
    assert quote("one two three four five six seven eight nine") == (
        "“one two three four five six seven eight…”")
    assert tell_them_reason("", "x", "done") == "Tell them: “x” is done"
