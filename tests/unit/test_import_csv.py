"""CSV import of customers: real files in every encoding and shape, into a real database."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, text

from smallbiz_crm.domain.kinds import StageChangeReason
from smallbiz_crm.domain.records import CustomerDraft, CustomerQuery
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.importing import (
    ImportCancelled,
    ImportFileError,
    ImportRejected,
    apply_import,
    import_batches,
    import_csv,
    plan_import,
    read_csv,
    undo_import,
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
    plan = plan_import(db, raw, "US")
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
    assert raw.rows[0].values["phone"] == "555 201 0101"


@pytest.mark.parametrize(("first", "last"), [("First Name", "Last Name"),
                                             ("given_name", "FAMILY NAME")])
def test_first_and_last_names_are_combined(tmp_path: Path, db: Database, services: Services,
                                           first: str, last: str) -> None:
    path = write(tmp_path, f"{first},{last},Email\nAnn,Lee,ann@example.com\n,Solo,\nCher,,\n")
    raw = read_csv(path)
    assert [row.values["name"] for row in raw.rows] == ["Ann Lee", "Solo", "Cher"]
    import_csv(db, path, clock=clock)
    assert search(services, "Ann") == ["Ann Lee"]


def test_first_and_last_fill_in_an_empty_full_name(tmp_path: Path) -> None:
    raw = read_csv(write(tmp_path, "Name,First name,Last name\nAnn Lee,x,y\n,Bo,Ek\n"))
    assert [row.values["name"] for row in raw.rows] == ["Ann Lee", "Bo Ek"]


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
    assert raw.rows[0].values == {"name": "Ann Lee", "email": "ann@example.com",
                                  "notes": "likes tea, coffee; and cake"}
    assert import_csv(db, path, clock=clock).imported == 2
    assert search(services, "cake") == ["Ann Lee"]


def test_semicolon_file_with_decimal_commas(tmp_path: Path) -> None:
    # What a German or French spreadsheet writes: ; between cells, , inside numbers.
    path = write(tmp_path, "Name;Firma;Telefon;Notes\nJürgen Groß;Groß GmbH;030 901820;"
                           "spent 12,50 €\nAnna Weiß;;;paid 7,00\n")
    raw = read_csv(path)
    assert raw.delimiter == ";"
    assert raw.rows[0].values["notes"] == "spent 12,50 €"


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
    assert [r.values["name"] for r in raw.rows] == ["René Lefèvre", "Åsa Öberg"]
    import_csv(db, path, clock=clock)
    record = services.customers.get(services.customers.search("Rene")[0].id)
    assert (record.name, record.company, record.notes) == (
        "René Lefèvre", "Café Crème", "très sympa")


def test_cp1252_quotes_and_euro(tmp_path: Path) -> None:
    raw = read_csv(write(tmp_path, "Name,Notes\nAnn,“fine” – €5\n", encoding="cp1252"))
    assert raw.encoding == "cp1252" and raw.rows[0].values["notes"] == "“fine” – €5"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16(tmp_path: Path, db: Database, services: Services, encoding: str) -> None:
    # "utf-16" writes a byte order mark; the -le/-be files have none.
    content = "Name\tEmail\tPhone\r\nŁukasz Żółć\tlukasz@example.pl\t555 201 0111\r\n"
    path = write(tmp_path, content, encoding=encoding)
    raw = read_csv(path)
    assert raw.delimiter == "\t"
    assert raw.rows[0].values["name"] == "Łukasz Żółć"
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
    assert raw.rows[0].values == {"name": "Sam O'Brien", "company": "O'Brien's",
                                  "notes": "it's fine"}
    assert raw.rows[1].values["notes"] == "'quoted'"


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
    assert raw.rows[0].values["notes"] == "first line\nsecond line\nthird"
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
        plan = plan_import(db, read_csv(path), "US")
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
