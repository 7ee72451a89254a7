"""Importing customers from files: read into raw rows, validate into a plan, apply it at once."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from smallbiz_crm.domain.kinds import CustomerKind, StageChangeReason
from smallbiz_crm.domain.search import phone_search_tokens
from smallbiz_crm.domain.validation import (
    MAX_NAME_LENGTH,
    Collector,
    ValidationError,
    check_email,
    check_long_text,
    check_name,
    check_phone,
    phone_digits,
)
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.errors import NotFoundError
from smallbiz_crm.services.settings import SettingsService
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import (
    FTS_COLUMNS,
    FTS_TABLE,
    Base,
    ImportBatch,
    JourneyStage,
    Tag,
)

if TYPE_CHECKING:
    from _csv import Reader as _csv_reader

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

FIELDS = ("name", "company", "email", "phone", "notes", "tags", "stage")
SOURCE_CSV = "csv"
DELIMITERS = ",;\t|"
MAX_TAG_LENGTH = 80
# Enough lines for csv.Sniffer to see the pattern; more only makes it slow.
SNIFF_BYTES = 16_384
CHUNK_ROWS = 2_000
MAX_PROBLEMS_IN_MESSAGE = 10

# Header names as normalize_header() leaves them: case-folded, without spaces, _ - . : / #.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "fullname", "customer", "customername", "contact", "contactname",
             "displayname", "client", "clientname"),
    "company": ("company", "companyname", "organization", "organisation", "organizationname",
                "organisationname", "organization1name", "business", "businessname", "org",
                "employer"),
    "email": ("email", "emailaddress", "mail", "email1", "email1value", "emailaddress1",
              "primaryemail", "workemail", "homeemail"),
    "phone": ("phone", "phonenumber", "telephone", "telephonenumber", "tel", "mobile",
              "mobilephone", "mobilenumber", "cell", "cellphone", "cellnumber", "phone1",
              "phone1value", "primaryphone", "businessphone", "workphone", "homephone"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "description"),
    "tags": ("tags", "tag", "labels", "label", "categories", "category", "segments",
             "segment", "groups"),
    "stage": ("stage", "journeystage", "customerstage", "lifecyclestage", "journey"),
}
FIRST_NAME_ALIASES = ("firstname", "givenname", "forename", "first")
LAST_NAME_ALIASES = ("lastname", "familyname", "surname", "last")

_ALIAS_TO_FIELD = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
_ALIAS_TO_FIELD.update({alias: "first_name" for alias in FIRST_NAME_ALIASES})
_ALIAS_TO_FIELD.update({alias: "last_name" for alias in LAST_NAME_ALIASES})
_HEADER_NOISE = re.compile(r"[\s_\-.:/#]+")
_TAG_SPLIT = re.compile(r"[,;]")


# -- errors ---------------------------------------------------------------------------------


class ImportFileError(ValueError):
    """The file cannot be read as a table of customers; str() is one plain line."""


class ImportRejected(ValidationError):
    """Some rows are bad, so nothing was imported; `problems` names each line and reason."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        self.problems: tuple[ImportProblem, ...] = tuple(problems)
        lines = len({problem.line for problem in self.problems})
        # One line, whatever the cells held: a message may quote a multi-line cell.
        shown = " ".join(" ".join(str(problem).split())
                         for problem in self.problems[:MAX_PROBLEMS_IN_MESSAGE])
        more = len(self.problems) - MAX_PROBLEMS_IN_MESSAGE
        if more > 0:
            shown += f" And {more:,} more."
        rows = "1 row has a problem" if lines == 1 else f"{lines:,} rows have problems"
        super().__init__({"file": f"Nothing was imported: {rows}. {shown}"})


class ImportCancelled(Exception):
    """The owner cancelled; everything was rolled back."""

    def __init__(self) -> None:
        super().__init__("The import was cancelled; nothing was added.")


# -- values ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawRow:
    """One record of the file, its cells keyed by field, before any checking."""

    line: int  # physical line of the file where the record starts (the header is line 1)
    values: Mapping[str, str]
    extra_cells: int = 0  # filled cells beyond the header's columns


