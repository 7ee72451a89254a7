"""Follow-ups and staying in touch on a real database file, with the tests' fixed Friday."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import update

from smallbiz_crm.domain.kinds import FollowUpStatus
from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft
from smallbiz_crm.domain.records.follow_ups import (
    DueSummary,
    FollowUpDraft,
    FollowUpFilter,
    FollowUpScope,
)
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import ConflictError, NotFoundError
from smallbiz_crm.services.follow_ups import FollowUpService, SnoozeChoice, week_end
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.touch import StayingInTouchService
from smallbiz_crm.store.models import Customer

NOW = datetime(2026, 11, 20, 10, 0)  # the fixed clock of tests/conftest.py: a Friday
TODAY = NOW.date()


@pytest.fixture
def follow_ups(services: Services) -> FollowUpService:
    return FollowUpService(services.db, services.clock)


def customer(services: Services, name: str = "Margaret Oduya", **extra: object) -> int:
    return services.customers.create(CustomerDraft(name=name, **extra)).id  # type: ignore[arg-type]


def make(follow_ups: FollowUpService, customer_id: int, due: date, reason: str = "Call back",
         kind: str = "call") -> int:
    return follow_ups.create(FollowUpDraft(customer_id, due, kind, reason)).id


def next_due(services: Services, customer_id: int) -> date | None:
    return services.customers.get(customer_id).next_follow_up_on


# -- create and edit ------------------------------------------------------------------------


def test_create_keeps_the_customer_next_follow_up(services: Services,
                                                 follow_ups: FollowUpService) -> None:
    cid = customer(services)
    later = follow_ups.create(FollowUpDraft(cid, date(2026, 12, 1), "visit",
                                            "  Drop off the reserved copy  "))
    assert later.reason == "Drop off the reserved copy"
    assert later.status == "open" and later.source == "manual"
    assert later.customer_name == "Margaret Oduya"
    assert later.created_at == NOW
    assert next_due(services, cid) == date(2026, 12, 1)
    make(follow_ups, cid, date(2026, 11, 25))
    assert next_due(services, cid) == date(2026, 11, 25)


def test_create_checks_every_field(services: Services, follow_ups: FollowUpService) -> None:
    with pytest.raises(ValidationError) as caught:
        follow_ups.create(FollowUpDraft(None, None, "fax", "  "))
    assert set(caught.value.fields) == {"customer", "due_on", "kind", "reason"}
    assert caught.value.fields["reason"] == "Say in a few words why you will follow up."

    with pytest.raises(ValidationError) as caught:
        follow_ups.create(FollowUpDraft(999, date(2062, 1, 1), "call", "Call"))
    assert caught.value.fields["customer"] == "That customer no longer exists."
    assert "check the year" in caught.value.fields["due_on"]

    gone = customer(services, "Gone")
    services.customers.archive([gone])
    with pytest.raises(ValidationError) as caught:
        follow_ups.create(FollowUpDraft(gone, TODAY, "call", "Call"))
    assert "archived" in caught.value.fields["customer"]


def test_edit_moves_a_follow_up_to_another_customer(services: Services,
                                                   follow_ups: FollowUpService) -> None:
    first = customer(services, "First")
    second = customer(services, "Second")
    fid = make(follow_ups, first, date(2026, 11, 30))
    record = follow_ups.get(fid)
    edited = follow_ups.edit(fid, FollowUpDraft(second, date(2026, 12, 3), "email", "Send it"),
                             expected_version=record.version)
    assert (edited.customer_id, edited.due_on, edited.kind, edited.reason) == (
        second, date(2026, 12, 3), "email", "Send it")
    assert next_due(services, first) is None
    assert next_due(services, second) == date(2026, 12, 3)
    with pytest.raises(ConflictError):
        follow_ups.edit(fid, record.to_draft(), expected_version=record.version)
    with pytest.raises(NotFoundError):
        follow_ups.edit(12345, record.to_draft())


# -- snooze, complete, skip, reopen ---------------------------------------------------------


def test_snooze_choices_land_on_the_right_days(services: Services,
                                              follow_ups: FollowUpService) -> None:
    # Friday 20 November 2026.
    assert follow_ups.snooze_target(SnoozeChoice.TOMORROW) == date(2026, 11, 21)
    assert follow_ups.snooze_target(SnoozeChoice.NEXT_BUSINESS_DAY) == date(2026, 11, 23)
    assert follow_ups.snooze_target(SnoozeChoice.NEXT_WEEK) == date(2026, 11, 23)
    # Wednesday 25 November, the day before Thanksgiving.
    wednesday = date(2026, 11, 25)
    assert follow_ups.snooze_target(SnoozeChoice.NEXT_BUSINESS_DAY, wednesday) == date(2026,
                                                                                       11, 27)
    assert follow_ups.snooze_target(SnoozeChoice.NEXT_WEEK, wednesday) == date(2026, 11, 30)
    # Friday 1 January 2027 is a holiday, the Monday after is not.
    assert follow_ups.snooze_target(SnoozeChoice.NEXT_BUSINESS_DAY, date(2026, 12, 31)) == date(
        2027, 1, 4)


def test_snooze_moves_open_follow_ups_and_counts(services: Services,
                                                follow_ups: FollowUpService) -> None:
    cid = customer(services)
    overdue = make(follow_ups, cid, date(2026, 11, 18))
    done = make(follow_ups, cid, date(2026, 11, 19))
    follow_ups.complete([done], "Called")

    assert follow_ups.snooze_next_business_day([overdue, done]) == date(2026, 11, 23)
    record = follow_ups.get(overdue)
    assert (record.due_on, record.snooze_count) == (date(2026, 11, 23), 1)
    assert follow_ups.get(done).due_on == date(2026, 11, 19)  # closed ones stay put
    assert next_due(services, cid) == date(2026, 11, 23)

    assert follow_ups.snooze_tomorrow([overdue]) == date(2026, 11, 21)
    assert follow_ups.snooze_next_week([overdue]) == date(2026, 11, 23)
    assert follow_ups.snooze([overdue], date(2026, 12, 24)) == 1
    record = follow_ups.get(overdue)
    assert (record.due_on, record.snooze_count) == (date(2026, 12, 24), 4)
    assert next_due(services, cid) == date(2026, 12, 24)

    with pytest.raises(ValidationError) as caught:
        follow_ups.snooze([overdue], date(2026, 11, 19))
    assert "until" in caught.value.fields
    assert follow_ups.snooze([], date(2026, 12, 1)) == 0


def test_complete_skip_and_reopen(services: Services, follow_ups: FollowUpService) -> None:
    cid = customer(services)
    first = make(follow_ups, cid, date(2026, 11, 20), "Thank them")
    second = make(follow_ups, cid, date(2026, 11, 27), "Ask about the gift")
    third = make(follow_ups, cid, date(2026, 12, 10), "Reorder")

    assert follow_ups.complete([first], "  Loved it; wants the sequel  ") == 1
    done = follow_ups.get(first)
    assert (done.status, done.outcome, done.completed_at) == (
        "done", "Loved it; wants the sequel", NOW)
    assert next_due(services, cid) == date(2026, 11, 27)

    assert follow_ups.skip([second], "Away until January") == 1
    skipped = follow_ups.get(second)
    assert (skipped.status, skipped.outcome) == ("skipped", "Away until January")
    assert next_due(services, cid) == date(2026, 12, 10)

    # Completing again changes nothing: only open follow-ups are completed.
    assert follow_ups.complete([first, second], "again") == 0
    assert follow_ups.get(first).outcome == "Loved it; wants the sequel"

    follow_ups.complete([third])
    assert next_due(services, cid) is None

    assert follow_ups.reopen([first, third]) == 2
    reopened = follow_ups.get(first)
    assert (reopened.status, reopened.completed_at, reopened.outcome) == ("open", None, "")
    assert next_due(services, cid) == date(2026, 11, 20)

    with pytest.raises(NotFoundError):
        follow_ups.complete([4242], "")


def test_bulk_complete_touches_every_customer(services: Services,
                                             follow_ups: FollowUpService) -> None:
    a, b = customer(services, "A"), customer(services, "B")
    ids = [make(follow_ups, a, TODAY), make(follow_ups, b, TODAY)]
    assert follow_ups.complete(ids, "Rang both") == 2
    assert next_due(services, a) is next_due(services, b) is None


# -- lists ----------------------------------------------------------------------------------


@pytest.fixture
def spread(services: Services, follow_ups: FollowUpService) -> dict[str, int]:
    """Follow-ups overdue, due today, later this week, next month, done and archived."""
    ann = customer(services, "Ann Archer", phone="+1 212 555 0100", persona_id=next(
        p.id for p in services.personas.all() if p.name == "Methodical"))
    bob = customer(services, "Bob Baker")
    gone = customer(services, "Gone Gardner")
    ids = {
        "overdue": make(follow_ups, ann, date(2026, 11, 10), "Overdue call"),
        "today": make(follow_ups, bob, TODAY, "Today's email", "email"),
        "week": make(follow_ups, ann, date(2026, 11, 26), "Thursday visit", "visit"),
        "week_end": make(follow_ups, bob, date(2026, 11, 26), "Last day of the week"),
        "later": make(follow_ups, bob, date(2026, 12, 15), "December"),
        "done": make(follow_ups, ann, date(2026, 11, 12), "Done one"),
        "skipped": make(follow_ups, bob, date(2026, 11, 13), "Skipped one"),
        "archived": make(follow_ups, gone, date(2026, 11, 11), "Archived"),
    }
    follow_ups.complete([ids["done"]], "Done")
    follow_ups.skip([ids["skipped"]], "No need")
    services.customers.archive([gone])
    return ids


def listed(follow_ups: FollowUpService, **fields: object) -> list[int]:
    return [row.id for row in follow_ups.list(FollowUpFilter(**fields))]  # type: ignore[arg-type]


def test_list_scopes(follow_ups: FollowUpService, spread: dict[str, int]) -> None:
    s = spread
    assert week_end(TODAY) == date(2026, 11, 26)
    assert listed(follow_ups, scope=FollowUpScope.OVERDUE) == [s["overdue"]]
    assert listed(follow_ups, scope=FollowUpScope.TODAY) == [s["today"]]
    assert listed(follow_ups, scope=FollowUpScope.THIS_WEEK) == [
        s["today"], s["week"], s["week_end"]]
    assert listed(follow_ups, scope=FollowUpScope.OPEN) == [
        s["overdue"], s["today"], s["week"], s["week_end"], s["later"]]
    # Closed ones, latest due first; an archived customer's history still shows in full lists.
    assert listed(follow_ups, scope=FollowUpScope.DONE) == [s["skipped"], s["done"]]
    assert set(listed(follow_ups, scope=FollowUpScope.ALL)) == set(s.values())
    assert follow_ups.count(FollowUpFilter(scope=FollowUpScope.OPEN)) == 5
    assert follow_ups.count(FollowUpFilter(scope=FollowUpScope.ALL)) == 8
    assert follow_ups.due_summary() == DueSummary(overdue=1, today=1, this_week=3)


def test_list_rows_carry_what_the_call_needs(follow_ups: FollowUpService,
                                            spread: dict[str, int]) -> None:
    row = follow_ups.list(FollowUpFilter(scope=FollowUpScope.OVERDUE))[0]
    assert row.customer_name == "Ann Archer"
    assert row.phone == "+1 212-555-0100"
    assert row.persona_name == "Methodical"
    assert row.persona_hint.startswith("Details, comparisons")
    assert row.stage_name == "Prospect"
    assert row.overdue and row.status == "open"
    today_row = follow_ups.list(FollowUpFilter(scope=FollowUpScope.TODAY))[0]
    assert not today_row.overdue
    done_row = next(r for r in follow_ups.list(FollowUpFilter(scope=FollowUpScope.DONE))
                    if r.id == spread["done"])
    assert not done_row.overdue and done_row.outcome == "Done"


def test_list_filters_by_kind_and_customer(services: Services, follow_ups: FollowUpService,
                                          spread: dict[str, int]) -> None:
    s = spread
    assert listed(follow_ups, kind="email") == [s["today"]]
    assert listed(follow_ups, kind="visit", scope="this_week") == [s["week"]]
    ann = follow_ups.get(s["overdue"]).customer_id
    assert listed(follow_ups, customer_id=ann) == [s["overdue"], s["week"]]
    assert listed(follow_ups, customer_text="archer") == [s["overdue"], s["week"]]
    assert listed(follow_ups, customer_text="5550100") == [s["overdue"], s["week"]]
    assert listed(follow_ups, customer_text="bak", scope="done") == [s["skipped"]]
    assert listed(follow_ups, customer_text="nobody") == []
    assert listed(follow_ups, customer_text="***") == []
    assert listed(follow_ups, customer_text='"-') == []  # FTS syntax is quoted, not run


def test_list_pages(follow_ups: FollowUpService, spread: dict[str, int]) -> None:
    everything = listed(follow_ups, scope="open", limit=None)
    assert listed(follow_ups, scope="open", limit=2) == everything[:2]
    assert listed(follow_ups, scope="open", limit=2, offset=2) == everything[2:4]


def test_for_customer_lists_open_first(services: Services, follow_ups: FollowUpService,
                                      spread: dict[str, int]) -> None:
    ann = follow_ups.get(spread["overdue"]).customer_id
    rows = follow_ups.for_customer(ann)
    assert [r.id for r in rows] == [spread["overdue"], spread["week"], spread["done"]]
    assert [r.id for r in follow_ups.for_customer(ann, include_closed=False)] == [
        spread["overdue"], spread["week"]]


def test_unknown_scope_is_a_programming_error(follow_ups: FollowUpService) -> None:
    with pytest.raises(ValueError, match="scope"):
        follow_ups.list(FollowUpFilter(scope="someday"))


# -- staying in touch -----------------------------------------------------------------------


def stage_id(services: Services, name: str) -> int:
    return next(s.id for s in services.journey.stages() if s.name == name)


def contacted(services: Services, name: str, days_ago: int, stage: str = "Loyal",
              **extra: object) -> int:
    cid = customer(services, name, stage_id=stage_id(services, stage), phone="+1 212 555 0199",
                   **extra)
    services.interactions.log(InteractionDraft(
        customer_id=cid, kind="call", occurred_at=NOW - timedelta(days=days_ago, hours=3)))
    return cid


def test_losing_touch_follows_the_stage_rhythm(services: Services) -> None:
    touch = StayingInTouchService(services.db, services.clock)
    assert next(s for s in services.journey.stages() if s.name == "Loyal"
                ).contact_rhythm_days == 60
    late = contacted(services, "Sixty-one days", 61)
    contacted(services, "Fifty-nine days", 59)
    contacted(services, "Exactly sixty", 60)
    contacted(services, "Let go", 61, not_pursuing=True, not_pursuing_reason="Moved away")
    gone = contacted(services, "Archived", 90)
    services.customers.archive([gone])

    rows = touch.losing_touch()
    assert [r.customer_id for r in rows] == [late]
    row = rows[0]
    assert (row.name, row.stage, row.days_since_contact, row.rhythm_days, row.phone) == (
        "Sixty-one days", "Loyal", 61, 60, "+1 212-555-0199")
    assert row.days_past_rhythm == 1
    assert touch.count_losing_touch() == 1

    # Any logged interaction resets the clock.
    services.interactions.log(InteractionDraft(customer_id=late, kind="visit",
                                               occurred_at=NOW - timedelta(days=2)))
    assert touch.losing_touch() == []
    assert touch.count_losing_touch() == 0


def test_losing_touch_orders_by_how_far_past_and_counts_the_never_contacted(
        services: Services) -> None:
    touch = StayingInTouchService(services.db, services.clock)
    loyal = contacted(services, "Loyal, 70 days", 70)  # 10 past a 60-day rhythm
    prospect = contacted(services, "Prospect, 51 days", 51, stage="Prospect")  # 30 past 21
    never = customer(services, "Never contacted", stage_id=stage_id(services, "Repeat"))
    with services.db.unit_of_work() as session:
        session.execute(update(Customer).where(Customer.id == never)
                        .values(created_at=NOW - timedelta(days=50)))  # 5 past 45
    assert [r.customer_id for r in touch.losing_touch()] == [prospect, loyal, never]
    assert [r.customer_id for r in touch.losing_touch(limit=2)] == [prospect, loyal]
    assert touch.count_losing_touch() == 3
    # Looking from an earlier day, fewer have run out of time.
    assert [r.customer_id for r in touch.losing_touch(TODAY - timedelta(days=11))] == [prospect]


def test_stages_without_a_rhythm_never_lose_touch(services: Services) -> None:
    touch = StayingInTouchService(services.db, services.clock)
    contacted(services, "Quiet", 400)
    services.journey.stages()  # the stage keeps its rhythm until the owner clears it
    with services.db.unit_of_work() as session:
        from smallbiz_crm.store.models import JourneyStage

        session.execute(update(JourneyStage).values(contact_rhythm_days=None))
    assert touch.losing_touch() == []
    assert touch.count_losing_touch() == 0


def test_status_values_are_the_enums(follow_ups: FollowUpService, services: Services) -> None:
    fid = make(follow_ups, customer(services), TODAY)
    assert follow_ups.get(fid).status == FollowUpStatus.OPEN.value
