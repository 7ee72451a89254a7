"""Customers, interactions, the journey, personas and tags, through the services on real files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from smallbiz_crm.domain.kinds import StageChangeReason
from smallbiz_crm.domain.records.customers import CustomerDraft, CustomerQuery, InteractionDraft
from smallbiz_crm.domain.search import phone_search_tokens
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import ConflictError, NotFoundError
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import BusinessCalendarSettings, Customer, StageChange
from smallbiz_crm.store.opening import open_database

NOW = datetime(2026, 11, 20, 10, 0)


def stage_ids(services: Services) -> dict[str, int]:
    return {stage.name: stage.id for stage in services.journey.stages()}


def persona_ids(services: Services) -> dict[str, int]:
    return {persona.name: persona.id for persona in services.personas.all()}


def tag_ids(services: Services) -> dict[str, int]:
    return {tag.name: tag.id for tag in services.tags.all()}


def customer_rows(db: Database) -> int:
    with db.read() as session:
        return len(list(session.scalars(select(Customer.id))))


def history_rows(db: Database) -> int:
    with db.read() as session:
        return len(list(session.scalars(select(StageChange.id))))


# -- create, read, update, archive, delete --------------------------------------------------


def test_create_and_get(services: Services) -> None:
    created = services.customers.create(CustomerDraft(
        name="  Ann   Smith ", company=" Corner  Bakery ", email="Ann@Example.COM",
        phone="(202) 555-0143", address=" 1 Main St ", birthday=date(1980, 5, 17),
        source=" walk-in ", consent_contact=True, notes=" likes rye ", tags=("regular",)))

    assert created.name == "Ann Smith"
    assert created.company == "Corner Bakery"
    assert created.email == "Ann@example.com"
    assert created.phone == "+1 202-555-0143"
    assert created.address == "1 Main St"
    assert created.source == "walk-in"
    assert created.notes == "likes rye"
    assert created.stage_name == "Prospect"
    assert created.created_at == created.updated_at == NOW
    assert created.last_contact_at is None
    assert created.version == 1
    assert services.customers.get(created.id) == created
    (entry,) = services.journey.history(created.id)
    assert (entry.from_stage_name, entry.to_stage_name, entry.reason, entry.changed_at) == (
        "", "Prospect", StageChangeReason.CREATED.value, NOW)


def test_create_at_a_chosen_stage_with_a_persona_and_referrer(services: Services) -> None:
    stages = stage_ids(services)
    personas = persona_ids(services)
    ann = services.customers.create(CustomerDraft(name="Ann"))
    bob = services.customers.create(CustomerDraft(
        name="Bob", kind="business", stage_id=stages["Loyal"],
        persona_id=personas["Methodical"], referred_by_id=ann.id))
    assert (bob.kind, bob.stage_name, bob.persona_name, bob.referred_by_name) == (
        "business", "Loyal", "Methodical", "Ann")


def test_get_of_a_missing_customer_says_so(services: Services) -> None:
    with pytest.raises(NotFoundError, match="no customer with id 999"):
        services.customers.get(999)


def test_phone_is_normalised_and_indexed_for_search(db: Database, services: Services) -> None:
    created = services.customers.create(CustomerDraft(name="Ann", phone="202.555.0143"))
    assert created.phone == "+1 202-555-0143"
    with db.read() as session:
        row = session.get(Customer, created.id)
        assert row is not None
        assert row.phone_digits == "12025550143"
        assert row.phone_search == phone_search_tokens("12025550143")
    updated = services.customers.update(
        created.id, CustomerDraft(name="Ann", phone="+44 20 7946 0958"))
    assert updated.phone == "+44 20 7946 0958"
    with db.read() as session:
        row = session.get(Customer, created.id)
        assert row is not None
        assert row.phone_digits == "442079460958"
        assert row.phone_search.split()[-1] == "958"


def test_phone_without_country_code_uses_the_shops_country(db: Database,
                                                           services: Services) -> None:
    with db.unit_of_work() as session:
        session.execute(update(BusinessCalendarSettings).values(country="GB"))
    created = services.customers.create(CustomerDraft(name="Ann", phone="020 7946 0958"))
    assert created.phone == "+44 20 7946 0958"


def test_every_bad_field_gets_its_own_message_and_nothing_is_written(
        db: Database, services: Services) -> None:
    history_before = history_rows(db)
    with pytest.raises(ValidationError) as caught:
        services.customers.create(CustomerDraft(
            name="   ", email="not-an-email", phone="call me", birthday=date(2026, 11, 21),
            kind="robot", persona_id=999, stage_id=999, referred_by_id=999,
            not_pursuing=True, tags=("brand new tag",)))
    fields = caught.value.fields
    assert fields["name"] == "Name cannot be empty."
    assert "is not an email address" in fields["email"]
    assert "is not a phone number" in fields["phone"]
    assert fields["birthday"] == "A birthday cannot be in the future."
    assert fields["kind"] == "Choose person or business."
    assert fields["persona"] == "That persona no longer exists."
    assert fields["stage"] == "That journey stage no longer exists."
    assert fields["referred_by"] == "The referring customer no longer exists."
    assert fields["not_pursuing_reason"] == "Say briefly why you are not pursuing them."
    assert customer_rows(db) == 0
    assert history_rows(db) == history_before
    assert services.tags.all() == []


@pytest.mark.parametrize(("draft", "field"), [
    (CustomerDraft(name=""), "name"),
    (CustomerDraft(name="Ann", email="ann@"), "email"),
    (CustomerDraft(name="Ann", phone="12"), "phone"),
    (CustomerDraft(name="Ann", birthday=date(2030, 1, 1)), "birthday"),
])
def test_one_bad_field_names_only_that_field(services: Services, draft: CustomerDraft,
                                             field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.customers.create(draft)
    assert list(caught.value.fields) == [field]
    assert services.customers.count() == 0


def test_a_birthday_today_is_fine(services: Services) -> None:
    created = services.customers.create(CustomerDraft(name="Ann", birthday=NOW.date()))
    assert created.birthday == NOW.date()


def test_update_changes_fields_and_bumps_the_version(services: Services) -> None:
    created = services.customers.create(CustomerDraft(name="Ann", tags=("vip",)))
    draft = CustomerDraft(name="Ann Smith", company="Bakery", consent_contact=True,
                          tags=("regular",))
    updated = services.customers.update(created.id, draft, expected_version=created.version)
    assert (updated.name, updated.company, updated.tags) == ("Ann Smith", "Bakery",
                                                             ("regular",))
    assert updated.consent_contact is True
    assert updated.version == created.version + 1
    assert services.customers.get(created.id) == updated


def test_a_failed_update_changes_nothing(services: Services) -> None:
    created = services.customers.create(CustomerDraft(name="Ann", email="ann@example.com"))
    with pytest.raises(ValidationError) as caught:
        services.customers.update(created.id, CustomerDraft(name="Ann B", email="nope"))
    assert list(caught.value.fields) == ["email"]
    assert services.customers.get(created.id) == created


def test_a_customer_cannot_refer_themselves(services: Services) -> None:
    created = services.customers.create(CustomerDraft(name="Ann"))
    with pytest.raises(ValidationError) as caught:
        services.customers.update(created.id,
                                  CustomerDraft(name="Ann", referred_by_id=created.id))
    assert caught.value.fields == {"referred_by": "A customer cannot refer themselves."}


def test_update_with_a_stale_version_is_a_conflict(services: Services) -> None:
    created = services.customers.create(CustomerDraft(name="Ann"))
    services.customers.update(created.id, CustomerDraft(name="Ann Smith"),
                              expected_version=created.version)
    with pytest.raises(ConflictError, match="changed elsewhere"):
        services.customers.update(created.id, CustomerDraft(name="Annie"),
                                  expected_version=created.version)
    assert services.customers.get(created.id).name == "Ann Smith"


def test_update_of_a_missing_customer(services: Services) -> None:
    with pytest.raises(NotFoundError):
        services.customers.update(42, CustomerDraft(name="Nobody"))


def test_archive_restore_and_delete(services: Services) -> None:
    ann, bob, cy = (services.customers.create(CustomerDraft(name=n)).id
                    for n in ("Ann", "Bob", "Cy"))
    services.interactions.log(InteractionDraft(customer_id=bob, kind="call",
                                               occurred_at=NOW - timedelta(days=1)))

    assert services.customers.archive([ann, bob]) == 2
    assert services.customers.count() == 1
    assert services.customers.count(archived=True) == 2
    assert services.customers.list_ids(CustomerQuery()) == [cy]
    assert services.customers.list_ids(CustomerQuery(archived=True)) == [ann, bob]
    archived = services.customers.get(ann)
    assert archived.archived is True and archived.version == 2

    assert services.customers.restore([ann]) == 1
    assert services.customers.list_ids(CustomerQuery()) == [ann, cy]
    assert services.customers.get(ann).archived is False

    assert services.customers.delete([bob, 999]) == 1
    with pytest.raises(NotFoundError):
        services.customers.get(bob)
    assert services.interactions.for_customer(bob) == []
    assert services.journey.history(bob) == []
    assert services.customers.count() + services.customers.count(archived=True) == 2


# -- tags -----------------------------------------------------------------------------------


def test_tags_are_created_once_whatever_the_case(services: Services) -> None:
    ann = services.customers.create(CustomerDraft(name="Ann", tags=("VIP", "vip", " Vip ")))
    bob = services.customers.create(CustomerDraft(name="Bob", tags=("vip", "Regular")))
    assert ann.tags == ("VIP",)
    tags = services.tags.all()
    assert [(t.name, t.customer_count) for t in tags] == [("Regular", 1), ("VIP", 2)]
    assert set(services.customers.get(bob.id).tags) == {"VIP", "Regular"}


def test_accented_tags_are_created_once_whatever_the_case(services: Services) -> None:
    services.customers.create(CustomerDraft(name="Ann", tags=("Été",)))
    services.customers.create(CustomerDraft(name="Bob", tags=("été",)))
    assert [(t.name, t.customer_count) for t in services.tags.all()] == [("Été", 2)]


def test_bulk_add_and_remove_a_tag(services: Services) -> None:
    ann, bob = (services.customers.create(CustomerDraft(name=n)).id for n in ("Ann", "Bob"))
    services.customers.add_tag([ann], "Spring event")
    services.customers.add_tag([ann, bob], "spring EVENT")
    tags = services.tags.all()
    assert [(t.name, t.customer_count) for t in tags] == [("Spring event", 2)]
    services.customers.remove_tag([ann], tags[0].id)
    assert services.customers.get(ann).tags == ()
    assert services.customers.get(bob).tags == ("Spring event",)
    with pytest.raises(ValidationError) as caught:
        services.customers.add_tag([ann], "   ")
    assert list(caught.value.fields) == ["tag"]


def test_tag_service_rename_and_delete(services: Services) -> None:
    ann = services.customers.create(CustomerDraft(name="Ann", tags=("vip", "regular")))
    ids = tag_ids(services)
    assert services.tags.rename(ids["vip"], " Very  important ").name == "Very important"
    with pytest.raises(ValidationError) as caught:
        services.tags.rename(ids["vip"], "REGULAR")
    assert "already a tag" in caught.value.fields["name"]
    with pytest.raises(ValidationError):
        services.tags.rename(ids["vip"], "")
    with pytest.raises(NotFoundError):
        services.tags.rename(999, "Ghost")
    services.tags.delete(ids["regular"])
    assert services.customers.get(ann.id).tags == ("Very important",)
    assert [t.name for t in services.tags.all()] == ["Very important"]


# -- journey moves --------------------------------------------------------------------------


def test_move_to_stage_writes_dated_history(services: Services) -> None:
    stages = stage_ids(services)
    ann, bob = (services.customers.create(CustomerDraft(name=n)).id for n in ("Ann", "Bob"))
    services.customers.move_to_stage([bob], stages["Loyal"])

    assert services.customers.move_to_stage([ann, bob], stages["Loyal"]) == 1

    assert services.customers.get(ann).stage_name == "Loyal"
    latest = services.journey.history(ann)[0]
    assert (latest.from_stage_name, latest.to_stage_name, latest.changed_at, latest.reason) == (
        "Prospect", "Loyal", NOW, StageChangeReason.MANUAL.value)
    assert len(services.journey.history(bob)) == 2  # created, then one move only
    with pytest.raises(NotFoundError):
        services.customers.move_to_stage([ann], 999)


def test_changing_the_stage_in_the_form_is_history_too(services: Services) -> None:
    stages = stage_ids(services)
    created = services.customers.create(CustomerDraft(name="Ann"))
    services.customers.update(created.id, CustomerDraft(name="Ann", stage_id=stages["Repeat"]))
    latest = services.journey.history(created.id)[0]
    assert (latest.from_stage_name, latest.to_stage_name, latest.reason) == (
        "Prospect", "Repeat", "manual")


# -- the list: sorting and filtering --------------------------------------------------------


def build_shop(db: Database, services: Services) -> dict[str, int]:
    """Four customers whose every sortable column differs, with some columns blank."""
    stages = stage_ids(services)
    personas = persona_ids(services)

    def add(name: str, company: str, stage: str, persona: str | None,
            tags: tuple[str, ...]) -> int:
        return services.customers.create(CustomerDraft(
            name=name, company=company, stage_id=stages[stage],
            persona_id=personas[persona] if persona else None, tags=tags)).id

    ids = {
        "Ann": add("Ann", "Zeta Ltd", "Repeat", "Spontaneous", ("vip",)),
        "bob": add("bob", "", "Prospect", None, ()),
        "Cy": add("Cy", "Acme", "Loyal", "Competitive", ("regular",)),
        "Dee": add("Dee", "", "First purchase", "Methodical", ("artist",)),
    }
    for name, when in (("Ann", datetime(2026, 11, 1, 9)), ("Cy", datetime(2026, 10, 1, 9)),
                       ("Dee", datetime(2026, 11, 15, 9))):
        services.interactions.log(InteractionDraft(customer_id=ids[name], kind="call",
                                                   occurred_at=when))
    with db.unit_of_work() as session:
        for name, due in (("Ann", date(2026, 12, 1)), ("bob", date(2026, 11, 25))):
            session.execute(update(Customer).where(Customer.id == ids[name])
                            .values(next_follow_up_on=due))
    return ids


@pytest.fixture
def shop(db: Database, services: Services) -> dict[str, int]:
    return build_shop(db, services)


@pytest.fixture(scope="module")
def sorted_shop(tmp_path_factory: pytest.TempPathFactory,
                ) -> Iterator[tuple[Services, dict[str, int]]]:
    """The same shop built once for the read-only sort cases."""
    db = open_database(tmp_path_factory.mktemp("sorting") / "shop.db")
    services = Services(db, clock=lambda: NOW)
    try:
        yield services, build_shop(db, services)
    finally:
        db.close()



SORT_CASES = [
    ("name", False, ["Ann", "bob", "Cy", "Dee"]),
    ("name", True, ["Dee", "Cy", "bob", "Ann"]),
    ("company", False, ["Cy", "Ann", "bob", "Dee"]),
    ("company", True, ["Ann", "Cy", "bob", "Dee"]),
    ("stage", False, ["bob", "Dee", "Ann", "Cy"]),
    ("stage", True, ["Cy", "Ann", "Dee", "bob"]),
    ("persona", False, ["Cy", "Dee", "Ann", "bob"]),
    ("persona", True, ["Ann", "Dee", "Cy", "bob"]),
    ("tags", False, ["Dee", "Cy", "Ann", "bob"]),
    ("tags", True, ["Ann", "Cy", "Dee", "bob"]),
    ("last_contact", False, ["Cy", "Ann", "Dee", "bob"]),
    ("last_contact", True, ["Dee", "Ann", "Cy", "bob"]),
    ("next_follow_up", False, ["bob", "Ann", "Cy", "Dee"]),
    ("next_follow_up", True, ["Ann", "bob", "Cy", "Dee"]),
]


@pytest.mark.parametrize(("sort", "descending", "expected"), SORT_CASES)
def test_list_sorts_by_every_column(sorted_shop: tuple[Services, dict[str, int]], sort: str,
                                    descending: bool, expected: list[str]) -> None:
    services, shop = sorted_shop
    ids = services.customers.list_ids(CustomerQuery(sort=sort, descending=descending))
    assert ids == [shop[name] for name in expected]


def test_every_sort_key_of_the_query_is_covered() -> None:
    keys = {getattr(case, "values", case)[0] for case in SORT_CASES}
    assert keys == {
        "name", "company", "stage", "persona", "tags", "last_contact", "next_follow_up"}


def test_ties_and_unknown_sort_keys_fall_back_to_name_then_id(services: Services) -> None:
    first = services.customers.create(CustomerDraft(name="Sam")).id
    second = services.customers.create(CustomerDraft(name="sam")).id
    alma = services.customers.create(CustomerDraft(name="Alma")).id
    assert services.customers.list_ids(CustomerQuery(sort="shoe size")) == [alma, first, second]
    assert services.customers.list_ids(CustomerQuery(sort="stage", descending=True)) == [
        alma, first, second]


def test_list_filters(services: Services, shop: dict[str, int]) -> None:
    stages = stage_ids(services)
    personas = persona_ids(services)
    tags = tag_ids(services)

    def names(query: CustomerQuery) -> list[str]:
        by_id = {v: k for k, v in shop.items()}
        return [by_id[i] for i in services.customers.list_ids(query)]

    assert names(CustomerQuery(stage_id=stages["Prospect"])) == ["bob"]
    assert names(CustomerQuery(stage_id=stages["Advocate"])) == []
    assert names(CustomerQuery(persona_id=personas["Competitive"])) == ["Cy"]
    assert names(CustomerQuery(tag_id=tags["vip"])) == ["Ann"]
    assert names(CustomerQuery(tag_id=tags["vip"], stage_id=stages["Repeat"])) == ["Ann"]
    assert names(CustomerQuery(tag_id=tags["vip"], stage_id=stages["Loyal"])) == []

    services.customers.archive([shop["Dee"], shop["Cy"]])
    assert names(CustomerQuery()) == ["Ann", "bob"]
    assert names(CustomerQuery(archived=True)) == ["Cy", "Dee"]
    assert names(CustomerQuery(archived=True, tag_id=tags["artist"])) == ["Dee"]
    assert names(CustomerQuery(persona_id=personas["Competitive"])) == []


def test_rows_come_in_the_order_of_the_ids(services: Services, shop: dict[str, int]) -> None:
    order = [shop["Dee"], shop["Ann"], 999, shop["bob"]]
    rows = services.customers.rows(order)
    assert [row.id for row in rows] == [shop["Dee"], shop["Ann"], shop["bob"]]
    dee, ann, bob = rows
    assert (ann.name, ann.company, ann.stage_name, ann.persona_name, ann.tags) == (
        "Ann", "Zeta Ltd", "Repeat", "Spontaneous", "vip")
    assert ann.last_contact_at == datetime(2026, 11, 1, 9)
    assert ann.next_follow_up_on == date(2026, 12, 1)
    assert (bob.persona_name, bob.tags, bob.last_contact_at, bob.next_follow_up_on) == (
        "", "", None, date(2026, 11, 25))
    assert dee.stage_name == "First purchase"
    assert services.customers.rows([]) == []


def test_the_list_shows_tags_in_the_same_order_as_the_profile(services: Services) -> None:
    created = services.customers.create(CustomerDraft(name="Ann", tags=("zeta", "alpha")))
    assert services.customers.get(created.id).tags == ("alpha", "zeta")
    assert services.customers.rows([created.id])[0].tags == "alpha, zeta"


def test_referrals_of(services: Services) -> None:
    ann = services.customers.create(CustomerDraft(name="Ann")).id
    cy = services.customers.create(CustomerDraft(name="Cy", referred_by_id=ann)).id
    bob = services.customers.create(CustomerDraft(name="bob", referred_by_id=ann)).id
    services.customers.create(CustomerDraft(name="Dee", referred_by_id=cy))
    assert [row.id for row in services.customers.referrals_of(ann)] == [bob, cy]
    assert services.customers.referrals_of(bob) == []
    services.customers.delete([ann])
    assert services.customers.get(cy).referred_by_id is None


# -- interactions ---------------------------------------------------------------------------


def purchase(services: Services, customer_id: int, when: datetime, cents: int = 2500):
    return services.interactions.log(InteractionDraft(
        customer_id=customer_id, kind="purchase", occurred_at=when, summary="Bread",
        sentiment="happy", amount_cents=cents))


def test_purchases_move_a_prospect_along_the_journey(services: Services) -> None:
    ann = services.customers.create(CustomerDraft(name="Ann")).id
    day = datetime(2026, 11, 2, 11, 30)

    first = purchase(services, ann, day)
    assert first.stage_change is not None
    assert (first.stage_change.from_stage_name, first.stage_change.to_stage_name) == (
        "Prospect", "First purchase")
    assert first.interaction.amount_cents == 2500
    second = purchase(services, ann, day + timedelta(days=7))
    assert second.stage_change is not None
    assert second.stage_change.to_stage_name == "Repeat"
    third = purchase(services, ann, day + timedelta(days=14))
    assert third.stage_change is None

    record = services.customers.get(ann)
    assert record.stage_name == "Repeat"
    assert record.last_contact_at == day + timedelta(days=14)
    # Dated when the purchase happened, not when it was typed in.
    moves = [(h.from_stage_name, h.to_stage_name, h.changed_at)
             for h in services.journey.history(ann) if h.reason == "purchase"]
    assert moves == [
        ("First purchase", "Repeat", day + timedelta(days=7)),
        ("Prospect", "First purchase", day),
    ]


def test_a_lapsed_customer_who_buys_comes_back_as_repeat(services: Services) -> None:
    lapsed = stage_ids(services)["Lapsed"]
    ann = services.customers.create(CustomerDraft(name="Ann", stage_id=lapsed)).id
    logged = purchase(services, ann, NOW)
    assert logged.stage_change is not None
    assert (logged.stage_change.from_stage_name, logged.stage_change.to_stage_name) == (
        "Lapsed", "Repeat")


def test_a_purchase_at_a_later_stage_leaves_it(services: Services) -> None:
    loyal = stage_ids(services)["Loyal"]
    ann = services.customers.create(CustomerDraft(name="Ann", stage_id=loyal)).id
    assert purchase(services, ann, NOW).stage_change is None
    assert services.customers.get(ann).stage_name == "Loyal"


def test_other_interactions_update_last_contact_but_never_go_back_in_time(
        services: Services) -> None:
    ann = services.customers.create(CustomerDraft(name="Ann")).id
    recent = datetime(2026, 11, 18, 15, 0)
    logged = services.interactions.log(InteractionDraft(
        customer_id=ann, kind="call", occurred_at=recent, summary="  Asked about cakes ",
        amount_cents=999))
    assert logged.stage_change is None
    assert logged.interaction.summary == "Asked about cakes"
    assert logged.interaction.amount_cents is None  # only purchases carry an amount
    services.interactions.log(InteractionDraft(customer_id=ann, kind="visit",
                                               occurred_at=datetime(2026, 1, 5, 10)))
    record = services.customers.get(ann)
    assert record.last_contact_at == recent
    assert record.stage_name == "Prospect"
    assert [i.kind for i in services.interactions.for_customer(ann)] == ["call", "visit"]
    assert len(services.interactions.for_customer(ann, limit=1)) == 1


def test_bad_interactions_get_field_messages_and_write_nothing(services: Services) -> None:
    ann = services.customers.create(CustomerDraft(name="Ann")).id
    with pytest.raises(ValidationError) as caught:
        services.interactions.log(InteractionDraft(
            customer_id=ann, kind="telepathy", occurred_at=datetime(2062, 11, 20),
            sentiment="ecstatic"))
    assert set(caught.value.fields) == {"kind", "occurred_at", "sentiment"}
    assert "more than a year ahead" in caught.value.fields["occurred_at"]
    with pytest.raises(ValidationError) as caught:
        services.interactions.log(InteractionDraft(
            customer_id=ann, kind="purchase", occurred_at=NOW, amount_cents=-100))
    assert caught.value.fields == {"amount": "The amount cannot be negative."}
    assert services.interactions.for_customer(ann) == []
    record = services.customers.get(ann)
    assert (record.stage_name, record.last_contact_at, record.version) == ("Prospect", None, 1)


def test_logging_for_a_missing_customer(services: Services) -> None:
    with pytest.raises(NotFoundError):
        services.interactions.log(InteractionDraft(customer_id=404, kind="call",
                                                   occurred_at=NOW))


# -- the journey's stages -------------------------------------------------------------------


def test_add_edit_and_reorder_stages(services: Services) -> None:
    champion = services.journey.add(" Champion ", playbook=" Ask for a testimonial. ",
                                    contact_rhythm_days=30)
    assert (champion.name, champion.playbook, champion.contact_rhythm_days) == (
        "Champion", "Ask for a testimonial.", 30)
    assert [s.name for s in services.journey.stages()][-1] == "Champion"

    with pytest.raises(ValidationError) as caught:
        services.journey.add("prospect")
    assert "already a stage" in caught.value.fields["name"]
    with pytest.raises(ValidationError) as caught:
        services.journey.add("", contact_rhythm_days=0)
    assert set(caught.value.fields) == {"name", "contact_rhythm_days"}

    edited = services.journey.edit(champion.id, "Fan", "Thank them.", None)
    assert (edited.name, edited.playbook, edited.contact_rhythm_days) == (
        "Fan", "Thank them.", None)
    # Keeping its own name (in another case) is not a clash.
    assert services.journey.edit(champion.id, "FAN", "", 10).name == "FAN"
    with pytest.raises(NotFoundError):
        services.journey.edit(999, "Ghost", "", None)

    ids = [s.id for s in services.journey.stages()]
    services.journey.reorder(list(reversed(ids)))
    assert [s.id for s in services.journey.stages()] == list(reversed(ids))
    with pytest.raises(ValidationError):
        services.journey.reorder(ids[:-1])


def test_stage_history_keeps_names_as_they_were(services: Services) -> None:
    stages = stage_ids(services)
    ann = services.customers.create(CustomerDraft(name="Ann")).id
    services.journey.edit(stages["Prospect"], "Curious", "", 21)
    assert services.customers.get(ann).stage_name == "Curious"
    assert services.journey.history(ann)[0].to_stage_name == "Prospect"


def test_removing_a_stage_with_customers_needs_a_target(db: Database,
                                                        services: Services) -> None:
    stages = stage_ids(services)
    ann, bob = (services.customers.create(CustomerDraft(
        name=n, stage_id=stages["Advocate"])).id for n in ("Ann", "Bob"))
    cy = services.customers.create(CustomerDraft(name="Cy")).id
    history_before = history_rows(db)

    with pytest.raises(ValidationError) as caught:
        services.journey.remove(stages["Advocate"])
    assert "2 customers are at 'Advocate'" in caught.value.fields["move_to"]
    with pytest.raises(ValidationError):
        services.journey.remove(stages["Advocate"], move_customers_to=stages["Advocate"])
    assert history_rows(db) == history_before

    services.journey.remove(stages["Advocate"], move_customers_to=stages["Loyal"])

    assert "Advocate" not in stage_ids(services)
    for customer_id in (ann, bob):
        record = services.customers.get(customer_id)
        assert record.stage_name == "Loyal"
        assert record.version == 2
        latest = services.journey.history(customer_id)[0]
        assert (latest.from_stage_name, latest.to_stage_name, latest.changed_at,
                latest.reason) == ("Advocate", "Loyal", NOW,
                                   StageChangeReason.STAGE_REMOVED.value)
    assert services.customers.get(cy).stage_name == "Prospect"
    assert history_rows(db) == history_before + 2
    counts = {s.name: s.customer_count for s in services.journey.stages()}
    assert counts["Loyal"] == 2 and counts["Prospect"] == 1


def test_removing_an_empty_stage_and_the_last_stage(services: Services) -> None:
    stages = stage_ids(services)
    services.journey.remove(stages["Lapsed"])
    assert "Lapsed" not in stage_ids(services)
    with pytest.raises(NotFoundError):
        services.journey.remove(stages["Lapsed"])
    remaining = list(stage_ids(services).values())
    for stage_id in remaining[1:]:
        services.journey.remove(stage_id)
    with pytest.raises(ValidationError) as caught:
        services.journey.remove(remaining[0])
    assert list(caught.value.fields) == ["stage"]


# -- personas -------------------------------------------------------------------------------


def test_personas_create_edit_and_delete(services: Services) -> None:
    assert [p.name for p in services.personas.all()] == [
        "Competitive", "Humanistic", "Methodical", "Spontaneous"]
    methodical = services.personas.get(persona_ids(services)["Methodical"])
    assert methodical.asks == "How exactly does it work?"
    assert "An in-depth demo or workshop" in methodical.gesture_ideas

    collector = services.personas.save(
        None, " Collector ", decides="slowly, on rarity", motivation=" Owns the full set ",
        gesture_ideas=(" First pick of new stock ", "", "A catalogue"))
    assert (collector.name, collector.motivation, collector.gesture_ideas) == (
        "Collector", "Owns the full set", ("First pick of new stock", "A catalogue"))
    with pytest.raises(ValidationError) as caught:
        services.personas.save(None, "competitive")
    assert "already a persona" in caught.value.fields["name"]
    with pytest.raises(ValidationError):
        services.personas.save(collector.id, "  ")
    renamed = services.personas.save(collector.id, "Completist")
    assert renamed.id == collector.id and renamed.name == "Completist"
    with pytest.raises(NotFoundError):
        services.personas.save(999, "Ghost")

    ann = services.customers.create(CustomerDraft(name="Ann", persona_id=collector.id)).id
    assert {p.name: p.customer_count for p in services.personas.all()}["Completist"] == 1
    services.personas.delete(collector.id)
    record = services.customers.get(ann)
    assert (record.persona_id, record.persona_name) == (None, "")
    with pytest.raises(NotFoundError):
        services.personas.get(collector.id)