@dataclass(frozen=True, slots=True)
class RawTable:
    file_name: str
    encoding: str
    delimiter: str
    # Field → the file's column titles feeding it, in order (the first filled one wins).
    columns: Mapping[str, tuple[str, ...]]
    ignored_columns: tuple[str, ...]
    rows: tuple[RawRow, ...]
    header_line: int = 1
    source: str = SOURCE_CSV


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}, {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportDuplicate:
    """A row that looks like someone already known; reported, and still imported."""

    line: int
    existing_customer_id: int | None  # None: it repeats an earlier row of the same file
    reason: str
    other_line: int | None = None

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class PlannedCustomer:
    line: int
    name: str
    company: str
    email: str
    phone: str
    phone_digits: str
    notes: str
    stage_id: int
    stage_name: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportPlan:
    file_name: str
    source: str
    customers: tuple[PlannedCustomer, ...]
    problems: tuple[ImportProblem, ...]
    duplicates: tuple[ImportDuplicate, ...]
    ignored_columns: tuple[str, ...] = ()
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class ImportResult:
    file_name: str
    row_count: int
    imported: int  # customers added; 0 on a dry run
    batch_id: int | None = None
    dry_run: bool = False
    problems: tuple[ImportProblem, ...] = ()
    duplicates: tuple[ImportDuplicate, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    tags_created: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportBatchRecord:
    id: int
    imported_at: datetime
    source: str
    file_name: str
    row_count: int
    undone_at: datetime | None


# -- reading --------------------------------------------------------------------------------


def normalize_header(title: str) -> str:
    return _HEADER_NOISE.sub("", title.casefold())


def _one_line(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of the file and the encoding that read it."""
    candidates: list[str] = []
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        candidates.append("utf-32")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates.append("utf-16")
    else:
        head = data[:4096]
        if head.count(0) > len(head) // 4:
            # UTF-16 without a byte order mark: ASCII letters leave a NUL on one side.
            odd = head[1::2].count(0)
            even = head[0::2].count(0)
            candidates.append("utf-16-le" if odd >= even else "utf-16-be")
    # latin-1 maps every byte: only NULs, the mark of binary data, leave a file unread.
    candidates += ["utf-8-sig", "cp1252", "latin-1"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        if encoding == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8"
        return text.removeprefix("\ufeff"), encoding
    raise ImportFileError(f"{name} does not look like a CSV file: it contains binary data.")


def _sniff_delimiter(text: str) -> str:
    sample = text[:SNIFF_BYTES]
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if cut > 0 and len(text) > SNIFF_BYTES:
        sample = sample[:cut]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _reader(text: str, delimiter: str) -> _csv_reader:
    # Only the delimiter is taken from the sniffer: it guesses ' as the quote when names
    # like O'Brien appear, which would glue cells together.
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                      doublequote=True, skipinitialspace=True, strict=False)


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        for record in _reader(text, delimiter):
            if any(cell.strip() for cell in record):
                return record
    except csv.Error:
        return []
    return []


def _known_fields(header: Iterable[str]) -> int:
    return len({_ALIAS_TO_FIELD[key] for key in map(normalize_header, header)
                if key in _ALIAS_TO_FIELD})


def _choose_delimiter(text: str) -> str:
    """The sniffed delimiter, unless another one splits the header into more known columns."""
    best = _sniff_delimiter(text)
    best_score = _known_fields(_first_record(text, best))
    for delimiter in DELIMITERS:
        if delimiter != best:
            score = _known_fields(_first_record(text, delimiter))
            if score > best_score:
                best, best_score = delimiter, score
    return best


@dataclass(slots=True)
class _ColumnMap:
    sources: dict[str, list[int]]  # field → column indexes, in file order
    titles: dict[str, list[str]]
    ignored: list[str]
    combine_names: bool


def _map_header(header: list[str], name: str) -> _ColumnMap:
    sources: dict[str, list[int]] = {}
    titles: dict[str, list[str]] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        key = normalize_header(title)
        target = _ALIAS_TO_FIELD.get(key)
        if target is None:
            if title.strip():
                ignored.append(_one_line(title))
            continue
        sources.setdefault(target, []).append(index)
        titles.setdefault(target, []).append(_one_line(title))
    combine = "name" not in sources and ("first_name" in sources or "last_name" in sources)
    if "name" not in sources and not combine:
        found = ", ".join(_one_line(t, 30) for t in header[:8] if t.strip()) or "nothing"
        raise ImportFileError(
            f"{name} has no name column: its first line must give the column titles, "
            f"such as Name, Email, Phone (found: {found}).")
    return _ColumnMap(sources, titles, ignored, combine)


def _cell(record: list[str], indexes: list[int] | None) -> str:
    for index in indexes or ():
        if index < len(record) and record[index].strip():
            return record[index]
    return ""


def _row_values(record: list[str], columns: _ColumnMap) -> dict[str, str]:
    values = {name: _cell(record, columns.sources.get(name)) for name in FIELDS
              if name in columns.sources}
    if not values.get("name", "").strip():
        parts = (_cell(record, columns.sources.get("first_name")),
                 _cell(record, columns.sources.get("last_name")))
        combined = " ".join(part.strip() for part in parts if part.strip())
        if combined or columns.combine_names:
            values["name"] = combined
    return values


def read_table(text: str, file_name: str, encoding: str = "utf-8") -> RawTable:
    """Split decoded CSV text into raw rows; see read_csv."""
    delimiter = _choose_delimiter(text)
    reader = _reader(text, delimiter)
    header: list[str] | None = None
    header_line = 1
    columns: _ColumnMap | None = None
    rows: list[RawRow] = []
    last_line = 0
    try:
        for record in reader:
            start = last_line + 1
            last_line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None or columns is None:
                header, header_line = record, start
                columns = _map_header(record, file_name)
                continue
            extra = sum(1 for cell in record[len(header):] if cell.strip())
            rows.append(RawRow(start, _row_values(record, columns), extra))
    except csv.Error as exc:
        raise ImportFileError(
            f"{file_name} cannot be read as CSV near line {last_line + 1}: {exc}.") from None
    if header is None or columns is None:
        raise ImportFileError(f"{file_name} is empty.")
    if not rows:
        raise ImportFileError(f"{file_name} has a header line but no customers under it.")
    # First and last name columns also fill in rows whose full name cell is empty.
    titles = {name: tuple(columns.titles[name])
              for name in (*FIELDS, "first_name", "last_name") if name in columns.titles}
    return RawTable(file_name=file_name, encoding=encoding, delimiter=delimiter,
                    columns=titles, ignored_columns=tuple(columns.ignored), rows=tuple(rows),
                    header_line=header_line)


def read_csv(path: Path | str) -> RawTable:
    """Read a CSV file of customers in whatever encoding and delimiter a spreadsheet wrote."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ImportFileError(f"Cannot read {path}: {reason}.") from None
    if not data.strip():
        raise ImportFileError(f"{path.name} is empty.")
    text, encoding = _decode(data, path.name)
    return read_table(text, path.name, encoding)


# -- planning -------------------------------------------------------------------------------


def _split_tags(text: str) -> list[str]:
    seen: dict[str, str] = {}
    for part in _TAG_SPLIT.split(text):
        tag = " ".join(part.split())
        if tag:
            seen.setdefault(tag.casefold(), tag)
    return list(seen.values())


@dataclass(slots=True)
class _Known:
    """Existing customers' emails and phone digits, to spot likely duplicates."""

    emails: dict[str, tuple[int, str]]
    phones: dict[str, tuple[int, str]]


def _known_contacts(session: Session) -> _Known:
    emails: dict[str, tuple[int, str]] = {}
    phones: dict[str, tuple[int, str]] = {}
    customer = _table("customer")
    rows = session.execute(
        select(customer.c.id, customer.c.name, customer.c.email, customer.c.phone_digits)
        .where((customer.c.email != "") | (customer.c.phone_digits != ""))
        .order_by(customer.c.id))
    for customer_id, name, email, digits in rows:
        if email:
            emails.setdefault(email.casefold(), (customer_id, name))
        if digits:
            phones.setdefault(digits, (customer_id, name))
    return _Known(emails, phones)


def plan_import(db: Database, raw: RawTable, default_region: str | None = None,
                progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> ImportPlan:
    """Check every row; bad rows become problems, lookalikes of known customers duplicates.

    `default_region` is for phone numbers without +country; None takes the shop's country.
    """
    region = default_region or SettingsService(db).phone_region()
    with db.read() as session:
        stages = [(stage_id, name) for stage_id, name in session.execute(
            select(JourneyStage.id, JourneyStage.name).order_by(JourneyStage.position))]
        known = _known_contacts(session)
    if not stages:
        raise ValidationError.single("stage", "There are no journey stages; add one first.")
    by_stage_name = {" ".join(name.split()).casefold(): (sid, name) for sid, name in stages}
    stage_list = ", ".join(name for _, name in stages)
    customers: list[PlannedCustomer] = []
    problems: list[ImportProblem] = []
    duplicates: list[ImportDuplicate] = []
    file_emails: dict[str, int] = {}
    file_phones: dict[str, int] = {}
    total = len(raw.rows)
    for done, row in enumerate(raw.rows, start=1):
        if done % CHUNK_ROWS == 0:
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(done, total)
        errors = Collector()
        values = row.values
        name = check_name(values.get("name"), errors)
        company = " ".join(values.get("company", "").split())
        if len(company) > MAX_NAME_LENGTH:
            errors.add("company", f"Company is too long (at most {MAX_NAME_LENGTH} characters).")
        email = check_email(values.get("email"), errors)
        phone = check_phone(values.get("phone"), errors, region)
        notes = check_long_text(values.get("notes"), errors, "notes", "Notes")
        tags = _split_tags(values.get("tags", ""))
        for tag in tags:
            if len(tag) > MAX_TAG_LENGTH:
                errors.add("tags", f"The tag '{_one_line(tag)}' is too long "
                                   f"(at most {MAX_TAG_LENGTH} characters).")
        stage_text = " ".join(values.get("stage", "").split())
        stage = by_stage_name.get(stage_text.casefold()) if stage_text else stages[0]
        if stage is None:
            errors.add("stage", f"'{_one_line(stage_text)}' is not a journey stage; "
                                f"use one of: {stage_list}.")
        if row.extra_cells:
            errors.add("row", "This row has more cells than the header has columns; "
                              "a cell with the delimiter in it may be missing its quotes.")
        if errors.errors:
            problems.extend(ImportProblem(row.line, name_, message)
                            for name_, message in errors.errors.items())
            continue
        assert stage is not None
        digits = phone_digits(phone)
        duplicate = _duplicate_of(row.line, email.casefold(), digits, known, file_emails,
                                  file_phones)
        if duplicate is not None:
            duplicates.append(duplicate)
        if email:
            file_emails.setdefault(email.casefold(), row.line)
        if digits:
            file_phones.setdefault(digits, row.line)
        customers.append(PlannedCustomer(
            line=row.line, name=name, company=company, email=email, phone=phone,
            phone_digits=digits, notes=notes, stage_id=stage[0], stage_name=stage[1],
            tags=tuple(tags)))
    if progress is not None:
        progress(total, total)
    return ImportPlan(file_name=raw.file_name, source=raw.source, customers=tuple(customers),
                      problems=tuple(problems), duplicates=tuple(duplicates),
                      ignored_columns=raw.ignored_columns, row_count=total)


def _duplicate_of(line: int, email: str, digits: str, known: _Known,
                  file_emails: Mapping[str, int],
                  file_phones: Mapping[str, int]) -> ImportDuplicate | None:
    if email and email in known.emails:
        customer_id, name = known.emails[email]
        return ImportDuplicate(line, customer_id, f"same email as {_one_line(name)}, "
                                                  "who is already a customer")
    if digits and digits in known.phones:
        customer_id, name = known.phones[digits]
        return ImportDuplicate(line, customer_id, f"same phone number as {_one_line(name)}, "
                                                  "who is already a customer")
    if email and email in file_emails:
        other = file_emails[email]
        return ImportDuplicate(line, None, f"same email as line {other}", other)
    if digits and digits in file_phones:
        other = file_phones[digits]
        return ImportDuplicate(line, None, f"same phone number as line {other}", other)
    return None


# -- applying -------------------------------------------------------------------------------


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _chunks(items: Sequence[PlannedCustomer], size: int) -> Iterator[
        Sequence[PlannedCustomer]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _next_id(session: Session, table: Table) -> int:
    return int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1


def _tag_ids(session: Session, customers: Sequence[PlannedCustomer]) -> tuple[
        dict[str, int], tuple[str, ...]]:
    """Tag id per case-folded name, creating the tags the file brings; and the new names."""
    tag = _table("tag")
    ids = {name.casefold(): tag_id for tag_id, name in session.execute(
        select(Tag.id, Tag.name))}
    new: dict[str, str] = {}
    for customer in customers:
        for name in customer.tags:
            key = name.casefold()
            if key not in ids:
                new.setdefault(key, name)
    if new:
        # The unit of work already wrote the batch row, so it holds the write lock and
        # nobody else can take these ids before the commit.
        first = _next_id(session, tag)
        rows = [{"id": first + offset, "name": name, "version": 1}
                for offset, name in enumerate(new.values())]
        session.execute(insert(tag), rows)
        ids.update({key: first + offset for offset, key in enumerate(new)})
    return ids, tuple(new.values())


def _check_stages(session: Session, plan: ImportPlan) -> dict[int, str]:
    stages = {stage_id: name for stage_id, name in session.execute(
        select(JourneyStage.id, JourneyStage.name))}
    missing = sorted({c.stage_name for c in plan.customers if c.stage_id not in stages})
    if missing:
        raise ValidationError.single(
            "stage", f"The journey stage {', '.join(missing)} was removed after the file was "
                     "checked; check the file again.")
    return stages


_CUSTOMER_COLUMNS = (
    "id", "kind", "name", "company", "email", "phone", "phone_digits", "phone_search",
    "address", "birthday", "source", "referred_by_id", "persona_id", "stage_id",
    "consent_contact", "consent_changed_at", "notes", "not_pursuing", "not_pursuing_reason",
    "archived", "created_at", "updated_at", "last_contact_at", "next_follow_up_on",
    "import_batch_id", "version")
_STAGE_CHANGE_COLUMNS = ("customer_id", "from_stage_id", "to_stage_id", "from_stage_name",
                         "to_stage_name", "changed_at", "reason")
_CUSTOMER_TAG_COLUMNS = ("customer_id", "tag_id")
FTS_INSERT_TRIGGER = "customer_fts_ai"


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})")


def _stored(session: Session, table: str, column: str, value: Any) -> Any:
    """`value` as SQLAlchemy would store it in that column (dates become text on SQLite)."""
    processor = _table(table).c[column].type.bind_processor(session.connection().dialect)
    return value if processor is None else processor(value)


class _FtsDeferred:
    """Index the new customers' text in one statement instead of one per row.

    The insert trigger makes FTS5 flush a tiny segment for every row (each trigger statement
    is a savepoint), which took ~5 s of 100,000 rows' ~9 s; one INSERT … SELECT afterwards
    takes under 1 s. The trigger is dropped and recreated from its own stored SQL inside the
    same transaction, so a rollback or a crash brings it back untouched.
    """

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        self.trigger_sql: str | None = self.connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (FTS_INSERT_TRIGGER,)).scalar()
        if self.trigger_sql is not None:
            self.connection.exec_driver_sql(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")

    def index(self, first_id: int, last_id: int) -> None:
        if self.trigger_sql is None:
            return
        columns = ", ".join(FTS_COLUMNS)
        self.connection.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, {columns}) SELECT id, {columns} FROM customer "
            "WHERE id BETWEEN ? AND ?", (first_id, last_id))
        self.connection.exec_driver_sql(self.trigger_sql)


def apply_import(db: Database, plan: ImportPlan, file_name: str | None = None,
                 clock: Clock = system_clock, progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> ImportResult:
    """Add every planned customer in one transaction, or nothing at all.

    Raises ImportRejected if the plan has problems and ImportCancelled when `cancelled()`
    turns true; either way the database is left as it was.
    """
    if plan.problems:
        raise ImportRejected(plan.problems)
    name = plan.file_name if file_name is None else file_name
    if not plan.customers:
        return ImportResult(file_name=name, row_count=plan.row_count, imported=0,
                            duplicates=plan.duplicates, ignored_columns=plan.ignored_columns)
    now = clock()
    total = len(plan.customers)
    customer_sql = _insert_sql("customer", _CUSTOMER_COLUMNS)
    stage_change_sql = _insert_sql("stage_change", _STAGE_CHANGE_COLUMNS)
    customer_tag_sql = _insert_sql("customer_tag", _CUSTOMER_TAG_COLUMNS)
    with db.unit_of_work() as session:
        stages = _check_stages(session, plan)
        batch = ImportBatch(imported_at=now, source=plan.source, file_name=name,
                            row_count=total)
        session.add(batch)
        session.flush()
        tag_ids, new_tags = _tag_ids(session, plan.customers)
        # Plain DB-API executemany: SQLAlchemy's per-value processing cost ~2 s per 100,000
        # rows; the only values needing it (the time stamps) are converted once here.
        stamp = _stored(session, "customer", "created_at", now)
        change_stamp = _stored(session, "stage_change", "changed_at", now)
        connection = session.connection()
        fts = _FtsDeferred(session)
        first_id = next_id = _next_id(session, _table("customer"))
        done = 0
        for chunk in _chunks(plan.customers, CHUNK_ROWS):
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            ids = range(next_id, next_id + len(chunk))
            next_id += len(chunk)
            pairs = list(zip(ids, chunk, strict=True))
            connection.exec_driver_sql(customer_sql, [
                (cid, CustomerKind.PERSON.value, c.name, c.company, c.email, c.phone,
                 c.phone_digits, phone_search_tokens(c.phone_digits), "", None, "", None, None,
                 c.stage_id, 0, None, c.notes, 0, "", 0, stamp, stamp, None, None, batch.id, 1)
                for cid, c in pairs])
            connection.exec_driver_sql(stage_change_sql, [
                (cid, None, c.stage_id, "", stages[c.stage_id], change_stamp,
                 StageChangeReason.IMPORT.value)
                for cid, c in pairs])
            links = [(cid, tag_ids[tag.casefold()]) for cid, c in pairs for tag in c.tags]
            if links:
                connection.exec_driver_sql(customer_tag_sql, links)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        fts.index(first_id, next_id - 1)
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        batch_id = batch.id
    return ImportResult(file_name=name, row_count=plan.row_count, imported=total,
                        batch_id=batch_id, duplicates=plan.duplicates,
                        ignored_columns=plan.ignored_columns, tags_created=new_tags)


def import_csv(db: Database, path: Path | str, dry_run: bool = False,
               clock: Clock = system_clock, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> ImportResult:
    """Read, check and (unless a dry run) import a CSV file of customers.

    A dry run writes nothing and returns the problems instead of raising ImportRejected.
    """
    path = Path(path)
    raw = read_csv(path)
    plan = plan_import(db, raw, cancelled=cancelled)
    if dry_run:
        return ImportResult(file_name=path.name, row_count=plan.row_count,
                            imported=0, dry_run=True, problems=plan.problems,
                            duplicates=plan.duplicates, ignored_columns=plan.ignored_columns)
    return apply_import(db, plan, path.name, clock, progress, cancelled)


# -- undo -----------------------------------------------------------------------------------


def _batch_record(batch: ImportBatch) -> ImportBatchRecord:
    return ImportBatchRecord(id=batch.id, imported_at=batch.imported_at, source=batch.source,
                             file_name=batch.file_name, row_count=batch.row_count,
                             undone_at=batch.undone_at)


def import_batches(db: Database, limit: int = 20) -> list[ImportBatchRecord]:
    """The latest imports, newest first, for an "Undo import" choice."""
    with db.read() as session:
        return [_batch_record(batch) for batch in session.scalars(
            select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit))]


def undo_import(db: Database, batch_id: int, clock: Clock = system_clock) -> int:
    """Delete the customers one import added (and what was since recorded about them).

    Returns how many customers were removed. Tags the import created stay, possibly unused.
    """
    customer = _table("customer")
    with db.unit_of_work() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFoundError(f"There is no import with id {batch_id}.")
        if batch.undone_at is not None:
            raise ValidationError.single(
                "batch", f"The import of {batch.file_name or 'that file'} was already undone "
                         f"on {batch.undone_at:%Y-%m-%d %H:%M}.")
        removed = session.execute(customer.delete().where(
            customer.c.import_batch_id == batch_id))
        batch.undone_at = clock()
        return int(removed.rowcount)  # type: ignore[attr-defined]
