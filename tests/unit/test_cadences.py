"""Cadences on a real database: after a purchase, by hand, on birthdays, and their templates."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from smallbiz_crm.domain import settings
from smallbiz_crm.domain.kinds import CadenceTrigger, FollowUpKind, FollowUpSource
from smallbiz_crm.domain.records.cadences import CadenceDraft, CadenceStepDraft
from smallbiz_crm.domain.records.customers import CustomerDraft, InteractionDraft
from smallbiz_crm.domain.records.follow_ups import FollowUpFilter
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.cadences import CadenceService, birthday_due, step_due
from smallbiz_crm.services.calendar_settings import load_calendar
from smallbiz_crm.services.follow_ups import FollowUpService
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.models import BusinessCalendarSettings, ClosureDay, FollowUp

NOW = datetime(2026, 11, 20, 10, 0)  # the fixed clock of tests/conftest.py: a Friday


def customer(services: Services, name: str = "Margaret Oduya", consent: bool = True,
             **extra: object) -> int:
    return services.customers.create(
        CustomerDraft(name=name, consent_contact=consent, **extra)).id


def purchase(services: Services, customer_id: int, when: datetime) -> tuple[int, ...]:
    logged = services.interactions.log(InteractionDraft(
        customer_id=customer_id, kind="purchase", occurred_at=when, amount_cents=4200))
    return logged.follow_up_ids


def follow_ups_of(services: Services, customer_id: int) -> list[FollowUp]:
    with services.db.read() as session:
        rows = list(session.scalars(select(FollowUp).where(FollowUp.customer_id == customer_id)
                                    .order_by(FollowUp.due_on)))
        session.expunge_all()
        return rows


@pytest.fixture
def cadences(services: Services) -> CadenceService:
    return CadenceService(services.db, services.clock)


def template(cadences: CadenceService, trigger: str) -> int:
    return next(c.id for c in cadences.all() if c.trigger == trigger)


# -- after a purchase -----------------------------------------------------------------------


def test_purchase_creates_the_three_follow_ups_on_business_days(services: Services) -> None:
    cid = customer(services)
    # Wednesday 18 November 2026, worked by hand with the US calendar:
    #   day 3  = Saturday 21 November  -> Monday 23 November
    #   day 14 = Wednesday 2 December  (a business day, unchanged)
    #   day 60 = Sunday 17 January 2027 -> Monday 18 is Martin Luther King Jr. Day
    #            -> Tuesday 19 January 2027
    ids = purchase(services, cid, datetime(2026, 11, 18, 15, 30))

    rows = follow_ups_of(services, cid)
    assert sorted(ids) == sorted(row.id for row in rows)
    assert [row.due_on for row in rows] == [date(2026, 11, 23), date(2026, 12, 2),
                                            date(2027, 1, 19)]
    assert [row.kind for row in rows] == ["thank_you", "check_in", "reorder"]
    with services.db.read() as session:
        calendar = load_calendar(session)
        interaction_id = services.interactions.for_customer(cid)[0].id
        assert all(calendar.is_business_day(row.due_on) for row in rows)
    assert {row.source for row in rows} == {FollowUpSource.CADENCE.value}
    assert {row.interaction_id for row in rows} == {interaction_id}
    steps = {s.id for s in CadenceService(services.db).get(1).steps}
    assert {row.cadence_step_id for row in rows} == steps
    assert services.customers.get(cid).next_follow_up_on == date(2026, 11, 23)


def test_a_thank_you_due_on_thanksgiving_moves_to_the_next_day(services: Services) -> None:
    cid = customer(services)
    purchase(services, cid, datetime(2026, 11, 23, 11, 0))  # Monday; day 3 is Thanksgiving
    assert follow_ups_of(services, cid)[0].due_on == date(2026, 11, 27)


def test_closure_days_and_a_saturday_shop_are_respected(services: Services) -> None:
    with services.db.unit_of_work() as session:
        session.add(ClosureDay(day=date(2026, 11, 23), reason="Stock-taking"))
    cid = customer(services)
    purchase(services, cid, datetime(2026, 11, 18, 9, 0))
    # Saturday off, Sunday off, Monday closed for stock-taking: Tuesday.
    assert follow_ups_of(services, cid)[0].due_on == date(2026, 11, 24)

    with services.db.unit_of_work() as session:
        session.execute(update(BusinessCalendarSettings).values(working_weekdays="0,1,2,3,4,5"))
    other = customer(services, "Tom Baker")
    purchase(services, other, datetime(2026, 11, 18, 9, 0))
    assert follow_ups_of(services, other)[0].due_on == date(2026, 11, 21)  # open on Saturday


def test_no_marketing_step_without_consent(services: Services) -> None:
    cid = customer(services, consent=False)
    ids = purchase(services, cid, NOW)
    rows = follow_ups_of(services, cid)
    assert len(ids) == 2
    assert [row.kind for row in rows] == ["thank_you", "check_in"]  # no "reorder" offer


def test_turning_the_setting_off_creates_none(services: Services) -> None:
    services.settings.set(settings.AUTO_PURCHASE_CADENCE, False)
    cid = customer(services)
    assert purchase(services, cid, NOW) == ()
    assert follow_ups_of(services, cid) == []
    assert services.customers.get(cid).next_follow_up_on is None

    services.settings.set(settings.AUTO_PURCHASE_CADENCE, True)
    assert len(purchase(services, cid, NOW)) == 3


def test_other_interactions_start_no_cadence(services: Services) -> None:
    cid = customer(services)
    logged = services.interactions.log(InteractionDraft(customer_id=cid, kind="call",
                                                        occurred_at=NOW))
    assert logged.follow_up_ids == ()
    assert follow_ups_of(services, cid) == []


def test_customers_let_go_get_no_cadence(services: Services) -> None:
    cid = customer(services, not_pursuing=True, not_pursuing_reason="Moved away")
    assert purchase(services, cid, NOW) == ()
    archived = customer(services, "Old Friend")
    services.customers.archive([archived])
    assert purchase(services, archived, NOW) == ()


def test_an_inactive_purchase_template_creates_none(services: Services,
                                                    cadences: CadenceService) -> None:
    record = cadences.get(template(cadences, CadenceTrigger.PURCHASE))
    draft = record.to_draft()
    cadences.save(record.id, CadenceDraft(name=draft.name, trigger=draft.trigger, active=False,
                                          steps=draft.steps))
    assert purchase(services, customer(services), NOW) == ()


def test_a_purchase_logged_late_leaves_out_long_overdue_steps(services: Services) -> None:
    cid = customer(services)
    # Wednesday 21 October: day 3 (26 Oct) and day 14 (4 Nov) are weeks overdue by now;
    # day 60 is Sunday 20 December -> Monday 21 December.
    ids = purchase(services, cid, datetime(2026, 10, 21, 12, 0))
    assert len(ids) == 1
    assert [r.due_on for r in follow_ups_of(services, cid)] == [date(2026, 12, 21)]


def test_a_failed_log_leaves_no_follow_ups(services: Services) -> None:
    cid = customer(services)
    with pytest.raises(ValidationError):
        services.interactions.log(InteractionDraft(customer_id=cid, kind="purchase",
                                                   occurred_at=NOW, amount_cents=-1))
    assert follow_ups_of(services, cid) == []


# -- by hand --------------------------------------------------------------------------------


def test_apply_by_hand_skips_consent_steps_and_customers_let_go(
        services: Services, cadences: CadenceService) -> None:
    agreed = customer(services, "Agreed")
    silent = customer(services, "Silent", consent=False)
    let_go = customer(services, "Let go", not_pursuing=True, not_pursuing_reason="Rude")
    gone = customer(services, "Gone")
    services.customers.archive([gone])
    prospect = template(cadences, CadenceTrigger.NEW_PROSPECT)

    # Friday 20 November: day 2 = Sunday 22 -> Monday 23; day 10 = Monday 30 November.
    ids = cadences.apply(prospect, [agreed, silent, let_go, gone], date(2026, 11, 20))

    assert len(ids) == 3
    assert [(r.due_on, r.kind) for r in follow_ups_of(services, agreed)] == [
        (date(2026, 11, 23), "call"), (date(2026, 11, 30), "message")]
    assert [r.kind for r in follow_ups_of(services, silent)] == ["call"]
    assert follow_ups_of(services, let_go) == follow_ups_of(services, gone) == []
    assert services.customers.get(silent).next_follow_up_on == date(2026, 11, 23)


def test_apply_by_hand_checks_its_input(services: Services, cadences: CadenceService) -> None:
    prospect = template(cadences, CadenceTrigger.NEW_PROSPECT)
    with pytest.raises(ValidationError) as caught:
        cadences.apply(prospect, [], date(2026, 11, 20))
    assert "customers" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        cadences.apply(prospect, [customer(services)], date(1800, 1, 1))
    assert "start" in caught.value.fields


def test_step_due_moves_only_days_off() -> None:
    from smallbiz_crm.domain.calendar import BusinessCalendar

    calendar = BusinessCalendar("US")
    assert step_due(calendar, date(2026, 11, 20), 0) == date(2026, 11, 20)
    assert step_due(calendar, date(2026, 11, 20), 1) == date(2026, 11, 23)
    assert step_due(calendar, date(2026, 12, 22), 3) == date(2026, 12, 28)  # Christmas, weekend


# -- templates ------------------------------------------------------------------------------


def test_default_templates_are_seeded(cadences: CadenceService) -> None:
    by_trigger = {c.trigger: c for c in cadences.all()}
    purchase_steps = by_trigger["purchase"].steps
    assert [(s.offset_days, s.kind, s.needs_consent) for s in purchase_steps] == [
        (3, "thank_you", False), (14, "check_in", False), (60, "reorder", True)]
    assert [s.offset_days for s in by_trigger["new_prospect"].steps] == [2, 10]
    assert [s.kind for s in by_trigger["birthday"].steps] == ["birthday"]
    assert [c.trigger for c in cadences.all()][:3] == ["purchase", "new_prospect", "birthday"]


def test_save_edit_and_delete_a_template(services: Services, cadences: CadenceService) -> None:
    saved = cadences.save(None, CadenceDraft(name="  After a repair ", steps=(
        CadenceStepDraft(30, FollowUpKind.CHECK_IN.value, "Still working well?"),
        CadenceStepDraft(1, FollowUpKind.CALL.value, "  Ask how the repair holds  "),
    )))
    assert saved.name == "After a repair"
    assert saved.trigger == CadenceTrigger.MANUAL.value
    assert [(s.offset_days, s.reason) for s in saved.steps] == [
        (1, "Ask how the repair holds"), (30, "Still working well?")]

    cid = customer(services)
    made = cadences.apply(saved.id, [cid], date(2026, 11, 20))
    first_step, second_step = saved.steps

    # Edit: keep the first step (same id), drop the second, add a third.
    edited = cadences.save(saved.id, CadenceDraft(name="After a repair", steps=(
        CadenceStepDraft(2, "call", "Ask how the repair holds", id=first_step.id),
        CadenceStepDraft(90, "reorder", "Offer a service check", needs_consent=True),
    )), expected_version=saved.version)
    assert edited.steps[0].id == first_step.id
    assert edited.steps[0].offset_days == 2
    assert second_step.id not in {s.id for s in edited.steps}
    assert edited.steps[1].needs_consent
    rows = follow_ups_of(services, cid)
    assert len(rows) == len(made) == 2  # follow-ups already made stay
    assert {r.cadence_step_id for r in rows} == {first_step.id, None}

    cadences.delete(saved.id)
    assert saved.id not in {c.id for c in cadences.all()}
    assert len(follow_ups_of(services, cid)) == 2


def test_template_validation(cadences: CadenceService) -> None:
    with pytest.raises(ValidationError) as caught:
        cadences.save(None, CadenceDraft(name=" ", trigger="whenever", steps=()))
    assert set(caught.value.fields) == {"name", "trigger", "steps"}

    with pytest.raises(ValidationError) as caught:
        cadences.save(None, CadenceDraft(name="After a purchase",
                                         steps=(CadenceStepDraft(1, "call", "x"),)))
    assert "already a cadence" in caught.value.fields["name"]

    for step in (CadenceStepDraft(-1, "call", "Call"), CadenceStepDraft(1, "fax", "Fax"),
                 CadenceStepDraft(1, "call", "   ")):
        with pytest.raises(ValidationError) as caught:
            cadences.save(None, CadenceDraft(name="Odd", steps=(step,)))
        assert caught.value.fields["steps"].startswith("Step 1:")

    # Two automatic purchase cadences would thank every buyer twice.
    with pytest.raises(ValidationError) as caught:
        cadences.save(None, CadenceDraft(name="Second", trigger="purchase",
                                         steps=(CadenceStepDraft(1, "call", "Call"),)))
    assert "After a purchase" in caught.value.fields["trigger"]
    saved = cadences.save(None, CadenceDraft(name="Second", trigger="purchase", active=False,
                                             steps=(CadenceStepDraft(1, "call", "Call"),)))
    assert not saved.active


# -- birthdays ------------------------------------------------------------------------------


def test_birthday_greetings_are_created_once(services: Services,
                                            cadences: CadenceService) -> None:
    tuesday = customer(services, "Tuesday Child", birthday=date(1980, 11, 24))
    sunday = customer(services, "Sunday Child", birthday=date(1975, 11, 22))
    later = customer(services, "December Child", birthday=date(1990, 12, 5))
    no_consent = customer(services, "Private", consent=False, birthday=date(1980, 11, 23))

    ids = cadences.apply_birthdays(date(2026, 11, 20))

    assert len(ids) == 2
    assert [(r.due_on, r.kind) for r in follow_ups_of(services, tuesday)] == [
        (date(2026, 11, 24), "birthday")]
    # Sunday's birthday is wished on the Friday before, not late on Monday.
    assert [r.due_on for r in follow_ups_of(services, sunday)] == [date(2026, 11, 20)]
    assert follow_ups_of(services, later) == follow_ups_of(services, no_consent) == []
    assert {r.source for r in follow_ups_of(services, tuesday)} == {"cadence"}

    # Running again (next morning, after one was done) makes no duplicates.
    FollowUpService(services.db, services.clock).complete(ids[:1], "Sent a card")
    assert cadences.apply_birthdays(date(2026, 11, 20)) == []
    assert cadences.apply_birthdays(date(2026, 11, 21)) == []
    assert len(follow_ups_of(services, tuesday)) == 1

    # A year later it is a new greeting.
    assert len(cadences.apply_birthdays(date(2027, 11, 20))) == 2
    assert len(follow_ups_of(services, tuesday)) == 2


def test_birthdays_across_the_new_year_and_on_29_february(services: Services,
                                                         cadences: CadenceService) -> None:
    january = customer(services, "January Child", birthday=date(1970, 1, 2))
    leap = customer(services, "Leap Child", birthday=date(1984, 2, 29))
    # 2 January 2027 is a Saturday after the New Year's Day holiday: wished on Thursday 31.
    assert len(cadences.apply_birthdays(date(2026, 12, 28))) == 1
    assert [r.due_on for r in follow_ups_of(services, january)] == [date(2026, 12, 31)]
    assert cadences.apply_birthdays(date(2026, 12, 29)) == []
    # 2027 is a common year: the leap-day birthday falls on Sunday 28 February, so it is
    # wished on Friday 26 February.
    assert len(cadences.apply_birthdays(date(2027, 2, 22))) == 1
    assert [r.due_on for r in follow_ups_of(services, leap)] == [date(2027, 2, 26)]


def test_birthday_due_never_moves_into_the_past() -> None:
    from smallbiz_crm.domain.calendar import BusinessCalendar

    calendar = BusinessCalendar("US")
    sunday = date(2026, 11, 22)
    assert birthday_due(calendar, sunday, 0, date(2026, 11, 20)) == date(2026, 11, 20)
    assert birthday_due(calendar, sunday, 0, date(2026, 11, 21)) == date(2026, 11, 23)
    assert birthday_due(calendar, date(2026, 11, 24), 0, date(2026, 11, 20)) == date(2026, 11,
                                                                                     24)


def test_birthdays_leave_out_customers_let_go(services: Services,
                                             cadences: CadenceService) -> None:
    customer(services, "Let go", birthday=date(1980, 11, 24), not_pursuing=True,
             not_pursuing_reason="Asked us to stop")
    gone = customer(services, "Gone", birthday=date(1980, 11, 24))
    services.customers.archive([gone])
    assert cadences.apply_birthdays(date(2026, 11, 20)) == []


def test_follow_ups_page_lists_cadence_follow_ups(services: Services) -> None:
    cid = customer(services)
    purchase(services, cid, NOW)
    rows = FollowUpService(services.db, services.clock).list(FollowUpFilter(scope="open"))
    assert [r.kind for r in rows] == ["thank_you", "check_in", "reorder"]
    assert rows[0].due_on == NOW.date() + timedelta(days=3)  # Monday 23 November
