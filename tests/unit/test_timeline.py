"""The customer timeline (every source mixed, newest first, limited) and the profile bundle."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft, TimelineEntry
from smallbiz_crm.domain.records.timeline import CustomerLink
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.timeline import TimelineService
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Concern, Feedback, FollowUp, Gesture, Interaction, Product

# The conftest's fixed "now" (a Friday morning), which the `services` fixture's clock returns.
FIXED_NOW = datetime(2026, 11, 20, 10, 0)


@pytest.fixture
def timeline(services: Services) -> TimelineService:
    assert services.clock() == FIXED_NOW
    return TimelineService(services.db, services.clock)


def make_customer(services: Services, name: str = "Margaret Oduya", **fields: object) -> int:
    return services.customers.create(CustomerDraft(name=name, **fields)).id  # type: ignore[arg-type]


def log(services: Services, customer_id: int, kind: str, when: datetime, summary: str = "",
        sentiment: str | None = None, amount_cents: int | None = None) -> None:
    services.interactions.log(InteractionDraft(
        customer_id=customer_id, kind=kind, occurred_at=when, summary=summary,
        sentiment=sentiment, amount_cents=amount_cents))


def add_everything_else(db: Database, customer_id: int) -> None:
    """One row of each source without a service of its own yet, at known dates."""
    with db.unit_of_work() as session:
        product = Product(name="Glazed platter")
        session.add(product)
        session.flush()
        session.add_all([
            Gesture(customer_id=customer_id, kind="thank_you", given_on=date(2026, 3, 10),
                    description="Hand-written card", cost_cents=350, occasion="First purchase",
                    outcome="Posted a photo", created_at=FIXED_NOW),
            Gesture(customer_id=customer_id, kind="gift", given_on=date(2026, 10, 20),
                    description="Bud vase", cost_cents=6000, created_at=FIXED_NOW),
            # Waiting, and past its deadline at FIXED_NOW.
            Concern(customer_id=customer_id, kind="complaint", channel="phone",
                    received_at=datetime(2026, 11, 18, 16, 0), summary="Cracked mug",
                    response_due_at=datetime(2026, 11, 19, 17, 0)),
            # Answered in time.
            Concern(customer_id=customer_id, kind="question", channel="email",
                    received_at=datetime(2026, 11, 2, 10, 15), summary="Twelve plates?",
                    response_due_at=datetime(2026, 11, 3, 17, 0),
                    responded_at=datetime(2026, 11, 3, 9, 30), response_note="Quoted 6 weeks"),
            FollowUp(customer_id=customer_id, due_on=date(2026, 11, 24), kind="call",
                     reason="Confirm the order", created_at=FIXED_NOW),
            FollowUp(customer_id=customer_id, due_on=date(2026, 6, 4), kind="thank_you",
                     reason="Thank her", status="done", completed_at=datetime(2026, 6, 4, 17),
                     outcome="Left a voicemail", created_at=FIXED_NOW),
            Feedback(customer_id=customer_id, product_id=product.id, kind="idea",
                     text="A matte finish, please", status="done", received_on=date(2026, 7, 2),
                     customer_told_at=datetime(2026, 8, 1, 12)),
        ])


def by_kind(entries: list[TimelineEntry], kind: str) -> list[TimelineEntry]:
    return [e for e in entries if e.kind == kind]


def test_timeline_mixes_every_source_newest_first(services: Services, db: Database,
                                                  timeline: TimelineService) -> None:
    cid = make_customer(services)
    log(services, cid, "visit", datetime(2026, 3, 2, 11), "Looked at bowls", "happy")
    log(services, cid, "purchase", datetime(2026, 3, 9, 15, 30), "Two bowls", "delighted", 8450)
    log(services, cid, "call", datetime(2026, 4, 14, 18), "Care questions")
    add_everything_else(db, cid)

    entries = timeline.for_customer(cid)

    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    kinds = {e.kind for e in entries}
    assert kinds == {"interaction:visit", "interaction:purchase", "interaction:call", "gesture",
                     "stage", "concern", "follow_up", "feedback"}
    # 3 interactions, 2 stage changes, 2 gestures, 2 concerns, 2 follow-ups, 1 feedback.
    assert len(entries) == 12

    # The open follow-up (due next week) is the newest; the first visit the oldest.
    assert entries[0].kind == "follow_up"
    assert "Confirm the order" in entries[0].detail
    assert "Due 2026-11-24" in entries[0].detail
    assert entries[-1].kind == "interaction:visit"

    purchase, = by_kind(entries, "interaction:purchase")
    assert purchase.title == "Purchase · 84.50"
    assert purchase.detail == "Two bowls · Felt delighted"
    # The stage move the purchase caused shares its moment and reads as what followed it.
    moved = next(e for e in entries if e.title == "Moved from Prospect to First purchase")
    assert moved.when == purchase.when
    assert entries.index(moved) == entries.index(purchase) - 1
    assert moved.detail == "After a purchase"
    started = next(e for e in entries if e.title.startswith("Started at"))
    assert started.title == "Started at Prospect"

    gift = next(e for e in by_kind(entries, "gesture") if e.title.startswith("Gift"))
    assert gift.title == "Gift: Bud vase"
    assert gift.when == datetime(2026, 10, 20)
    card = next(e for e in by_kind(entries, "gesture") if e.title.startswith("Thank"))
    assert card.detail == "Cost 3.50 · Occasion: First purchase · What followed: Posted a photo"

    complaint, question = by_kind(entries, "concern")
    assert complaint.title == "Complaint by phone"
    assert "Cracked mug" in complaint.detail and "Overdue" in complaint.detail
    assert question.title == "Question by email"
    assert "Answered 2026-11-03: Quoted 6 weeks" in question.detail

    done = by_kind(entries, "follow_up")[1]
    assert done.title == "Follow-up: Thank-you"
    assert "Done 2026-06-04" in done.detail and "Outcome: Left a voicemail" in done.detail

    feedback, = by_kind(entries, "feedback")
    assert feedback.title == "Idea about Glazed platter"
    assert "A matte finish, please" in feedback.detail
    assert "Status: Done" in feedback.detail and "Customer told 2026-08-01" in feedback.detail


def test_ref_ids_point_at_their_rows(services: Services, db: Database,
                                     timeline: TimelineService) -> None:
    cid = make_customer(services)
    log(services, cid, "call", datetime(2026, 11, 1, 9))
    call_id = services.interactions.for_customer(cid)[0].id
    entry, = by_kind(timeline.for_customer(cid), "interaction:call")
    assert entry.ref_id == call_id


def test_other_customers_entries_stay_out(services: Services, timeline: TimelineService) -> None:
    mine = make_customer(services)
    theirs = make_customer(services, "Someone Else")
    log(services, theirs, "call", datetime(2026, 11, 1, 9), "Not about Margaret")
    assert all("Margaret" not in e.detail for e in timeline.for_customer(mine))
    assert [e.kind for e in timeline.for_customer(mine)] == ["stage"]


def test_limit_keeps_the_newest_across_sources(services: Services, db: Database,
                                               timeline: TimelineService) -> None:
    cid = make_customer(services)
    start = datetime(2026, 1, 1, 9)
    with db.unit_of_work() as session:
        session.add_all(Interaction(customer_id=cid, kind="call", summary=f"call {i}",
                                    occurred_at=start + timedelta(days=i), created_at=FIXED_NOW)
                        for i in range(30))
        # One gift older than every call; one given the day of call 27 (09:00), which as a
        # date-only entry counts from midnight, so it sorts just below that call.
        session.add(Gesture(customer_id=cid, kind="gift", given_on=date(2025, 12, 1),
                            description="old gift", created_at=FIXED_NOW))
        session.add(Gesture(customer_id=cid, kind="gift", given_on=date(2026, 1, 28),
                            description="newer gift", created_at=FIXED_NOW))

    entries = timeline.for_customer(cid, limit=5)
    assert len(entries) == 5
    # The customer was created at FIXED_NOW, after every call.
    assert entries[0].kind == "stage"
    assert [e.detail for e in entries[1:4]] == ["call 29", "call 28", "call 27"]
    assert entries[4].title == "Gift: newer gift"

    assert timeline.for_customer(cid, limit=6)[-1].detail == "call 26"
    entries = timeline.for_customer(cid, limit=200)
    assert len(entries) == 1 + 30 + 2
    assert entries[-1].title == "Gift: old gift"
    assert timeline.for_customer(cid, limit=0) == []


def test_many_interactions_load_only_the_limit(services: Services, db: Database,
                                               timeline: TimelineService) -> None:
    cid = make_customer(services)
    with db.unit_of_work() as session:
        session.add_all(Interaction(customer_id=cid, kind="purchase", amount_cents=100 * i,
                                    occurred_at=datetime(2025, 1, 1) + timedelta(hours=i),
                                    created_at=FIXED_NOW) for i in range(500))
    entries = timeline.for_customer(cid)
    assert len(entries) == 200
    assert entries[1].title == "Purchase · 499.00"


def test_profile_bundles_what_the_panel_shows(services: Services, db: Database,
                                              timeline: TimelineService) -> None:
    methodical = next(p for p in services.personas.all() if p.name == "Methodical")
    referrer = make_customer(services, "Anna Kowalski")
    cid = make_customer(services, persona_id=methodical.id, referred_by_id=referrer)
    make_customer(services, "Zoe Brandt", referred_by_id=cid)
    make_customer(services, "Leo Adams", referred_by_id=cid)
    log(services, cid, "purchase", datetime(2026, 3, 9, 15, 30), amount_cents=8450)
    add_everything_else(db, cid)

    data = timeline.profile(cid)

    assert data.customer.name == "Margaret Oduya"
    assert data.customer.referred_by_name == "Anna Kowalski"
    assert data.persona is not None and data.persona.name == "Methodical"
    assert data.persona.how_to_talk == methodical.how_to_talk != ""
    assert data.stage.name == "First purchase"
    first_purchase = next(s for s in services.journey.stages() if s.name == "First purchase")
    assert data.stage.playbook == first_purchase.playbook
    # Newest first: the customer was added (at FIXED_NOW) after the back-dated purchase.
    assert [(h.from_stage_name, h.to_stage_name) for h in data.history] == [
        ("", "Prospect"), ("Prospect", "First purchase")]
    assert data.history == tuple(services.journey.history(cid))
    assert data.referrals == (CustomerLink(id=data.referrals[0].id, name="Leo Adams"),
                              CustomerLink(id=data.referrals[1].id, name="Zoe Brandt"))
    assert data.gesture_count == 2
    assert data.gesture_total_cents == 6350
    assert list(data.timeline) == timeline.for_customer(cid)


def test_profile_of_a_bare_customer(services: Services, timeline: TimelineService) -> None:
    cid = make_customer(services, "New Person")
    data = timeline.profile(cid)
    assert data.persona is None
    assert data.referrals == ()
    assert (data.gesture_count, data.gesture_total_cents) == (0, 0)
    assert [e.title for e in data.timeline] == ["Started at Prospect"]


def test_profile_of_a_missing_customer(timeline: TimelineService) -> None:
    with pytest.raises(NotFoundError):
        timeline.profile(12345)
