"""CSV import of customers: real files in every encoding and shape, into a real database."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, text

from smallbiz_crm.domain.kinds import StageChangeReason
from smallbiz_crm.domain.records.customers import CustomerDraft, CustomerQuery, CustomerRecord
from smallbiz_crm.domain.validation import Collector, ValidationError, check_email
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.import_reading import (
    ImportCancelled,
    ImportFileError,
    ImportRejected,
    read_csv,
)
from smallbiz_crm.services.import_values import parse_birthday
from smallbiz_crm.services.importing import (
    _EmailChecker,
    apply_import,
    default_choices,
    import_batches,
    import_counts,
    import_csv,
    last_undoable_import,
    plan_import,
    undo_import,
    undo_import_batch,
    with_choices,
)
from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import (
    Customer,
    CustomerTag,
    ImportBatch,
    JourneyStage,
    StageChange,
    Tag,
)

NOW = datetime(2026, 11, 20, 10, 0)
SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"

GOOD = """\
Name,Company,Email,Phone,Tags,Stage,Notes
Maria Delgado,,Maria.Delgado@Example.com,(555) 201-0147,"wholesale, florist",Repeat,Call after 6pm
Tom Becker,Becker & Sons,tom@becker.example,555-201-0188,wholesale;vip,loyal,"Rye flour, Fridays"
Aisha Rahman,,,+44 20 7946 0958,,,Met at the spring market
"""


def clock() -> datetime:
    return NOW


def write(tmp_path: Path, content: str, name: str = "customers.csv",
          encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return path


def count(db: Database, model: type[object]) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def snapshot(db: Database) -> dict[str, int]:
    return {model.__name__: count(db, model)
            for model in (Customer, Tag, CustomerTag, StageChange, ImportBatch)}


def search(services: Services, query: str) -> list[str]:
    ids = services.customers.list_ids(CustomerQuery(text=query))
    return [row.name for row in services.customers.rows(ids)]


def stage_names(services: Services) -> list[str]:
    return [stage.name for stage in services.journey.stages()]


# -- a good file ------------------------------------------------------------------------------


def test_good_file_imports_every_field(tmp_path: Path, db: Database,
                                       services: Services) -> None:
    result = import_csv(db, write(tmp_path, GOOD), dry_run=False, clock=clock)

    assert result.imported == 3 and result.row_count == 3
    assert result.problems == () and result.duplicates == ()
    assert set(result.tags_created) == {"wholesale", "florist", "vip"}
    ids = services.customers.list_ids(CustomerQuery())
    records = {r.name: r for r in (services.customers.get(i) for i in ids)}
    maria = records["Maria Delgado"]
    assert maria.email == "Maria.Delgado@example.com"  # the domain part is normalised
    assert maria.phone == "+1 555-201-0147"
    assert maria.stage_name == "Repeat"
    assert maria.tags == ("florist", "wholesale")
    assert maria.notes == "Call after 6pm"
    assert maria.created_at == NOW and maria.kind == "person"
    tom = records["Tom Becker"]
    assert tom.company == "Becker & Sons" and tom.stage_name == "Loyal"
    assert tom.tags == ("vip", "wholesale") and tom.notes == "Rye flour, Fridays"
    aisha = records["Aisha Rahman"]
    assert aisha.stage_name == stage_names(services)[0]  # empty stage: the first one
    assert aisha.phone == "+44 20 7946 0958" and aisha.email == ""

    # Search finds them by any part of the phone number, and by words.
    assert search(services, "201-0188") == ["Tom Becker"]
    assert search(services, "7946 09") == ["Aisha Rahman"]
    assert search(services, "0147") == ["Maria Delgado"]
    assert search(services, "spring") == ["Aisha Rahman"]

    with db.read() as session:
        batch = session.get(ImportBatch, result.batch_id)
        assert batch is not None
        assert (batch.source, batch.file_name, batch.row_count) == ("csv", "customers.csv", 3)
        assert batch.imported_at == NOW and batch.undone_at is None
        assert set(session.scalars(select(Customer.import_batch_id))) == {result.batch_id}
        changes = session.execute(select(StageChange.to_stage_name, StageChange.reason,
                                         StageChange.changed_at, StageChange.from_stage_id)
                                  ).all()
        assert sorted(c[0] for c in changes) == sorted(["Repeat", "Loyal", "Prospect"])
        assert {(c[1], c[2], c[3]) for c in changes} == {
            (StageChangeReason.IMPORT.value, NOW, None)}
        digits = {name: value for name, value in session.execute(
            select(Customer.name, Customer.phone_digits))}
        assert digits["Tom Becker"] == "15552010188"
        # The full-text index agrees with the table it indexes.
        session.execute(text("INSERT INTO customer_fts(customer_fts) VALUES ('integrity-check')"))

    # Customers made by hand after an import are still indexed (the trigger is back).
    services.customers.create(CustomerDraft(name="Late Comer", phone="555 201 0999"))
    assert search(services, "2010999") == ["Late Comer"]


def test_existing_tags_and_stages_match_without_case(tmp_path: Path, db: Database,
                                                     services: Services) -> None:
    services.tags.all()
    services.customers.create(CustomerDraft(name="Someone", tags=("VIP",)))
    path = write(tmp_path, "name,tags,stage\nZed,vip; New one ,  first   PURCHASE \n")

    result = import_csv(db, path, clock=clock)

    assert result.tags_created == ("New one",)
    zed = services.customers.search("Zed")[0]
    record = services.customers.get(zed.id)
    assert record.tags == ("New one", "VIP") and record.stage_name == "First purchase"
    assert count(db, Tag) == 2


def test_progress_is_reported_to_the_end(tmp_path: Path, db: Database) -> None:
    rows = "".join(f"Person {i},p{i}@example.com\n" for i in range(4500))
    seen: list[tuple[int, int]] = []
    raw = read_csv(write(tmp_path, "Name,Email\n" + rows))
    plan = plan_import(db, raw, default_region="US")
    result = apply_import(db, plan, "big.csv", clock, progress=lambda d, t: seen.append((d, t)))
    assert result.imported == 4500
    assert seen[-1] == (4500, 4500) and len(seen) >= 3
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


# -- headers, delimiters, encodings -------------------------------------------------------------


def test_headers_ignore_case_spaces_and_take_aliases(tmp_path: Path, db: Database,
                                                     services: Services) -> None:
    path = write(tmp_path, "FULL NAME,Organization,E-Mail,phone_number,Note,Labels,"
                           "Journey Stage,Favourite colour\n"
                           "Ann Lee,Lee Ltd,ann@example.com,555 201 0101,likes tea,a;b,"
                           "ADVOCATE,green\n")
    raw = read_csv(path)
    assert raw.columns["name"] == ("FULL NAME",)
    assert raw.columns["company"] == ("Organization",)
    assert raw.ignored_columns == ("Favourite colour",)
    result = import_csv(db, path, clock=clock)
    assert result.ignored_columns == ("Favourite colour",)
    ann = services.customers.get(services.customers.search("Ann")[0].id)
    assert (ann.company, ann.email, ann.phone, ann.notes, ann.tags, ann.stage_name) == (
        "Lee Ltd", "ann@example.com", "+1 555-201-0101", "likes tea", ("a", "b"), "Advocate")


@pytest.mark.parametrize("header", ["Mobile", "Phone Number", "TELEPHONE", "cell_phone"])
def test_phone_aliases(tmp_path: Path, header: str) -> None:
    raw = read_csv(write(tmp_path, f"Name,{header}\nAnn,555 201 0101\n"))
    assert raw.values(raw.rows[0])["phone"] == "555 201 0101"


@pytest.mark.parametrize(("first", "last"), [("First Name", "Last Name"),
                                             ("given_name", "FAMILY NAME")])
def test_first_and_last_names_are_combined(tmp_path: Path, db: Database, services: Services,
                                           first: str, last: str) -> None:
    path = write(tmp_path, f"{first},{last},Email\nAnn,Lee,ann@example.com\n,Solo,\nCher,,\n")
    plan = plan_import(db, read_csv(path))
    assert [customer.name for customer in plan.customers] == ["Ann Lee", "Solo", "Cher"]
    import_csv(db, path, clock=clock)
    assert search(services, "Ann") == ["Ann Lee"]


def test_first_and_last_fill_in_an_empty_full_name(tmp_path: Path, db: Database) -> None:
    raw = read_csv(write(tmp_path, "Name,First name,Last name\nAnn Lee,x,y\n,Bo,Ek\n"))
    assert [c.name for c in plan_import(db, raw).customers] == ["Ann Lee", "Bo Ek"]


def test_no_name_column_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "Jane Doe,jane@example.com\nJohn Roe,john@example.com\n")
    with pytest.raises(ImportFileError) as caught:
        read_csv(path)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert "no name column" in message and "Jane Doe" in message and "\n" not in message


@pytest.mark.parametrize(("content", "words"), [
    ("", "empty"),
    ("   \n\n", "empty"),
    ("Name,Email\n", "no customers"),
    ("Name,Email\n,\n , \n", "no customers"),
])
def test_empty_files_are_clear_errors(tmp_path: Path, content: str, words: str) -> None:
    with pytest.raises(ImportFileError, match=words):
        read_csv(write(tmp_path, content))


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="Cannot read"):
        read_csv(tmp_path / "nowhere.csv")
    with pytest.raises(ImportFileError, match="Cannot read"):
        read_csv(tmp_path)


@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
def test_delimiters(tmp_path: Path, db: Database, services: Services, delimiter: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Name", "Email", "Notes"])
    writer.writerow(["Ann Lee", "ann@example.com", "likes tea, coffee; and cake"])
    writer.writerow(["Bo Ek", "bo@example.com", "a, b, c, d, e"])
    path = write(tmp_path, buffer.getvalue())
    raw = read_csv(path)
    assert raw.delimiter == delimiter
    assert raw.values(raw.rows[0]) == {"name": "Ann Lee", "email": "ann@example.com",
                                  "notes": "likes tea, coffee; and cake"}
    assert import_csv(db, path, clock=clock).imported == 2
    assert search(services, "cake") == ["Ann Lee"]


def test_semicolon_file_with_decimal_commas(tmp_path: Path) -> None:
    # What a German or French spreadsheet writes: ; between cells, , inside numbers.
    path = write(tmp_path, "Name;Firma;Telefon;Notes\nJürgen Groß;Groß GmbH;030 901820;"
                           "spent 12,50 €\nAnna Weiß;;;paid 7,00\n")
    raw = read_csv(path)
    assert raw.delimiter == ";"
    assert raw.values(raw.rows[0])["notes"] == "spent 12,50 €"


def test_utf8_bom(tmp_path: Path, db: Database, services: Services) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(codecs.BOM_UTF8 + "Name,Email\nZoë Núñez,zoe@example.com\n".encode())
    raw = read_csv(path)
    assert raw.encoding == "utf-8-sig" and "name" in raw.columns
    import_csv(db, path, clock=clock)
    assert search(services, "zoe") == ["Zoë Núñez"]


def test_latin1_with_accents(tmp_path: Path, db: Database, services: Services) -> None:
    path = write(tmp_path, "Name;Company;Notes\nRené Lefèvre;Café Crème;très sympa\n"
                           "Åsa Öberg;;Straße\n", encoding="latin-1")
    raw = read_csv(path)
    assert raw.encoding in {"cp1252", "latin-1"}
    assert [raw.values(r)["name"] for r in raw.rows] == ["René Lefèvre", "Åsa Öberg"]
    import_csv(db, path, clock=clock)
    record = services.customers.get(services.customers.search("Rene")[0].id)
    assert (record.name, record.company, record.notes) == (
        "René Lefèvre", "Café Crème", "très sympa")


def test_cp1252_quotes_and_euro(tmp_path: Path) -> None:
    raw = read_csv(write(tmp_path, "Name,Notes\nAnn,“fine” – €5\n", encoding="cp1252"))
    assert raw.encoding == "cp1252" and raw.values(raw.rows[0])["notes"] == "“fine” – €5"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16(tmp_path: Path, db: Database, services: Services, encoding: str) -> None:
    # "utf-16" writes a byte order mark; the -le/-be files have none.
    content = "Name\tEmail\tPhone\r\nŁukasz Żółć\tlukasz@example.pl\t555 201 0111\r\n"
    path = write(tmp_path, content, encoding=encoding)
    raw = read_csv(path)
    assert raw.delimiter == "\t"
    assert raw.values(raw.rows[0])["name"] == "Łukasz Żółć"
    import_csv(db, path, clock=clock)
    assert search(services, "2010111") == ["Łukasz Żółć"]


def test_a_giant_cell_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="line 3"):
        read_csv(write(tmp_path, f"Name,Notes\nAnn,short\nBo,{'x' * 200_000}\n"))


def test_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 40)
    with pytest.raises(ImportFileError):
        read_csv(path)


def test_names_with_apostrophes_keep_their_cells(tmp_path: Path) -> None:
    # csv.Sniffer guesses ' as the quote character here; the reader must not follow it.
    raw = read_csv(write(tmp_path, "Name,Company,Notes\nSam O'Brien,O'Brien's,it's fine\n"
                                   "Dee D'Arcy,D'Arcy & Co,'quoted'\n"))
    assert raw.values(raw.rows[0]) == {"name": "Sam O'Brien", "company": "O'Brien's",
                                  "notes": "it's fine"}
    assert raw.values(raw.rows[1])["notes"] == "'quoted'"


# -- bad rows, line numbers, dry run ------------------------------------------------------------


BAD = """\
Name,Email,Phone,Stage
Ada Lovelace,ada@example.com,(555) 201-0101,Prospect
Bob Stone,bob(at)example.com,(555) 201-0102,Repeat
Cleo Park,cleo@example.com,(555) 201-0103,Loyal
,someone@example.com,(555) 201-0104,Prospect
Eve Adams,eve@example.com,(555) 201-0105,VIP
"""


def test_bad_rows_import_nothing_and_name_each_line(tmp_path: Path, db: Database,
                                                    services: Services) -> None:
    services.customers.create(CustomerDraft(name="Already here"))
    before = snapshot(db)
    path = write(tmp_path, BAD)

    with pytest.raises(ImportRejected) as caught:
        import_csv(db, path, dry_run=False, clock=clock)

    error = caught.value
    assert isinstance(error, ValidationError)
    assert [(p.line, p.field) for p in error.problems] == [
        (3, "email"), (5, "name"), (6, "stage")]
    assert "bob(at)example.com" in error.problems[0].message
    assert "cannot be empty" in error.problems[1].message
    assert "'VIP' is not a journey stage" in error.problems[2].message
    assert "Prospect" in error.problems[2].message  # it says which stages exist
    message = str(error)
    assert "Nothing was imported" in message and "3 rows" in message
    assert "Line 3, email" in message and "Line 5, name" in message and "Line 6" in message
    assert snapshot(db) == before


def test_apply_refuses_a_plan_with_problems(tmp_path: Path, db: Database) -> None:
    plan = plan_import(db, read_csv(write(tmp_path, BAD)))
    assert not plan.ok and len(plan.customers) == 2 and plan.row_count == 5
    before = snapshot(db)
    with pytest.raises(ImportRejected):
        apply_import(db, plan, "bad.csv", clock)
    assert snapshot(db) == before


def test_dry_run_writes_nothing(tmp_path: Path, db: Database) -> None:
    before = snapshot(db)
    result = import_csv(db, write(tmp_path, GOOD), dry_run=True, clock=clock)
    assert result.dry_run and result.imported == 0 and result.row_count == 3
    assert result.batch_id is None and result.problems == ()
    assert snapshot(db) == before

    bad = import_csv(db, write(tmp_path, BAD, "bad.csv"), dry_run=True, clock=clock)
    assert [p.line for p in bad.problems] == [3, 5, 6]
    assert snapshot(db) == before


def test_multi_line_cells_keep_line_numbers(tmp_path: Path, db: Database) -> None:
    content = ('Name,Notes,Email\n'                       # line 1
               'Ann,"first line\nsecond line\nthird",\n'  # lines 2-4
               'Bo,"x ""quoted"" y",bad-email\n'          # line 5
               '\n'                                       # line 6, blank
               'Cy,"a\r\nb",\n'                           # lines 7-8
               ',no name,\n')                             # line 9
    raw = read_csv(write(tmp_path, content))
    assert [row.line for row in raw.rows] == [2, 5, 7, 9]
    assert raw.values(raw.rows[0])["notes"] == "first line\nsecond line\nthird"
    plan = plan_import(db, raw)
    assert [(p.line, p.field) for p in plan.problems] == [(5, "email"), (9, "name")]


def test_leading_blank_lines_count(tmp_path: Path, db: Database) -> None:
    raw = read_csv(write(tmp_path, "\n\nName,Email\nAnn,nope\n"))
    assert raw.header_line == 3 and raw.rows[0].line == 4
    assert [p.line for p in plan_import(db, raw).problems] == [4]


def test_shifted_cells_are_a_problem(tmp_path: Path, db: Database) -> None:
    raw = read_csv(write(tmp_path, "Name,Email\nAnn,ann@example.com,,\nBo,bo@x.com,oops\n"))
    plan = plan_import(db, raw)
    assert [(p.line, p.field) for p in plan.problems] == [(3, "row")]


def test_too_long_values_are_problems(tmp_path: Path, db: Database) -> None:
    long_name = "A" * 201
    long_tag = "t" * 81
    raw = read_csv(write(tmp_path, f"Name,Company,Tags\n{long_name},,\nBo,{'C' * 201},\n"
                                   f"Cy,,{long_tag}\n"))
    plan = plan_import(db, raw)
    assert [(p.line, p.field) for p in plan.problems] == [
        (2, "name"), (3, "company"), (4, "tags")]


# -- duplicates -------------------------------------------------------------------------------


def test_duplicates_are_reported_and_still_imported(tmp_path: Path, db: Database,
                                                    services: Services) -> None:
    ada = services.customers.create(CustomerDraft(name="Ada Lovelace",
                                                  email="ada@example.com"))
    bob = services.customers.create(CustomerDraft(name="Bob Stone", phone="+1 555 201 0102"))
    path = write(tmp_path, "Name,Email,Phone\n"
                           "Ada L.,ADA@EXAMPLE.COM,\n"          # 2: email of Ada
                           "Robert Stone,,(555) 201-0102\n"     # 3: phone of Bob
                           "Cleo Park,cleo@example.com,\n"      # 4
                           "Cleo P.,Cleo@Example.com,\n"        # 5: same as line 4
                           "Dan,,555.201.0199\n"                # 6
                           "Dan again,,+1 555 201 0199\n"       # 7: same as line 6
                           "Eve,eve@example.com,555 201 0177\n")
    result = import_csv(db, path, clock=clock)

    assert result.imported == 7
    found = [(d.line, d.existing_customer_id, d.other_line) for d in result.duplicates]
    assert found == [(2, ada.id, None), (3, bob.id, None), (5, None, 4), (7, None, 6)]
    reasons = [d.reason for d in result.duplicates]
    assert "email" in reasons[0] and "Ada Lovelace" in reasons[0]
    assert "phone" in reasons[1] and "Bob Stone" in reasons[1]
    assert reasons[2] == "same email as line 4"
    assert services.customers.count() == 9

    dry = import_csv(db, path, dry_run=True, clock=clock)
    assert len(dry.duplicates) == 7  # now every row matches someone already imported


# -- undo -------------------------------------------------------------------------------------


def test_undo_removes_exactly_the_imported_customers(tmp_path: Path, db: Database,
                                                     services: Services) -> None:
    kept = services.customers.create(CustomerDraft(name="Kept Customer", email="k@example.com",
                                                   phone="555 201 0188", tags=("vip",)))
    first = import_csv(db, write(tmp_path, GOOD), clock=clock)
    second = import_csv(db, write(tmp_path, "Name\nOther Batch\n", "b.csv"), clock=clock)
    assert services.customers.count() == 5

    removed = undo_import(db, first.batch_id or 0, clock=clock)

    assert removed == 3
    ids = services.customers.list_ids(CustomerQuery())
    assert sorted(services.customers.get(i).name for i in ids) == [
        "Kept Customer", "Other Batch"]
    assert search(services, "201-0188") == ["Kept Customer"]
    assert search(services, "Delgado") == []
    assert services.customers.get(kept.id).tags == ("vip",)
    with db.read() as session:
        orphans = session.scalar(select(func.count()).select_from(StageChange).where(
            StageChange.customer_id.not_in(select(Customer.id))))
        assert orphans == 0
        session.execute(text("INSERT INTO customer_fts(customer_fts) VALUES ('integrity-check')"))
    batches = {b.id: b for b in import_batches(db)}
    assert batches[first.batch_id or 0].undone_at == NOW
    assert batches[second.batch_id or 0].undone_at is None

    with pytest.raises(ValidationError, match="already undone"):
        undo_import(db, first.batch_id or 0, clock=clock)
    with pytest.raises(NotFoundError):
        undo_import(db, 999, clock=clock)
    assert services.customers.count() == 2


# -- all or nothing ---------------------------------------------------------------------------


def test_cancel_rolls_everything_back(tmp_path: Path, db: Database,
                                      services: Services) -> None:
    rows = "".join(f"Person {i},555-301-{i:04d},tag{i % 3}\n" for i in range(5000))
    plan = plan_import(db, read_csv(write(tmp_path, "Name,Phone,Tags\n" + rows)))
    before = snapshot(db)
    calls = 0

    def cancel_on_second_check() -> bool:
        nonlocal calls
        calls += 1
        return calls >= 2

    with pytest.raises(ImportCancelled):
        apply_import(db, plan, "x.csv", clock, cancelled=cancel_on_second_check)
    assert snapshot(db) == before
    # The search index and its trigger are as they were.
    services.customers.create(CustomerDraft(name="After Cancel", phone="555 201 0123"))
    assert search(services, "2010123") == ["After Cancel"]

    with pytest.raises(ImportCancelled):
        plan_import(db, read_csv(write(tmp_path, "Name\n" + rows)), cancelled=lambda: True)


def test_a_stage_removed_after_planning_stops_the_import(tmp_path: Path, db: Database,
                                                          services: Services) -> None:
    extra = services.journey.add("Trial")
    plan = plan_import(db, read_csv(write(tmp_path, "Name,Stage\nAnn,trial\nBo,\n")))
    with db.unit_of_work() as session:
        session.execute(delete(JourneyStage).where(JourneyStage.id == extra.id))
    before = snapshot(db)
    with pytest.raises(ValidationError, match="Trial"):
        apply_import(db, plan, "x.csv", clock)
    assert snapshot(db) == before


def test_a_database_error_midway_rolls_back(tmp_path: Path, db: Database,
                                            services: Services) -> None:
    plan = plan_import(db, read_csv(write(tmp_path, GOOD)))
    before = snapshot(db)

    def fail(done: int, total: int) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        apply_import(db, plan, "x.csv", clock, progress=fail)
    assert snapshot(db) == before
    services.customers.create(CustomerDraft(name="Still Indexed"))
    assert search(services, "Still") == ["Still Indexed"]


# -- the sample files -------------------------------------------------------------------------


def test_sample_files(db: Database, services: Services) -> None:
    good = import_csv(db, SAMPLES / "customers.csv", clock=clock)
    assert good.imported == 10 and good.problems == () and good.duplicates == ()
    assert search(services, "O'Brien") == ["Sam O'Brien"]
    with pytest.raises(ImportRejected) as caught:
        import_csv(db, SAMPLES / "bad-rows.csv", clock=clock)
    assert [(p.line, p.field) for p in caught.value.problems] == [
        (3, "email"), (5, "name"), (6, "stage"), (7, "phone")]


# -- whatever the file holds, a clear error or a plan -----------------------------------------

CLEAR_ERRORS = (ImportFileError, ValidationError)
HEADERS = ["Name", "name", "Full Name", "First Name", "Last Name", "Email", "Phone", "Mobile",
           "Company", "Notes", "Tags", "Stage", "Other", ""]


def check_anything(db: Database, path: Path) -> None:
    try:
        plan = plan_import(db, read_csv(path), default_region="US")
        if plan.ok:
            apply_import(db, plan, path.name, clock)
        else:
            with pytest.raises(ImportRejected):
                apply_import(db, plan, path.name, clock)
    except CLEAR_ERRORS as exc:
        message = str(exc)
        assert message.strip()
        if isinstance(exc, ImportFileError):
            assert "\n" not in message and "\r" not in message


def test_random_files_give_clear_errors(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "random.csv"
    tame = st.sampled_from(["Ann Lee", "ann@example.com", "ANN@EXAMPLE.COM", "555 201 0101",
                            "+44 20 7946 0958", "loyal", "Prospect", "vip; new, vip", "",
                            "line one\nline two", 'say "hi"', "=1+2", "Zoë", "O'Brien"])
    wild = st.one_of(st.text(st.characters(exclude_categories=["Cs"]), max_size=30), tame)

    @st.composite
    def tables(draw: st.DrawFn) -> bytes:
        header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6))
        cell = draw(st.sampled_from([wild, tame]))
        if cell is tame:
            header.insert(0, "Name")
        rows = draw(st.lists(st.lists(cell, max_size=len(header)), max_size=6))
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=draw(st.sampled_from(",;\t|")))
        writer.writerow(header)
        writer.writerows(rows)
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
        return buffer.getvalue().encode(encoding, errors="replace")

    @given(st.one_of(st.binary(max_size=400),
                     st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
                     tables()))
    @settings(max_examples=300, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    def run(data: bytes) -> None:
        path.write_bytes(data)
        check_anything(db, path)

    run()
    with db.read() as session:
        session.execute(text("INSERT INTO customer_fts(customer_fts) VALUES ('integrity-check')"))


# -- real exports of other programs -----------------------------------------------------------


def everyone(services: Services) -> dict[str, CustomerRecord]:
    ids = services.customers.list_ids(CustomerQuery())
    return {r.name: r for r in (services.customers.get(i) for i in ids)}


def test_google_contacts_csv(db: Database, services: Services) -> None:
    raw = read_csv(SAMPLES / "google-contacts.csv")
    assert raw.encoding == "utf-8" and raw.delimiter == ","
    assert raw.columns["email"] == ("E-mail 1 - Value", "E-mail 2 - Value")
    assert raw.columns["company"] == ("Organization 1 - Name",)
    assert raw.columns["tags"] == ("Group Membership",)

    result = import_csv(db, SAMPLES / "google-contacts.csv", clock=clock)

    assert result.imported == 5 and result.problems == ()
    assert [(n.line, n.field) for n in result.notices] == [(7, "birthday")]
    found = everyone(services)
    assert set(found) == {"Maria Delgado", "Tom Becker", "Aisha Rahman", "Jean-Luc Fournier",
                          "Priya S. Natarajan"}  # the last from Given/Additional/Family
    maria = found["Maria Delgado"]
    assert (maria.company, maria.email, maria.phone, maria.birthday) == (
        "Delgado Flowers", "maria.delgado@example.com", "+1 555-201-0147", date(1985, 3, 14))
    assert maria.address == "12 Rosewood Lane\nSpringfield, IL 62704\nUS"
    assert maria.tags == ("Florists", "Wholesale")  # Google's "* myContacts" is left out
    assert maria.notes == ("Prefers a call after 6pm.\nAllergic to lilies.\n"
                           "Other emails: maria.d@example.net\nOther phones: (555) 201-0148")
    tom = found["Tom Becker"]
    assert tom.phone == "+1 555-201-0188" and tom.notes == "Other phones: 555-201-0189"
    assert tom.tags == ("starred", "Wholesale")
    aisha = found["Aisha Rahman"]
    assert aisha.birthday is None
    assert aisha.notes == "Met at the spring market\nBirthday: 21 June (year not known)"
    assert found["Jean-Luc Fournier"].address == "8 Rue des Lilas\n75019 Paris\nFrance"


def test_google_contacts_csv_newer_export(db: Database, services: Services) -> None:
    result = import_csv(db, SAMPLES / "google-contacts-2024.csv", clock=clock)
    assert result.imported == 3
    found = everyone(services)
    kenji = found["Kenji Watanabe"]
    assert kenji.company == "Watanabe Design" and kenji.tags == ("Designers",)
    assert kenji.address == "400 Market Street\nPortland, OR 97204\nUS"  # from the parts
    assert found["Grace Okafor"].notes == "Birthday: 24 December (year not known)"
    ortega = found["Ortega Catering"]  # no person's name: the company is the customer
    assert ortega.kind == "business" and ortega.company == "Ortega Catering"


def test_outlook_csv(db: Database, services: Services) -> None:
    raw = read_csv(SAMPLES / "outlook-contacts.csv")
    assert raw.encoding == "cp1252"
    assert raw.columns["phone"][:3] == ("Primary Phone", "Mobile Phone", "Business Phone")
    assert "E-mail Display Name" in raw.ignored_columns  # never taken for an email

    result = import_csv(db, SAMPLES / "outlook-contacts.csv", clock=clock)

    assert result.imported == 4 and result.problems == () and result.notices == ()
    found = everyone(services)
    hannah = found["Hannah Müller"]
    assert (hannah.company, hannah.email, hannah.birthday) == (
        "Blumenhaus Müller", "hannah.mueller@example.de", date(1990, 7, 14))
    assert hannah.phone == "+49 1512 3456789"  # Mobile before Business Phone
    assert hannah.address == "Friedrichstraße 12\nBerlin, 10117\nGermany"
    assert hannah.tags == ("Newsletter", "Wholesale")
    assert hannah.notes == ("Orders tulips every spring.\nPays by invoice.\n"
                            "Other phones: +49 30 901820")
    sam = found["Sam O'Brien"]
    assert sam.address == "77 Elm Street\nSpringfield, IL 62701\nUnited States of America"
    assert "Other emails: sam.obrien@example.net" in sam.notes
    assert sam.birthday is None  # Outlook's 0/0/00
    assert found["Zoë Núñez"].birthday == date(1988, 12, 1)  # 12/1/1988, a US date
    cafe = found["Café Crème"]
    assert cafe.kind == "business" and cafe.phone == "+1 555-201-0190"


def test_latin1_excel_csv_with_french_titles(db: Database, services: Services) -> None:
    raw = read_csv(SAMPLES / "excel-latin1.csv")
    assert raw.encoding in {"cp1252", "latin-1"} and raw.delimiter == ";"
    plan = plan_import(db, raw, default_region="FR", clock=clock)
    assert plan.problems == ()
    apply_import(db, plan, clock=clock)
    found = everyone(services)
    assert set(found) == {"Françoise Lefèvre", "Jérôme Côté", "Zoé Næss", "Ángel Muñoz"}
    francoise = found["Françoise Lefèvre"]
    assert (francoise.company, francoise.phone, francoise.birthday, francoise.tags) == (
        "Pâtisserie Lefèvre", "+33 1 42 68 53 00", date(1975, 4, 23), ("Gros clients",))
    assert francoise.address == "12 rue de l'Église\nParis, 75004\nFrance"
    assert francoise.notes == "Préfère être appelée le matin"
    assert found["Zoé Næss"].birthday == date(1990, 11, 2)  # 02/11/1990 in France
    assert found["Zoé Næss"].notes == "Aime le café; très fidèle"
    assert found["Ángel Muñoz"].tags == ("Gros clients", "Newsletter")
    assert search(services, "Lefevre") == ["Françoise Lefèvre"]


def test_utf16_excel_unicode_text(db: Database, services: Services) -> None:
    raw = read_csv(SAMPLES / "excel-unicode.txt")
    assert raw.encoding == "utf-16" and raw.delimiter == "\t"
    result = import_csv(db, SAMPLES / "excel-unicode.txt", clock=clock)
    assert result.imported == 4
    found = everyone(services)
    assert set(found) == {"Łukasz Żółć", "王小明", "Ελένη Παπαδοπούλου", "Анна Иванова"}
    eleni = found["Ελένη Παπαδοπούλου"]
    assert (eleni.company, eleni.birthday, eleni.tags) == (
        "Καφέ Ελένη", date(1991, 10, 30), ("Newsletter", "Wholesale"))
    assert found["王小明"].phone == "+86 10 6552 9988"
    assert found["Анна Иванова"].notes == "Любит тюльпаны"


# -- choosing the columns ---------------------------------------------------------------------


def test_mapping_overrides_the_detected_columns(db: Database, services: Services) -> None:
    raw = read_csv(SAMPLES / "outlook-contacts.csv")
    plan = plan_import(db, raw, {"phone": "Business Phone", "tags": None, "notes": "Initials"},
                       clock=clock)
    assert plan.mapping["phone"] == ("Business Phone",) and "tags" not in plan.mapping
    assert "Categories" in plan.ignored_columns and "Mobile Phone" in plan.ignored_columns
    apply_import(db, plan, clock=clock)
    hannah = everyone(services)["Hannah Müller"]
    assert hannah.phone == "+49 30 901820" and hannah.tags == () and hannah.notes == "H.M."


def test_mapping_by_index_and_a_file_without_known_titles(tmp_path: Path, db: Database,
                                                           services: Services) -> None:
    path = write(tmp_path, "Kunde,Mail\nAnn Lee,ann@example.com\nBo Ek,bo@example.com\n")
    with pytest.raises(ImportFileError, match="no name column"):
        read_csv(path)
    raw = read_csv(path, require_name=False)
    assert raw.columns == {"email": ("Mail",)} and raw.ignored_columns == ("Kunde",)
    with pytest.raises(ImportFileError, match="names"):
        plan_import(db, raw)
    plan = plan_import(db, raw, {"name": 0, "email": "mail"}, clock=clock)  # any case
    assert [(c.name, c.email) for c in plan.customers] == [
        ("Ann Lee", "ann@example.com"), ("Bo Ek", "bo@example.com")]
    assert plan.ignored_columns == ()


def test_bad_mappings_are_validation_errors(db: Database) -> None:
    raw = read_csv(SAMPLES / "customers.csv")
    with pytest.raises(ValidationError) as caught:
        plan_import(db, raw, {"phone": "Fax", "email": 42, "colour": "Name"})
    assert set(caught.value.fields) == {"phone", "email", "mapping"}
    assert "no column called 'Fax'" in caught.value.fields["phone"]


def test_formula_guards_are_taken_off(tmp_path: Path, db: Database) -> None:
    raw = read_csv(write(tmp_path, "Name,Phone,Notes\n'=Ann,'+1 555 201 0101,'-5 off\n"
                                   "Bo,,'plain quote\n"))
    plan = plan_import(db, raw)
    assert [(c.name, c.phone, c.notes) for c in plan.customers] == [
        ("=Ann", "+1 555-201-0101", "-5 off"), ("Bo", "", "'plain quote")]


@pytest.mark.parametrize(("text", "day_first", "expected"), [
    ("1985-03-14", False, date(1985, 3, 14)),
    ("19850314", False, date(1985, 3, 14)),
    ("1985-03-14T00:00:00Z", False, date(1985, 3, 14)),
    ("1985/03/14", True, date(1985, 3, 14)),
    ("3/14/1985", False, date(1985, 3, 14)),
    ("14/3/1985", False, date(1985, 3, 14)),  # 14 cannot be a month
    ("03/04/1985", False, date(1985, 3, 4)),
    ("03/04/1985", True, date(1985, 4, 3)),
    ("14.03.1985", True, date(1985, 3, 14)),
    ("3/14/85", False, date(1985, 3, 14)),
    ("March 14, 1985", False, date(1985, 3, 14)),
    ("14 Mar 1985", True, date(1985, 3, 14)),
    ("14th of March 1985", True, date(1985, 3, 14)),
    ("--03-14", False, (3, 14)),
    ("--0314", False, (3, 14)),
    ("14.03.", True, (3, 14)),
    ("March 14", False, (3, 14)),
    ("--02-29", False, (2, 29)),
    ("0/0/00", False, None),
    ("00.00.0000", True, None),
    ("", False, None),
])
def test_birthdays_as_programs_write_them(text: str, day_first: bool,
                                           expected: object) -> None:
    assert parse_birthday(text, day_first) == expected


@pytest.mark.parametrize("text", ["31/02/1990", "soon", "1985", "13/13/1985", "--13-01",
                                  "March", "3/14/985", "2/30"])
def test_unreadable_birthdays(text: str) -> None:
    with pytest.raises(ValueError):
        parse_birthday(text)


def test_birthday_problems_in_a_csv(tmp_path: Path, db: Database) -> None:
    raw = read_csv(write(tmp_path, "Name,Birthday\nAnn,31/02/1990\nBo,2090-01-01\n"
                                   "Cy,1850-01-01\nDee,--12-24\n"))
    plan = plan_import(db, raw, clock=clock)
    assert [(p.line, p.field) for p in plan.problems] == [
        (2, "birthday"), (3, "birthday"), (4, "birthday")]
    assert "is not a date" in plan.problems[0].message
    assert "future" in plan.problems[1].message
    assert [(n.line, n.field) for n in plan.notices] == [(5, "birthday")]


def test_address_parts_are_composed(tmp_path: Path, db: Database) -> None:
    raw = read_csv(write(tmp_path, "Name,Street,City,State,Zip,Country,Address\n"
                                   "Ann,1 Main St,Springfield,IL,62704,USA,\n"
                                   "Bo,,Berlin,,10117,,\n"
                                   "Cy,,Paris,,,France,\"8 Rue des Lilas\r\nParis\"\n"))
    plan = plan_import(db, raw)
    assert [c.address for c in plan.customers] == [
        "1 Main St\nSpringfield, IL 62704\nUSA", "Berlin, 10117",
        "8 Rue des Lilas\nParis\nFrance"]


@given(st.one_of(
    st.emails(),
    st.builds(lambda a, b: f"{a}@{b}", st.text(max_size=12),
              st.sampled_from(["example.com", "EXAMPLE.com", "localhost", "example.com.",
                               "ex ample.com", "bücher.example", "a..b", "[127.0.0.1]",
                               "example.invalid", "x.test"])),
    st.sampled_from(["a.@example.com", ".a@example.com", "a..b@example.com", "a b@x.com",
                     "\"quoted\"@example.com", "a@b@example.com", "x" * 65 + "@example.com",
                     "Maria.Delgado@Example.COM", " ann@example.com "])))
@settings(max_examples=400, deadline=None)
def test_the_quick_email_check_agrees_with_the_full_one(address: str) -> None:
    full, quick = Collector(), Collector()
    expected = check_email(address, full)
    got = _EmailChecker().check(address, quick)
    assert (got, bool(quick.errors)) == (expected, bool(full.errors))


# -- likely duplicates: skip, merge, or import as new -----------------------------------------


DUPLICATES = """\
Name,Email,Phone,Company,Address,Birthday,Notes,Tags
Ada L.,ADA@EXAMPLE.COM,,Analytical Engines,1 Byron Way,1815-12-10,Met at the fair,math;vip
Robert Stone,,(555) 201-0102,Stone & Co,,,Prefers calls,builder
Cleo Park,cleo@example.com,,,,,,
"""


def test_duplicate_choices(tmp_path: Path, db: Database, services: Services) -> None:
    ada = services.customers.create(CustomerDraft(
        name="Ada Lovelace", email="ada@example.com", notes="Countess", tags=("VIP",)))
    bob = services.customers.create(CustomerDraft(name="Bob Stone", phone="+1 555 201 0102",
                                                  company="Stone Ltd"))
    raw = read_csv(write(tmp_path, DUPLICATES))
    assert [(p.line, p.field) for p in plan_import(db, raw, clock=clock).problems] == [
        (2, "birthday")]  # 1815: a typo, surely
    raw = read_csv(write(tmp_path, DUPLICATES.replace("1815-12-10", "1985-12-10")))
    plan = plan_import(db, raw, clock=clock)
    assert [(d.line, d.existing_customer_id, d.match, d.choice) for d in plan.duplicates] == [
        (2, ada.id, "email", "new"), (3, bob.id, "phone", "new")]
    assert default_choices(plan) == {2: "skip", 3: "new"}
    assert plan.duplicates[0].name == "Ada L." and plan.duplicates[0].existing_name == (
        "Ada Lovelace")

    merged = plan_import(db, raw, duplicate_choices={2: "merge", 3: "skip"}, clock=clock)
    assert merged.skipped == (3,) and (merged.new_count, merged.merge_count) == (1, 1)
    result = apply_import(db, merged, clock=clock)
    assert (result.imported, result.merged, result.skipped) == (1, 1, 1)

    assert services.customers.count() == 3  # Ada merged, Robert skipped, Cleo new
    after = services.customers.get(ada.id)
    assert after.name == "Ada Lovelace" and after.email == "ada@example.com"  # kept as were
    assert (after.company, after.address, after.birthday) == (
        "Analytical Engines", "1 Byron Way", date(1985, 12, 10))  # empty ones filled in
    assert after.notes == "Countess\n\nMet at the fair"
    assert after.tags == ("math", "VIP")
    assert after.version == ada.version + 1 and after.updated_at == NOW
    assert services.customers.get(bob.id).company == "Stone Ltd"
    assert search(services, "Analytical") == ["Ada Lovelace"]

    # Undo takes the merge back, and removes Cleo.
    undone = undo_import_batch(db, result.batch_id or 0, clock=clock)
    assert (undone.removed, undone.restored) == (1, 1)
    back = services.customers.get(ada.id)
    assert (back.company, back.address, back.birthday, back.notes, back.tags) == (
        "", "", None, "Countess", ("VIP",))
    assert search(services, "Analytical") == [] and services.customers.count() == 2


def test_undo_leaves_what_was_edited_by_hand_since(tmp_path: Path, db: Database,
                                                   services: Services) -> None:
    ada = services.customers.create(CustomerDraft(name="Ada Lovelace", email="ada@example.com"))
    raw = read_csv(write(tmp_path, DUPLICATES.replace("1815-12-10", "")))
    result = apply_import(db, plan_import(db, raw, duplicate_choices={2: "merge"},
                                          clock=clock), clock=clock)
    record = services.customers.get(ada.id)
    services.customers.update(ada.id, replace(record.to_draft(), company="Lovelace Ltd",
                                              notes=record.notes + " (checked)"),
                              record.version)
    undone = undo_import_batch(db, result.batch_id or 0, clock=clock)
    assert undone.restored == 1 and undone.removed == 2
    back = services.customers.get(ada.id)
    assert back.company == "Lovelace Ltd"  # changed by hand: left alone
    assert back.address == "" and back.tags == ()  # as before the import
    assert back.notes == "Met at the fair (checked)"


def test_default_is_import_as_new_and_choices_for_lines_in_the_file(
        tmp_path: Path, db: Database, services: Services) -> None:
    services.customers.create(CustomerDraft(name="Ada Lovelace", email="ada@example.com"))
    raw = read_csv(write(tmp_path, "Name,Email\nAda,ada@example.com\nCleo,c@example.com\n"
                                   "Cleo again,C@example.com\n"))
    plan = plan_import(db, raw)
    assert len(plan.customers) == 3 and plan.skipped == ()
    assert default_choices(plan) == {2: "skip", 4: "skip"}
    with pytest.raises(ValidationError, match="repeats line 3"):
        plan_import(db, raw, duplicate_choices={4: "merge"})
    with pytest.raises(ValidationError, match="not one of"):
        plan_import(db, raw, duplicate_choices={2: "maybe"})
    chosen = with_choices(plan, default_choices(plan))
    assert [c.name for c in chosen.customers] == ["Cleo"] and chosen.skipped == (2, 4)
    assert [c.name for c in with_choices(chosen, {}).customers] == ["Ada", "Cleo",
                                                                    "Cleo again"]
    assert apply_import(db, chosen, clock=clock).imported == 1


def test_merge_into_a_customer_deleted_meanwhile(tmp_path: Path, db: Database,
                                                 services: Services) -> None:
    ada = services.customers.create(CustomerDraft(name="Ada Lovelace", email="ada@example.com"))
    raw = read_csv(write(tmp_path, DUPLICATES.replace("1815-12-10", "")))
    plan = plan_import(db, raw, duplicate_choices={2: "merge"}, default_region="US",
                       clock=clock)
    services.customers.delete([ada.id])
    before = snapshot(db)
    with pytest.raises(ValidationError, match="deleted or changed after the file was checked"):
        apply_import(db, plan, clock=clock)
    assert snapshot(db) == before
    # Someone else now has Ada's id: the merge must not land on them.
    services.customers.create(CustomerDraft(name="Someone Else", email="else@example.com"))
    with pytest.raises(ValidationError, match="deleted or changed"):
        apply_import(db, plan, clock=clock)


def test_a_merge_only_import_can_be_undone(tmp_path: Path, db: Database,
                                           services: Services) -> None:
    ada = services.customers.create(CustomerDraft(name="Ada Lovelace", email="ada@example.com"))
    raw = read_csv(write(tmp_path, "Name,Email,Company\nAda,ada@example.com,Engines\n"))
    result = apply_import(db, plan_import(db, raw, duplicate_choices={2: "merge"}),
                          clock=clock)
    assert (result.imported, result.merged) == (0, 1) and result.batch_id is not None
    assert import_counts(db, result.batch_id) == (0, 1)
    assert last_undoable_import(db) is not None
    assert undo_import(db, result.batch_id, clock=clock) == 0
    assert services.customers.get(ada.id).company == ""
    assert last_undoable_import(db) is None
    assert search(services, "Engines") == []
