"""The search box: typed text made safe for FTS5, then found in a real database file."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from smallbiz_crm.domain.records.customers import CustomerDraft, CustomerQuery
from smallbiz_crm.domain.search import fts_query, phone_search_tokens
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import BusinessCalendarSettings
from smallbiz_crm.store.opening import open_database

# -- the query text -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "   ", "\t\n", '"', "-", "*", "()", "!!!", "'", ":",
                                   "^", '""', "- * ( ) :"])
def test_nothing_to_search_for(typed: str) -> None:
    assert fts_query(typed) is None


@pytest.mark.parametrize(("typed", "query"), [
    ("ann", '"ann"*'),
    ("  Ann   Smith ", '"Ann"* "Smith"*'),
    ('O"Brien', '"O"* "Brien"*'),
    ("O'Brien", '"O"* "Brien"*'),
    ("self-made", '"self"* "made"*'),
    ("-ann", '"ann"*'),
    ("smith -ann", '"smith"* "ann"*'),
    ("ann*", '"ann"*'),
    ("NEAR", '"NEAR"*'),
    ("NEAR(ann bob)", '"NEAR"* "ann"* "bob"*'),
    ("ann OR bob", '"ann"* "OR"* "bob"*'),
    ("ann AND NOT bob", '"ann"* "AND"* "NOT"* "bob"*'),
    ("name:ann", '"name"* "ann"*'),
    ("(ann)", '"ann"*'),
    ("José", '"José"*'),
    ("12", '"12"*'),
    ("ann 2026", '"ann"* "2026"*'),
])
def test_words_are_quoted_prefixes(typed: str, query: str) -> None:
    assert fts_query(typed) == query


@pytest.mark.parametrize(("typed", "query"), [
    ("(202) 555-01", 'phone_search : "20255501"*'),
    ("+1 202", 'phone_search : "1202"*'),
    ("202.555.0143", 'phone_search : "2025550143"*'),
    ("+44 20 7946 0958", 'phone_search : "442079460958"*'),
    ("5550143", '(phone_search : "5550143"*) OR "5550143"*'),
    ("2026", '(phone_search : "2026"*) OR "2026"*'),
    ("+555", '(phone_search : "555"*) OR "555"*'),
])
def test_phone_like_text_searches_the_digits(typed: str, query: str) -> None:
    assert fts_query(typed) == query


def test_phone_search_tokens_are_every_suffix() -> None:
    assert phone_search_tokens("12025550143").split() == [
        "12025550143", "2025550143", "025550143", "25550143", "5550143", "550143", "50143",
        "0143", "143"]
    assert phone_search_tokens("12") == "12"
    assert phone_search_tokens("") == ""


_QUOTED_WORDS = re.compile(r'^(?:"(?:[^"]|"")+"\* ?)+$')


@given(st.text())
def test_any_text_gives_none_or_a_query_sqlite_accepts(text: str) -> None:
    query = fts_query(text)
    if query is None:
        return
    assert _QUOTED_WORDS.match(query) or query.startswith(("phone_search", "(phone_search"))
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(name, phone_search, "
                     "tokenize=\"unicode61 remove_diacritics 2\")")
        conn.execute("INSERT INTO t VALUES ('José Álvarez', '5550143 550143 50143')")
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,)).fetchall()
    finally:
        conn.close()


# -- finding customers ----------------------------------------------------------------------


def add_people(services: Services) -> dict[str, int]:
    def add(draft: CustomerDraft) -> int:
        return services.customers.create(draft).id

    return {
        "jose": add(CustomerDraft(
            name="José Álvarez", company="Casa Álvarez", email="jose.alvarez@example.com",
            phone="(202) 555-0143", notes="Daughter starts university in May.")),
        "mary": add(CustomerDraft(
            name="Mary O'Brien", company="Blue Door Café", email="mary@bluedoor.example",
            phone="+44 20 7946 0958", notes="Prefers phone after 6pm")),
        "zoe": add(CustomerDraft(
            name="Zoë Smith", email="zoe@example.org",
            notes='Allergic to nuts; asks for "special" orders - no NEAR misses')),
    }


@pytest.fixture
def people(services: Services) -> dict[str, int]:
    return add_people(services)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, dict[str, int]]]:
    """One database for the read-only searches: built once, not once per typed text."""
    db = open_database(tmp_path_factory.mktemp("search") / "shop.db")
    services = Services(db, clock=lambda: datetime(2026, 11, 20, 10, 0))
    try:
        yield services, add_people(services)
    finally:
        db.close()


def find(services: Services, text: str, archived: bool = False) -> list[int]:
    return services.customers.list_ids(CustomerQuery(text=text, archived=archived))


@pytest.mark.parametrize(("typed", "who"), [
    ("jose", ["jose"]),
    ("JOSÉ", ["jose"]),
    ("José Álvarez", ["jose"]),
    ("alva", ["jose"]),
    ("alvarez jose", ["jose"]),
    ("casa", ["jose"]),
    ("cafe", ["mary"]),
    ("blue door", ["mary"]),
    ("bluedoor", ["mary"]),
    ("o'brien", ["mary"]),
    ("zoe", ["zoe"]),
    ("smi", ["zoe"]),
    ("example.org", ["zoe"]),
    ("example", ["jose", "mary", "zoe"]),
    ("jose.alvarez@example.com", ["jose"]),
    ("university", ["jose"]),
    ("6pm", ["mary"]),
    ("nuts", ["zoe"]),
    ('"special"', ["zoe"]),
    ("special", ["zoe"]),
    ("NEAR", ["zoe"]),
    ("- no", ["zoe"]),
])
def test_finds_by_name_company_email_and_notes(
        shared: tuple[Services, dict[str, int]], typed: str, who: list[str]) -> None:
    services, people = shared
    assert find(services, typed) == [people[name] for name in who]


@pytest.mark.parametrize(("typed", "who"), [
    ("555", ["jose"]),
    ("0143", ["jose"]),
    ("5550143", ["jose"]),
    ("550", ["jose"]),
    ("2025550143", ["jose"]),
    ("(202) 555-01", ["jose"]),
    ("202-555", ["jose"]),
    ("+1 202", ["jose"]),
    ("7946", ["mary"]),
    ("0958", ["mary"]),
    ("20 7946 09", ["mary"]),
    ("+44 20 7946 0958", ["mary"]),
    ("079", ["mary"]),
    ("999 999", []),
])
def test_finds_by_any_part_of_the_phone_number(
        shared: tuple[Services, dict[str, int]], typed: str, who: list[str]) -> None:
    services, people = shared
    assert find(services, typed) == [people[name] for name in who]


@pytest.mark.parametrize("typed", ['"', "-", "*", "NEAR(", "(", ")", "ann AND", "OR",
                                   "NOT zoe", "^zoe", "zoe:", "name:", "a\"b", "'",
                                   "phone_search:", "{name}: x", "     ", "!!!"])
def test_fts_syntax_typed_by_mistake_never_breaks_the_list(
        shared: tuple[Services, dict[str, int]], typed: str) -> None:
    services, people = shared
    found = find(services, typed)
    assert set(found) <= set(people.values())


def test_search_combines_with_filters_and_follows_edits(services: Services,
                                                        people: dict[str, int]) -> None:
    assert find(services, "example") == [people["jose"], people["mary"], people["zoe"]]
    tagged = services.customers.create(CustomerDraft(name="Example Person", tags=("vip",)))
    vip = services.tags.all()[0].id
    assert services.customers.list_ids(CustomerQuery(text="example", tag_id=vip)) == [
        tagged.id]

    mary = services.customers.get(people["mary"])
    draft = mary.to_draft()
    services.customers.update(mary.id, CustomerDraft(
        name="Mary Walsh", company=draft.company, email=draft.email, phone="",
        notes=draft.notes))
    assert find(services, "o'brien") == []
    assert find(services, "walsh") == [mary.id]
    assert find(services, "7946") == []

    services.customers.archive([people["zoe"]])
    assert find(services, "zoe") == []
    assert find(services, "zoe", archived=True) == [people["zoe"]]
    assert [row.id for row in services.customers.search("zoe", include_archived=True)] == [
        people["zoe"]]

    services.customers.delete([people["jose"]])
    assert find(services, "jose") == []


def test_search_returns_rows_and_respects_the_limit(services: Services,
                                                    people: dict[str, int]) -> None:
    rows = services.customers.search("example", limit=2)
    assert [row.id for row in rows] == [people["jose"], people["mary"]]
    assert rows[0].phone == "+1 202-555-0143"


_TRICKY = st.text(alphabet=st.sampled_from(list('"*-+()^:.,;{}[]NEAROTDn 0123456789éÉ_\'')))


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(st.text(), _TRICKY))
def test_any_typed_text_never_raises(shared: tuple[Services, dict[str, int]],
                                     text: str) -> None:
    services, people = shared
    found = services.customers.list_ids(CustomerQuery(text=text))
    assert set(found) <= set(people.values())
    assert services.customers.rows(found) == services.customers.rows(found)


def test_a_number_typed_the_national_way_is_found(db: Database, services: Services) -> None:
    with db.unit_of_work() as session:
        session.execute(update(BusinessCalendarSettings).values(country="GB"))
    ann = services.customers.create(CustomerDraft(name="Ann", phone="020 7946 0958")).id
    assert find(services, "7946 0958") == [ann]
    assert find(services, "020 7946 0958") == [ann]


def test_one_letter_lists_names_starting_with_it(services) -> None:  # type: ignore[no-untyped-def]
    from smallbiz_crm.domain.records.customers import CustomerDraft, CustomerQuery

    ids = {name: services.customers.create(CustomerDraft(name=name)).id
           for name in ("Ann Lee", "anders Berg", "Bob Alder", "Cy Adams")}
    found = services.customers.list_ids(CustomerQuery(text="a"))
    assert found == [ids["anders Berg"], ids["Ann Lee"]]
    # From the second letter on, every word of every field counts again.
    assert set(services.customers.list_ids(CustomerQuery(text="ad"))) == {ids["Cy Adams"]}
