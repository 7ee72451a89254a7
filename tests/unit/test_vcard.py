"""vCard import (3.0 and 4.0, real-shaped files) and export, and the round trip between them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text

from smallbiz_crm.domain.content_lines import fold
from smallbiz_crm.domain.records.customers import CustomerDraft, CustomerQuery, CustomerRecord
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.exporting import export_vcard
from smallbiz_crm.services.import_reading import ImportFileError, ImportRejected
from smallbiz_crm.services.importing import (
    apply_import,
    import_file,
    import_vcard,
    plan_import,
    read_file,
    undo_import,
)
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.vcard import (
    VCardContact,
    card_text,
    escape,
    read_vcard,
    split_name,
)
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Customer, Tag
from smallbiz_crm.store.opening import open_database

NOW = datetime(2026, 11, 20, 10, 0)
SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


def clock() -> datetime:
    return NOW


def records(services: Services) -> dict[str, CustomerRecord]:
    ids = services.customers.list_ids(CustomerQuery())
    return {r.name: r for r in (services.customers.get(i) for i in ids)}


def everyone(services: Services) -> list[CustomerRecord]:
    """Every customer, archived ones too."""
    with services.db.read() as session:
        ids = session.execute(select(Customer.id)).scalars().all()
    return [services.customers.get(i) for i in ids]


def write(tmp_path: Path, content: str, name: str = "contacts.vcf") -> Path:
    path = tmp_path / name
    path.write_bytes(content.replace("\n", "\r\n").encode())
    return path


# -- real-shaped files ------------------------------------------------------------------------


def test_apple_contacts_vcard_3(db: Database, services: Services) -> None:
    raw = read_vcard(SAMPLES / "apple-contacts.vcf")
    assert raw.source == "vcard" and raw.versions == ("3.0",) and len(raw.rows) == 4

    result = import_vcard(db, SAMPLES / "apple-contacts.vcf", clock=clock)

    assert result.imported == 4 and result.problems == ()
    assert [(n.line, n.field) for n in result.notices] == [(35, "birthday")]
    found = records(services)
    maria = found["Maria Delgado"]
    assert maria.company == "Delgado Flowers" and maria.kind == "person"
    # The preferred email and phone come first; the others are kept in the notes.
    assert maria.email == "maria.delgado@example.com" and maria.phone == "+1 555-201-0147"
    assert maria.notes == ("Prefers a call after 6pm.\nAllergic to lilies.\n"
                           "Other emails: maria.d@example.net\n"
                           "Other phones: (555) 201-0148")
    assert maria.address == "12 Rosewood Lane\nSpringfield, IL 62704\nUnited States"
    assert maria.birthday == date(1985, 3, 14)
    bakery = found["Becker & Sons Bakery"]
    assert bakery.kind == "business" and bakery.company == "Becker & Sons Bakery"
    assert bakery.phone == "+1 555-201-0188"
    grace = found["Grace Okafor"]
    # Apple writes a birthday without a year as 1604-06-21: no made-up year is stored.
    assert grace.birthday is None
    assert grace.notes == "Birthday club member\nBirthday: 21 June (year not known)"
    fournier = found["Jean-Luc Fournier"]
    assert fournier.company == "Atelier Fournier"  # the department after ; is left out
    assert fournier.notes == "Speaks French and English; prefers email."
    assert fournier.phone == "+33 1 42 68 53 00"
    assert fournier.address == "8 Rue des Lilas\nParis, 75019\nFrance"
    with db.read() as session:
        assert session.execute(text("SELECT DISTINCT source FROM import_batch")).scalars().all() \
            == ["vcard"]


def test_nextcloud_vcard_4(db: Database, services: Services) -> None:
    raw = read_file(SAMPLES / "nextcloud-contacts-v4.vcf")
    assert raw.source == "vcard" and raw.versions == ("4.0",)
    assert len(raw.rows) == 4  # the KIND:group card lists members; it is no customer

    result = import_file(db, SAMPLES / "nextcloud-contacts-v4.vcf", clock=clock)

    assert result.imported == 4
    assert [(n.line, n.field) for n in result.notices] == [(31, "birthday"), (43, "birthday")]
    found = records(services)
    hannah = found["Hannah Müller"]
    assert hannah.email == "hannah.mueller@example.de"  # PREF=1
    assert hannah.phone == "+49 1512 3456789"  # tel: URI, PREF=1
    assert "Other emails: hannah@mueller-familie.example" in hannah.notes
    assert "Other phones: +49-30-901820" in hannah.notes
    assert hannah.address == "Friedrichstraße 12\nBerlin, 10117\nGermany"
    assert hannah.birthday == date(1990, 7, 14)  # 19900714
    assert hannah.tags == ("Newsletter", "Wholesale")
    ortega = found["Ortega Catering"]
    assert ortega.kind == "business" and ortega.phone == "+1 555-201-0134 ext. 12"
    assert ortega.tags == ("Catering, events", "Wholesale")  # an escaped comma stays
    kenji = found["Kenji Watanabe"]
    assert kenji.birthday is None
    assert kenji.notes.endswith("Call before visiting.\nBirthday: 24 December (year not known)")
    asa = found["Åsa Öberg"]
    assert asa.notes == "Birthday: circa 1960" and asa.phone == "+46 8 123 456 78"


def test_names_from_n_when_fn_is_missing_and_org_alone(tmp_path: Path, db: Database,
                                                       services: Services) -> None:
    path = write(tmp_path, "BEGIN:VCARD\nVERSION:3.0\nN:Lee;Ann;Marie;Dr.;PhD\nEND:VCARD\n"
                           "BEGIN:VCARD\nVERSION:3.0\nN:;;;;\nORG:Corner Shop;Sales\nEND:VCARD\n")
    import_vcard(db, path, clock=clock)
    found = records(services)
    assert set(found) == {"Dr. Ann Marie Lee PhD", "Corner Shop"}
    assert found["Corner Shop"].kind == "business"


def test_vcard_2_1_quoted_printable(tmp_path: Path, db: Database, services: Services) -> None:
    # What older Android phones and Outlook export.
    path = write(tmp_path, "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
                           "M=C3=BCller;J=C3=BCrgen;;;\n"
                           "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\n"
                           "TEL;CELL:+49 151 23456789\nEND:VCARD\n")
    import_vcard(db, path, clock=clock)
    assert set(records(services)) == {"Jürgen Müller"}


# -- bad files --------------------------------------------------------------------------------


def test_a_bad_card_names_its_line_and_nothing_is_imported(tmp_path: Path, db: Database,
                                                          services: Services) -> None:
    path = write(tmp_path, "BEGIN:VCARD\nVERSION:3.0\nFN:Good One\nEND:VCARD\n"       # 1
                           "BEGIN:VCARD\nVERSION:3.0\nFN:Bad Mail\nEMAIL:not-an-email\n"  # 5
                           "END:VCARD\n"
                           "BEGIN:VCARD\nVERSION:3.0\nEMAIL:x@example.com\nEND:VCARD\n"    # 10
                           "BEGIN:VCARD\nVERSION:3.0\nFN:Cut short\n")                    # 14
    plan = plan_import(db, read_vcard(path))
    assert [(p.line, p.field) for p in plan.problems] == [
        (5, "email"), (10, "name"), (14, "card")]
    assert "END:VCARD" in plan.problems[2].message
    with pytest.raises(ImportRejected):
        apply_import(db, plan, clock=clock)
    assert services.customers.count() == 0


@pytest.mark.parametrize(("content", "words"), [
    ("Name,Email\nAnn,ann@example.com\n", "no BEGIN:VCARD"),
    ("BEGIN:VCARD\nVERSION:4.0\nKIND:group\nFN:Just a group\nEND:VCARD\n", "no contacts"),
])
def test_not_a_vcard_is_a_clear_error(tmp_path: Path, content: str, words: str) -> None:
    with pytest.raises(ImportFileError, match=words):
        read_vcard(write(tmp_path, content))


def test_empty_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="empty"):
        read_vcard(write(tmp_path, "  \n"))
    with pytest.raises(ImportFileError, match="Cannot read"):
        read_vcard(tmp_path / "nowhere.vcf")


CLEAR_ERRORS = (ImportFileError, ValidationError)
VCARD_LINES = ["BEGIN:VCARD", "END:VCARD", "VERSION:3.0", "VERSION:4.0", "FN:Ann Lee",
               "N:Lee;Ann;;;", "N:;;", "ORG:Shop;Dept", "EMAIL:ann@example.com", "EMAIL:bad",
               "TEL:555 201 0101", "TEL;VALUE=uri:tel:+1-555-201-0101;ext=2", "TEL:call me",
               "ADR:;;12 Main St;Town;ST;12345;US", "ADR:;;", "BDAY:1985-03-14", "BDAY:--0314",
               "BDAY:2090-01-01", "BDAY;VALUE=text:soon", "BDAY:1604-02-30", "NOTE:a\\nb",
               "CATEGORIES:a,b\\,c", "KIND:org", "KIND:group", "X-ABShowAs:COMPANY",
               "PHOTO;ENCODING=b;TYPE=JPEG:!!notbase64", "item1.EMAIL;type=pref:b@example.com",
               " folded", "=0A", "N;ENCODING=QUOTED-PRINTABLE:=C3=", "BEGIN:VCALENDAR",
               "END:VCALENDAR", ":", ";;;", "FN;", "FN:\\"]


def test_random_files_give_clear_errors(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "random.vcf"
    cards = st.lists(st.one_of(st.sampled_from(VCARD_LINES),
                               st.text(st.characters(exclude_categories=["Cs"]), max_size=30)),
                     max_size=14).map(lambda lines: "\r\n".join(lines).encode("utf-8"))

    @given(st.one_of(st.binary(max_size=400), cards,
                     st.text(max_size=200).map(lambda t: ("BEGIN:VCARD\n" + t).encode(
                         "utf-8", "surrogatepass"))))
    @settings(max_examples=300, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    def run(data: bytes) -> None:
        path.write_bytes(data)
        try:
            plan = plan_import(db, read_file(path, "vcard"), default_region="US")
            if plan.ok:
                result = apply_import(db, plan, path.name, clock)
                if result.batch_id is not None:
                    undo_import(db, result.batch_id, clock)
            else:
                with pytest.raises(ImportRejected):
                    apply_import(db, plan, path.name, clock)
        except CLEAR_ERRORS as exc:
            message = str(exc)
            assert message.strip()
            if isinstance(exc, ImportFileError):
                assert "\n" not in message

    run()


# -- writing ----------------------------------------------------------------------------------


def test_escape_and_fold() -> None:
    assert escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    line = "NOTE:" + "é" * 50 + "\\," * 30
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    for part in folded.split("\r\n")[:-1]:  # never between a backslash and what it escapes
        assert not part.endswith("\\") or part.endswith("\\\\")
    assert split_name("Ann Marie Lee") == ("Lee", "Ann Marie") and split_name("Cher") == (
        "", "Cher")


def test_card_text_reads_back_with_vobject() -> None:
    card = card_text(VCardContact(
        id=7, name="Zoë Núñez", company="Café; Crème, Ltd", email="zoe@example.com",
        phone="+1 555-201-0147", address="12 Main St, Apt 4\nSpringfield",
        birthday=date(1988, 12, 1), notes="Line one\nLine two; with, marks \\ too",
        tags=("VIP", "a,b")))
    assert card.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and card.endswith("END:VCARD\r\n")
    parsed = vobject.readOne(card)
    assert parsed.fn.value == "Zoë Núñez"
    assert (parsed.n.value.family, parsed.n.value.given) == ("Núñez", "Zoë")
    assert parsed.org.value == ["Café; Crème, Ltd"]
    assert parsed.adr.value.street == "12 Main St, Apt 4\nSpringfield"
    assert parsed.bday.value == "1988-12-01"
    assert parsed.note.value == "Line one\nLine two; with, marks \\ too"
    assert parsed.categories.value == ["VIP", "a,b"]
    assert parsed.uid.value == "customer-7@smallbiz-crm"


# -- the round trip ---------------------------------------------------------------------------

SAFE_TEXT = st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="\r")
LINES = st.text(st.one_of(SAFE_TEXT, st.just("\n")), max_size=60)
EMAILS = st.one_of(
    st.builds(lambda local, domain: f"{local}@{domain}",
              st.from_regex(r"[a-zA-Z0-9](?:[a-zA-Z0-9+_-]{0,10}[a-zA-Z0-9])?", fullmatch=True),
              st.sampled_from(["example.com", "post.example.net", "Example.ORG",
                               "bücher.example"])),
    st.sampled_from(["zoë@example.com", "O'Brien@example.ie", "user+tag@example.com"]))
PHONES = st.one_of(
    st.integers(0, 9999).map(lambda n: f"+1 555-201-{n:04d}"),
    st.integers(0, 9999).map(lambda n: f"(555) 201-{n:04d}"),
    st.integers(0, 9999).map(lambda n: f"+44 20 7946 {n:04d}"),
    st.integers(100000, 999999).map(lambda n: f"+49 30 {n}"),
    st.integers(0, 99).map(lambda n: f"+1 555 201 0147 ext {n}"))
DRAFTS = st.builds(
    CustomerDraft,
    name=st.text(SAFE_TEXT, min_size=1, max_size=40).filter(lambda s: s.strip()),
    kind=st.sampled_from(["person", "business"]),
    company=st.text(SAFE_TEXT, max_size=30),
    email=st.one_of(st.just(""), EMAILS),
    phone=st.one_of(st.just(""), PHONES),
    address=LINES,
    birthday=st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2020, 12, 31))),
    notes=LINES,
    tags=st.lists(st.text(SAFE_TEXT, min_size=1, max_size=15).filter(lambda s: s.strip()),
                  max_size=3, unique_by=lambda s: " ".join(s.split()).casefold()).map(tuple))
COMPARED = ("name", "kind", "company", "email", "phone", "address", "birthday", "notes", "tags")


def test_export_then_import_gives_the_same_contacts(tmp_path: Path, services: Services) -> None:
    target = open_database(tmp_path / "empty.db")
    target_services = Services(target, clock=clock)
    path = tmp_path / "out.vcf"

    @given(st.lists(DRAFTS, min_size=1, max_size=4))
    @settings(max_examples=120, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    def run(drafts: list[CustomerDraft]) -> None:
        for database in (services.db, target):
            with database.unit_of_work() as session:
                session.execute(delete(Customer))
                session.execute(delete(Tag))
        created = []
        for draft in drafts:
            try:
                created.append(services.customers.create(draft))
            except ValidationError:
                continue  # the app itself would not keep it
        if not created:
            return
        assert export_vcard(services.db, path, [c.id for c in created]) == len(created)

        result = import_vcard(target, path, clock=clock)

        assert result.imported == len(created) and result.notices == ()
        ids = target_services.customers.list_ids(CustomerQuery())
        imported = sorted((target_services.customers.get(i) for i in ids), key=lambda r: r.id)
        for before, after in zip((services.customers.get(c.id) for c in created), imported,
                                 strict=True):
            assert {f: getattr(after, f) for f in COMPARED} == {
                f: getattr(before, f) for f in COMPARED}

    try:
        run()
    finally:
        target.close()


def test_demo_database_round_trip(tmp_path: Path, db: Database, services: Services) -> None:
    from smallbiz_crm.services.demo import fill_demo

    fill_demo(db, 60)
    path = tmp_path / "everyone.vcf"
    assert export_vcard(db, path) == 60
    target = open_database(tmp_path / "empty.db")
    try:
        import_vcard(target, path, clock=clock)
        target_services = Services(target, clock=clock)
        before = sorted(repr([getattr(r, f) for f in COMPARED]) for r in everyone(services))
        after = sorted(repr([getattr(r, f) for f in COMPARED]) for r in everyone(target_services))
        assert len(before) == 60 and after == before
    finally:
        target.close()


def test_a_vcard_is_told_by_its_content_too(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes((SAMPLES / "apple-contacts.vcf").read_bytes())
    assert read_file(path).source == "vcard"
    utf16 = tmp_path / "phone.dat"
    utf16.write_bytes((SAMPLES / "apple-contacts.vcf").read_text().encode("utf-16"))
    raw = read_file(utf16)
    assert raw.source == "vcard" and raw.encoding == "utf-16" and len(raw.rows) == 4
    assert read_file(SAMPLES / "customers.csv").source == "csv"
    with pytest.raises(ImportFileError, match="csv or vcard"):
        read_file(path, "xlsx")


def test_a_vcard_keeps_an_apostrophe_before_an_equals_sign(tmp_path: Path,
                                                          services: Services) -> None:
    """Only a spreadsheet export guards formula-like cells with '; a vCard's ' is the owner's."""
    created = services.customers.create(CustomerDraft(name="Ann Lee", notes="'=that was a joke",
                                                      company="'+Plus Ltd"))
    path = tmp_path / "one.vcf"
    export_vcard(services.db, path, [created.id])
    target = open_database(tmp_path / "other.db")
    try:
        import_vcard(target, path, clock=clock)
        imported = Services(target, clock=clock).customers
        (customer_id,) = imported.list_ids(CustomerQuery())
        record = imported.get(customer_id)
        assert record.notes == "'=that was a joke"
        assert record.company == "'+Plus Ltd"
    finally:
        target.close()
