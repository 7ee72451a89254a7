"""The gesture ledger on a real database: logging, validation, totals and what followed.

The numbers in the assertions are worked out by hand in the comments next to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft
from smallbiz_crm.domain.records.gestures import (
    Followed,
    GestureDraft,
    GestureFilter,
    KindSpend,
    KindSummary,
    MonthSpend,
    kind_plural,
)
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.customers import CustomerService
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.gestures import GestureService
from smallbiz_crm.services.interactions import InteractionService
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Gesture

NOW = datetime(2026, 11, 20, 10, 0)  # conftest's fixed "now"


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def gestures(db: Database) -> GestureService:
    return GestureService(db, fixed_clock)


def create(db: Database, name: str, when: datetime, referred_by: int | None = None) -> int:
    return CustomerService(db, lambda: when).create(
        CustomerDraft(name=name, referred_by_id=referred_by)).id


def move(db: Database, services: Services, customer_id: int, stage: str, when: datetime) -> None:
    stage_id = next(s.id for s in services.journey.stages() if s.name == stage)
    assert CustomerService(db, lambda: when).move_to_stage([customer_id], stage_id) == 1


def buy(db: Database, customer_id: int, when: datetime, cents: int) -> None:
    InteractionService(db, fixed_clock).log(InteractionDraft(
        customer_id=customer_id, kind="purchase", occurred_at=when, amount_cents=cents))


def give(gestures: GestureService, customer_ids: tuple[int, ...], kind: str, on: date,
         cents: int, description: str = "A gesture") -> list[int]:
    return [r.id for r in gestures.log(GestureDraft(
        customer_ids=customer_ids, kind=kind, given_on=on, description=description,
        cost_cents=cents))]


@dataclass
class Shop:
    ada: int
    ben: int
    cat: int
    g1: int  # Ada, gift, 2026-03-01, 10.00
    g2: int  # Ada, thank-you, 2026-05-15, 0.10
    g5: int  # Ada, thank-you, 2026-05-20, 0.20
    g3: int  # Ben, invitation, 2026-03-01, 0.20 (batch with g4)
    g4: int  # Cat, invitation, 2026-03-01, 0.20


@pytest.fixture
def shop(db: Database, services: Services, gestures: GestureService) -> Shop:
    """Three customers, five gestures and what happened around them (stages: Prospect 0,
    First purchase 1, Repeat 2, Loyal 3, Advocate 4, Lapsed)."""
    ada = create(db, "Ada Lovelace", datetime(2026, 1, 1, 9, 0))
    ben = create(db, "Ben Okafor", datetime(2026, 1, 1, 9, 0))
    # Cat's record was typed in after her invitation was given: her "created" stage row
    # (2026-03-05) falls inside the invitation's window but is not a move.
    cat = create(db, "Cat Moreau", datetime(2026, 3, 5, 9, 0))

    g1 = give(gestures, (ada,), "gift", date(2026, 3, 1), 1000)[0]
    g3, g4 = give(gestures, (ben, cat), "invitation", date(2026, 3, 1), 20)
    g2 = give(gestures, (ada,), "thank_you", date(2026, 5, 15), 10)[0]
    g5 = give(gestures, (ada,), "thank_you", date(2026, 5, 20), 20)[0]

    # Ada's purchases, in order (each purchase may move her by the purchase rule):
    buy(db, ada, datetime(2026, 3, 1, 15, 0), 500)    # gift day: Prospect → First purchase
    buy(db, ada, datetime(2026, 3, 2, 9, 0), 2000)    # First purchase → Repeat (a move up)
    buy(db, ada, datetime(2026, 5, 30, 23, 59), 3000)  # Repeat stays Repeat
    buy(db, ada, datetime(2026, 5, 31, 0, 0), 4000)
    InteractionService(db, fixed_clock).log(InteractionDraft(
        customer_id=ada, kind="call", occurred_at=datetime(2026, 3, 10, 11, 0)))
    # Ada's moves by hand:
    move(db, services, ada, "Lapsed", datetime(2026, 4, 10, 12, 0))          # never up
    move(db, services, ada, "Repeat", datetime(2026, 4, 20, 12, 0))          # back from lapsed: up
    move(db, services, ada, "First purchase", datetime(2026, 5, 1, 12, 0))   # down
    move(db, services, ada, "Loyal", datetime(2026, 6, 15, 12, 0))           # up
    # Customers Ada referred, by the day their record was created:
    create(db, "R1 same day", datetime(2026, 3, 1, 12, 0), ada)
    create(db, "R2", datetime(2026, 3, 15, 10, 0), ada)
    create(db, "R3", datetime(2026, 5, 30, 18, 0), ada)
    create(db, "R4 before", datetime(2026, 2, 20, 10, 0), ada)
    create(db, "R5", datetime(2026, 6, 1, 10, 0), ada)
    # Ben buys once: Prospect → First purchase on the same day (a move up).
    buy(db, ben, datetime(2026, 3, 20, 10, 0), 1234)
    return Shop(ada, ben, cat, g1, g2, g5, g3, g4)


# -- what followed ----------------------------------------------------------------------------

def test_what_followed_by_hand(gestures: GestureService, shop: Shop) -> None:
    followed = gestures.what_followed([shop.g1, shop.g2, shop.g3, shop.g4, shop.g5])
    # g1, given 2026-03-01, 90 days: counts 2026-03-02 … 2026-05-30 (Mar 1 + 30 = Mar 31,
    # + 30 = Apr 30, + 30 = May 30).
    #   purchases: 03-01 15:00 same day ✗, 03-02 09:00 ✓ 20.00, 05-30 23:59 ✓ 30.00,
    #              05-31 00:00 ✗ (one day past)  → 2 purchases, 20.00 + 30.00 = 50.00
    #   referrals: R1 03-01 same day ✗, R2 03-15 ✓, R3 05-30 ✓, R4 02-20 ✗, R5 06-01 ✗ → 2
    #   moves: 03-01 Prospect→First same day ✗, 03-02 First→Repeat ✓ up,
    #          04-10 Repeat→Lapsed (lapse, not up), 04-20 Lapsed→Repeat ✓ up,
    #          05-01 Repeat→First (down), 06-15 outside → 2
    assert followed[shop.g1] == Followed(purchases=2, purchase_cents=5000, referrals=2,
                                         moved_up=2)
    # g2, given 2026-05-15: counts 05-16 … 08-13 (16 + 30 + 31 + 13 = 90 days).
    #   purchases 05-30 30.00 ✓, 05-31 40.00 ✓ → 2, 70.00; referrals R3 05-30, R5 06-01 → 2;
    #   moves: 06-15 First→Loyal ✓ → 1
    assert followed[shop.g2] == Followed(2, 7000, 2, 1)
    # g5, given 2026-05-20 (05-21 … 08-18): the same purchases, referrals and move as g2.
    assert followed[shop.g5] == Followed(2, 7000, 2, 1)
    # g3 (Ben, 03-01): his 03-20 purchase of 12.34 and the move it caused.
    assert followed[shop.g3] == Followed(1, 1234, 0, 1)
    # g4 (Cat, 03-01): her record's creation on 03-05 is not a move up; nothing else.
    assert followed[shop.g4] == Followed()
    assert followed[shop.g4].is_empty


def test_a_shorter_window(gestures: GestureService, shop: Shop) -> None:
    # g1 with 10 days: 03-02 … 03-11 → the 03-02 purchase (20.00) and its move up; R2 (03-15)
    # comes too late.
    assert gestures.what_followed([shop.g1], window_days=10) == {
        shop.g1: Followed(purchases=1, purchase_cents=2000, referrals=0, moved_up=1)}
    # 1 day: only 03-02 counts.
    assert gestures.what_followed([shop.g1], window_days=1)[shop.g1] == Followed(1, 2000, 0, 1)
    # g1 with 91 days reaches 05-31: one more purchase (40.00) → 3, 90.00.
    assert gestures.what_followed([shop.g1], window_days=91)[shop.g1].purchase_cents == 9000


def test_what_followed_by_filter_matches_by_ids(gestures: GestureService, shop: Shop) -> None:
    by_filter = gestures.what_followed(GestureFilter(customer_id=shop.ada))
    assert set(by_filter) == {shop.g1, shop.g2, shop.g5}
    assert by_filter == gestures.what_followed([shop.g1, shop.g2, shop.g5])
    assert gestures.what_followed([]) == {}
    assert gestures.what_followed(GestureFilter(text="nobody-like-this")) == {}


def test_window_must_be_sensible(gestures: GestureService, shop: Shop) -> None:
    with pytest.raises(ValidationError) as caught:
        gestures.what_followed([shop.g1], window_days=0)
    assert "window_days" in caught.value.fields


def test_followed_by_kind_counts_each_event_once(gestures: GestureService, shop: Shop) -> None:
    summaries = gestures.followed_by_kind(GestureFilter())
    # In GestureKind order (freebie, invitation, gift, thank_you, …), only kinds given.
    assert [s.kind for s in summaries] == ["invitation", "gift", "thank_you"]
    by_kind = {s.kind: s for s in summaries}
    # Invitations: g3 + g4 = 2 given, 0.20 + 0.20 = 0.40; Ben's 12.34 purchase and his move.
    assert by_kind["invitation"] == KindSummary("invitation", 2, 40, 1, 1234, 0, 1)
    # Gift: g1 alone, as in test_what_followed_by_hand.
    assert by_kind["gift"] == KindSummary("gift", 1, 1000, 2, 5000, 2, 2)
    # Thank-you notes: g2 + g5 = 2 given, 0.10 + 0.20 = 0.30 exactly. Both windows hold the
    # same 30.00 and 40.00 purchases, R3 and R5, and the 06-15 move: counted once per kind,
    # so 2 purchases worth 70.00 (not 4 worth 140.00), 2 referrals, 1 move.
    assert by_kind["thank_you"] == KindSummary("thank_you", 2, 30, 2, 7000, 2, 1)
    assert by_kind["invitation"].describe() == (
        "Invitations: 2 given, cost 0.40, followed by 1 purchase worth 12.34 and 1 move up "
        "the journey")
    assert by_kind["thank_you"].describe() == (
        "Thank-you notes: 2 given, cost 0.30, followed by 2 purchases worth 70.00, "
        "2 referrals and 1 move up the journey")
    # With a filter: only Ada's gestures from May on → just the thank-you notes.
    may = gestures.followed_by_kind(GestureFilter(customer_id=shop.ada,
                                                  date_from=date(2026, 5, 1)))
    assert may == [by_kind["thank_you"]]


def test_describe_wording() -> None:
    assert KindSummary("invitation", 14, 42000, 9, 315000, 3, 0).describe() == (
        "Invitations: 14 given, cost 420.00, followed by 9 purchases worth 3,150.00 and "
        "3 referrals")
    assert KindSummary("gift", 1, 500, 0, 0, 0, 0).describe() == (
        "Gifts: 1 given, cost 5.00, nothing followed yet")
    assert KindSummary("gift", 2, 0, 0, 0, 1, 0).describe() == (
        "Gifts: 2 given, cost 0.00, followed by 1 referral")
    assert Followed(2, 15000, 1, 0).summary() == "2 purchases · 150.00 · 1 referral"
    assert Followed(0, 0, 0, 2).summary() == "moved up 2 stages"
    assert Followed().summary() == ""
    assert kind_plural("thank_you") == "Thank-you notes"
    assert kind_plural("mystery_box") == "Mystery box"


# -- totals and the list ----------------------------------------------------------------------

def test_totals_per_month_and_kind_are_exact(gestures: GestureService, shop: Shop) -> None:
    totals = gestures.totals(GestureFilter())
    # March: g1 10.00 + g3 0.20 + g4 0.20 = 10.40 (3 given); May: g2 0.10 + g5 0.20 = 0.30.
    assert totals.by_month == (MonthSpend(date(2026, 3, 1), 3, 1040),
                               MonthSpend(date(2026, 5, 1), 2, 30))
    assert totals.by_kind == (KindSpend("invitation", 2, 40), KindSpend("gift", 1, 1000),
                              KindSpend("thank_you", 2, 30))
    # 10.40 + 0.30 = 10.70 over 5 gestures. (In floats 0.1 + 0.2 is 0.30000000000000004.)
    assert (totals.given, totals.cost_cents) == (5, 1070)
    may = gestures.totals(GestureFilter(date_from=date(2026, 5, 1), date_to=date(2026, 5, 31)))
    assert (may.given, may.cost_cents) == (2, 30)
    assert gestures.totals(GestureFilter(text="zzzz-nobody")).given == 0


def test_list_filters(gestures: GestureService, shop: Shop) -> None:
    everything = gestures.list(GestureFilter())
    # Newest first; ties (the 03-01 gestures) newest id first.
    assert [r.id for r in everything] == [shop.g5, shop.g2, shop.g4, shop.g3, shop.g1]
    assert everything[0].customer_name == "Ada Lovelace"
    assert everything[0].given_on == date(2026, 5, 20)
    assert gestures.count(GestureFilter()) == 5

    def ids(**kwargs: object) -> set[int]:
        return {r.id for r in gestures.list(GestureFilter(**kwargs))}  # type: ignore[arg-type]

    assert ids(kind="thank_you") == {shop.g2, shop.g5}
    assert ids(date_from=date(2026, 5, 15), date_to=date(2026, 5, 15)) == {shop.g2}
    assert ids(customer_id=shop.ada) == {shop.g1, shop.g2, shop.g5}
    # Current stages: Ada Loyal (06-15), Ben First purchase, Cat Prospect.
    first = next(sid for sid, name in gestures_stages(gestures) if name == "First purchase")
    assert ids(stage_id=first) == {shop.g3}
    assert ids(text="moreau") == {shop.g4}
    assert ids(text="   ") == {shop.g1, shop.g2, shop.g3, shop.g4, shop.g5}
    assert [r.id for r in gestures.list(GestureFilter(), limit=2, offset=1)] == [shop.g2,
                                                                                  shop.g4]


def gestures_stages(gestures: GestureService) -> list[tuple[int, str]]:
    from smallbiz_crm.services.journey import JourneyService

    return [(s.id, s.name) for s in JourneyService(gestures.db).stages()]


# -- logging, validation, editing -------------------------------------------------------------

def test_log_for_several_customers_is_one_batch(db: Database, gestures: GestureService) -> None:
    ids = [create(db, name, datetime(2026, 1, 5)) for name in ("A", "B", "C")]
    records = gestures.log(GestureDraft(
        customer_ids=tuple(ids), kind="invitation", given_on=date(2026, 11, 1),
        description="  Invited to the autumn reading  ", cost_cents=250,
        occasion="Autumn   reading"))
    assert [r.customer_id for r in records] == ids
    assert len({r.batch_key for r in records}) == 1 and records[0].batch_key
    assert records[0].description == "Invited to the autumn reading"
    assert records[0].occasion == "Autumn reading"
    single = gestures.log(GestureDraft(customer_ids=(ids[0],), kind="gift",
                                       given_on=date(2026, 11, 2), description="Book token"))
    assert single[0].batch_key is None and single[0].cost_cents == 0
    gesture_list, total = gestures.for_customer(ids[0])
    assert [g.kind for g in gesture_list] == ["gift", "invitation"]
    assert total == 250
    # Each gesture is contact: the customers' losing-touch clocks start again.
    customers = CustomerService(db, fixed_clock)
    assert customers.get(ids[1]).last_contact_at == datetime(2026, 11, 1)
    assert customers.get(ids[0]).last_contact_at == datetime(2026, 11, 2)
    assert gestures.recent_occasions() == ["Autumn reading"]


def test_bad_input_names_each_field_and_writes_nothing(db: Database,
                                                       gestures: GestureService) -> None:
    cid = create(db, "Dora", datetime(2026, 1, 5))
    with pytest.raises(ValidationError) as caught:
        gestures.log(GestureDraft(customer_ids=(), kind="bribe", given_on=date(2099, 1, 1),
                                  description="   ", cost_cents=-100, occasion="x" * 201))
    assert set(caught.value.fields) == {"customer_ids", "kind", "given_on", "description",
                                        "cost", "occasion"}
    assert "negative" in caught.value.fields["cost"]
    assert "year ahead" in caught.value.fields["given_on"]
    with pytest.raises(ValidationError) as caught:
        gestures.log(GestureDraft(customer_ids=(cid,), kind="gift", given_on=date(1899, 12, 31),
                                  description="Old"))
    assert "1900" in caught.value.fields["given_on"]
    with pytest.raises(ValidationError) as caught:
        gestures.log(GestureDraft(customer_ids=(cid,), kind="gift", given_on=None,
                                  description="No date"))
    assert set(caught.value.fields) == {"given_on"}
    # One customer gone: the whole batch is refused, the other gets nothing either.
    with pytest.raises(ValidationError) as caught:
        gestures.log(GestureDraft(customer_ids=(cid, 999_999), kind="gift",
                                  given_on=date(2026, 11, 1), description="Token"))
    assert "no longer exists" in caught.value.fields["customer_ids"]
    with db.read() as session:
        assert session.query(Gesture).count() == 0
    assert CustomerService(db, fixed_clock).get(cid).last_contact_at is None
    # A year ahead is still fine (a gesture planned for next month); a year and more is not.
    gestures.log(GestureDraft(customer_ids=(cid,), kind="gift", given_on=date(2027, 11, 20),
                              description="Planned"))


def test_outcome_update_and_delete(db: Database, gestures: GestureService) -> None:
    cid = create(db, "Eve", datetime(2026, 1, 5))
    other = create(db, "Finn", datetime(2026, 1, 5))
    first, second = (gestures.log(GestureDraft(
        customer_ids=(cid,), kind=kind, given_on=day, description="Something"))[0]
        for kind, day in (("gift", date(2026, 6, 1)), ("upgrade", date(2026, 9, 1))))
    customers = CustomerService(db, fixed_clock)
    assert customers.get(cid).last_contact_at == datetime(2026, 9, 1)

    assert gestures.set_outcome(first.id, "  Loved it  ").outcome == "Loved it"
    assert gestures.set_outcomes([first.id, second.id], "Came back") == 2
    assert gestures.get(second.id).outcome == "Came back"
    with pytest.raises(NotFoundError):
        gestures.set_outcomes([first.id, 424242], "x")
    assert gestures.get(first.id).outcome == "Came back"  # all or nothing

    # Moving the later gesture earlier makes the last contact earlier too.
    edited = gestures.update(second.id, GestureDraft(
        customer_ids=(), kind="upgrade", given_on=date(2026, 5, 1), description="Hardback",
        cost_cents=1500, occasion="Birthday", outcome="Delighted"),
        expected_version=gestures.get(second.id).version)
    assert (edited.given_on, edited.cost_cents, edited.outcome) == (
        date(2026, 5, 1), 1500, "Delighted")
    assert customers.get(cid).last_contact_at == datetime(2026, 6, 1)
    with pytest.raises(ValidationError) as caught:
        gestures.update(second.id, GestureDraft(customer_ids=(), kind="upgrade",
                                                given_on=date(2026, 5, 1), description="x",
                                                cost_cents=-1))
    assert set(caught.value.fields) == {"cost"}
    # Moved to another customer: both clocks follow.
    gestures.update(first.id, GestureDraft(customer_ids=(other,), kind="gift",
                                           given_on=date(2026, 6, 1), description="Moved"))
    assert customers.get(other).last_contact_at == datetime(2026, 6, 1)
    assert customers.get(cid).last_contact_at == datetime(2026, 5, 1)

    gestures.delete(second.id)
    assert gestures.for_customer(cid) == ([], 0)
    assert customers.get(cid).last_contact_at is None
    with pytest.raises(NotFoundError):
        gestures.delete(second.id)
