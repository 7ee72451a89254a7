"""Importing customers from files: read into raw rows, validate into a plan, apply it at once."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from smallbiz_crm.domain.kinds import CustomerKind, StageChangeReason
from smallbiz_crm.domain.search import phone_search_tokens
from smallbiz_crm.domain.validation import (
    MAX_NAME_LENGTH,
    Collector,
    ValidationError,
    check_birthday,
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
    Setting,
    Tag,
)

if TYPE_CHECKING:
    pass
from smallbiz_crm.services.import_reading import (
    _DOT_ATOM,
    ADDRESS_PARTS,
    CHUNK_ROWS,
    DUPLICATE_CHOICES,
    MAX_TAG_LENGTH,
    MERGE,
    MERGE_UNDO_KEY,
    MONTH_FIRST_REGIONS,
    NEW,
    SKIP,
    SOURCE_CSV,
    SOURCE_VCARD,
    ImportBatchRecord,
    ImportCancelled,
    ImportDuplicate,
    ImportFileError,
    ImportPlan,
    ImportProblem,
    ImportRejected,
    ImportResult,
    PlannedCustomer,
    RawRow,
    RawTable,
    UndoResult,
    _all_filled,
    _first,
    _has_name,
    _one_line,
    is_vcard,
    read_csv,
)
from smallbiz_crm.services.import_values import (
    _lines,
    _split_tags,
    _split_values,
    compose_address,
    day_month_text,
    parse_birthday,
)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# Every field a file's column can feed, in the order the import wizard lists them. The name is
# the full-name column, or else first + middle + last, or else the company (a business).

def read_file(path: Path | str, kind: str | None = None, require_name: bool = True) -> RawTable:
    """Read a CSV or vCard file ("csv", "vcard", or None to tell by name and content)."""
    if kind is None:
        kind = SOURCE_VCARD if is_vcard(path) else SOURCE_CSV
    if kind == SOURCE_VCARD:
        from smallbiz_crm.services.vcard import read_vcard

        return read_vcard(path)
    if kind != SOURCE_CSV:
        raise ImportFileError(f"Cannot import '{kind}' files: use csv or vcard.")
    return read_csv(path, require_name)


# -- planning -------------------------------------------------------------------------------


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


class _EmailChecker:
    """check_email, with each domain validated once: email-validator spends most of its time
    on the domain, and a file's addresses share a few (~25 µs → ~2 µs per plain address)."""

    def __init__(self) -> None:
        self.domains: dict[str, str | None] = {}

    def check(self, value: str, errors: Collector) -> str:
        text = value.strip()
        if not text:
            return ""
        local, at, domain = text.rpartition("@")
        if (at and len(local) <= 64 and len(text) <= 254 and domain.isascii()
                and _DOT_ATOM.match(local)):
            normal = self.domains.get(domain, "")
            if normal == "":
                probe = Collector()
                checked = check_email("x@" + domain, probe)
                normal = None if probe.errors else checked.partition("@")[2]
                self.domains[domain] = normal
            if normal is not None and len(local) + 1 + len(normal) <= 254:
                return f"{local}@{normal}"
        return check_email(text, errors)


@dataclass(slots=True)
class _Planner:
    """Turns one raw row into a planned customer, or problems, with the columns resolved."""

    raw: RawTable
    columns: dict[str, tuple[int, ...]]
    region: str
    today: date
    day_first: bool
    by_stage_name: dict[str, tuple[int, str]]
    first_stage: tuple[int, str]
    stage_list: str
    emails: _EmailChecker = field(default_factory=_EmailChecker)
    width: int = 0

    def cell(self, cells: Sequence[str], name: str) -> str:
        return _first(cells, self.columns.get(name), self.raw.source == SOURCE_CSV)

    def plan_row(  # noqa: C901 - one branch per field a contact file may fill
            self, row: RawRow, notices: list[ImportProblem]) -> tuple[
            PlannedCustomer | None, dict[str, str]]:
        if row.error:
            return None, {"card": row.error}
        cells = row.cells
        errors = Collector()
        kind = CustomerKind.PERSON.value
        kind_text = self.cell(cells, "kind").strip().casefold()
        if kind_text in {"business", "company", "organization", "organisation", "org", "b"}:
            kind = CustomerKind.BUSINESS.value
        elif kind_text not in {"", "person", "individual", "p"}:
            errors.add("kind", f"'{_one_line(kind_text)}' is not person or business.")
        company = " ".join(self.cell(cells, "company").split())
        name_text = self.cell(cells, "name")
        if not name_text.strip():
            name_text = " ".join(part for part in (
                " ".join(self.cell(cells, part).split())
                for part in ("first_name", "middle_name", "last_name")) if part)
        if not name_text.strip() and company:
            name_text, kind = company, CustomerKind.BUSINESS.value
        name = check_name(name_text, errors)
        if len(company) > MAX_NAME_LENGTH:
            errors.add("company", f"Company is too long (at most {MAX_NAME_LENGTH} characters).")
        extra_notes: list[str] = []
        email = phone = ""
        guarded = self.raw.source == SOURCE_CSV
        emails = _split_values(_all_filled(cells, self.columns.get("email"), guarded))
        if emails:
            email = self.emails.check(emails[0], errors)
            if len(emails) > 1:
                extra_notes.append("Other emails: " + ", ".join(emails[1:]))
        phones = _split_values(_all_filled(cells, self.columns.get("phone"), guarded))
        if phones:
            phone = check_phone(phones[0], errors, self.region)
            if len(phones) > 1:
                extra_notes.append("Other phones: " + ", ".join(phones[1:]))
        address = self.address(cells, errors)
        birthday = self.birthday(row.line, cells, errors, notices, extra_notes)
        notes_text = _lines(self.cell(cells, "notes")).strip()
        if extra_notes:
            notes_text = "\n".join(p for p in (notes_text, *extra_notes) if p)
        notes = check_long_text(notes_text, errors, "notes", "Notes")
        tags = _split_tags(self.cell(cells, "tags"), self.raw.source == SOURCE_VCARD)
        for tag in tags:
            if len(tag) > MAX_TAG_LENGTH:
                errors.add("tags", f"The tag '{_one_line(tag)}' is too long "
                                   f"(at most {MAX_TAG_LENGTH} characters).")
        stage_text = " ".join(self.cell(cells, "stage").split())
        stage = self.by_stage_name.get(stage_text.casefold()) if stage_text else self.first_stage
        if stage is None:
            errors.add("stage", f"'{_one_line(stage_text)}' is not a journey stage; "
                                f"use one of: {self.stage_list}.")
        if len(cells) > self.width and any(cell.strip() for cell in cells[self.width:]):
            errors.add("row", "This row has more cells than the header has columns; "
                              "a cell with the delimiter in it may be missing its quotes.")
        if errors.errors or stage is None:
            return None, errors.errors
        return PlannedCustomer(
            line=row.line, name=name, company=company, email=email, phone=phone,
            phone_digits=phone_digits(phone), notes=notes, stage_id=stage[0],
            stage_name=stage[1], tags=tuple(tags), kind=kind, address=address,
            birthday=birthday), {}

    def address(self, cells: Sequence[str], errors: Collector) -> str:
        street, city, region, postal_code, country = (
            self.cell(cells, part) for part in ADDRESS_PARTS)
        whole = _lines(self.cell(cells, "address")).strip()
        if whole:
            # A full address column next to part columns: add the parts it lacks (a French
            # sheet's Adresse holds the street only, Ville and Code postal follow), not the
            # ones it repeats (Google's formatted address has them all).
            known = whole.casefold()

            def fresh(part: str) -> str:
                flat = " ".join(part.split())
                return "" if not flat or flat.casefold() in known else part

            street = "\n".join(p for p in (whole, fresh(street)) if p)
            city, region, postal_code, country = map(fresh, (city, region, postal_code, country))
        text = compose_address(street, city, region, postal_code, country)
        return check_long_text(text, errors, "address", "Address")

    def birthday(self, line: int, cells: Sequence[str], errors: Collector,
                 notices: list[ImportProblem], extra_notes: list[str]) -> date | None:
        text = " ".join(self.cell(cells, "birthday").split())
        if not text:
            return None
        try:
            value = parse_birthday(text, self.day_first)
        except ValueError:
            if self.raw.source == SOURCE_VCARD:
                # Address books allow free text ("circa 1960"): keep it, readable, in the notes.
                extra_notes.append(f"Birthday: {_one_line(text, 80)}")
                notices.append(ImportProblem(line, "birthday", (
                    f"'{_one_line(text)}' is not a date, so it was added to the notes.")))
                return None
            errors.add("birthday", f"'{_one_line(text)}' is not a date; write it like "
                                   "1985-03-14.")
            return None
        if isinstance(value, tuple):
            extra_notes.append(f"Birthday: {day_month_text(*value)} (year not known)")
            notices.append(ImportProblem(line, "birthday", (
                f"'{_one_line(text)}' has no year, so the birthday was added to the notes.")))
            return None
        return check_birthday(value, errors, self.today)


def plan_import(db: Database, raw: RawTable,
                mapping: Mapping[str, str | int | None] | None = None,
                duplicate_choices: Mapping[int, str] | None = None, *,
                default_region: str | None = None, clock: Clock = system_clock,
                progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> ImportPlan:
    """Check every row; bad rows become problems, lookalikes of known customers duplicates.

    `mapping` overrides the detected columns (field → column title or index, None to leave a
    field out). `duplicate_choices` says per line what to do with a likely duplicate: "skip",
    "merge" (fill in the existing customer) or "new"; a line without a choice is imported as
    new, and reported. `default_region` is for phone numbers without +country; None takes the
    shop's country.
    """
    if isinstance(mapping, str):
        raise TypeError("mapping is field → column; pass default_region= by keyword")
    region = (default_region or SettingsService(db).phone_region()).upper()
    columns = raw.resolve(mapping)
    if not _has_name(columns):
        raise ImportFileError(
            f"Choose the column of {raw.file_name} that holds the customers' names (or their "
            "first and last names, or the company).")
    with db.read() as session:
        stages = [(stage_id, name) for stage_id, name in session.execute(
            select(JourneyStage.id, JourneyStage.name).order_by(JourneyStage.position))]
        known = _known_contacts(session)
    if not stages:
        raise ValidationError.single("stage", "There are no journey stages; add one first.")
    planner = _Planner(
        raw=raw, columns=columns, region=region, today=clock().date(),
        day_first=region not in MONTH_FIRST_REGIONS,
        by_stage_name={" ".join(name.split()).casefold(): (sid, name) for sid, name in stages},
        first_stage=stages[0], stage_list=", ".join(name for _, name in stages),
        width=len(raw.header) if raw.source == SOURCE_CSV else 1 << 30)
    customers: list[PlannedCustomer] = []
    problems: list[ImportProblem] = []
    notices: list[ImportProblem] = []
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
        row_notices: list[ImportProblem] = []
        planned, errors = planner.plan_row(row, row_notices)
        if planned is None:
            problems.extend(ImportProblem(row.line, name_, message)
                            for name_, message in errors.items())
            continue
        notices.extend(row_notices)
        duplicate = _duplicate_of(planned, known, file_emails, file_phones)
        if duplicate is not None:
            duplicates.append(duplicate)
        if planned.email:
            file_emails.setdefault(planned.email.casefold(), row.line)
        if planned.phone_digits:
            file_phones.setdefault(planned.phone_digits, row.line)
        customers.append(planned)
    if progress is not None:
        progress(total, total)
    titles = {name: tuple(raw.column_label(i) for i in indexes)
              for name, indexes in columns.items()}
    plan = ImportPlan(file_name=raw.file_name, source=raw.source, customers=tuple(customers),
                      problems=tuple(problems), duplicates=tuple(duplicates),
                      ignored_columns=_ignored(raw, columns), row_count=total,
                      notices=tuple(notices), candidates=tuple(customers), mapping=titles)
    return with_choices(plan, duplicate_choices or {})


def _ignored(raw: RawTable, columns: Mapping[str, Sequence[int]]) -> tuple[str, ...]:
    if raw.source != SOURCE_CSV:
        return ()
    used = {index for indexes in columns.values() for index in indexes}
    return tuple(_one_line(title) for index, title in enumerate(raw.header)
                 if index not in used and title.strip())


def _duplicate_of(planned: PlannedCustomer, known: _Known, file_emails: Mapping[str, int],
                  file_phones: Mapping[str, int]) -> ImportDuplicate | None:
    line, email, digits = planned.line, planned.email.casefold(), planned.phone_digits
    if email and email in known.emails:
        customer_id, name = known.emails[email]
        return ImportDuplicate(line, customer_id, f"same email as {_one_line(name)}, "
                               "who is already a customer", match="email",
                               name=planned.name, existing_name=name)
    if digits and digits in known.phones:
        customer_id, name = known.phones[digits]
        return ImportDuplicate(line, customer_id, f"same phone number as {_one_line(name)}, "
                               "who is already a customer", match="phone",
                               name=planned.name, existing_name=name)
    if email and email in file_emails:
        other = file_emails[email]
        return ImportDuplicate(line, None, f"same email as line {other}", other, match="email",
                               name=planned.name)
    if digits and digits in file_phones:
        other = file_phones[digits]
        return ImportDuplicate(line, None, f"same phone number as line {other}", other,
                               match="phone", name=planned.name)
    return None


def default_choices(plan: ImportPlan) -> dict[int, str]:
    """The import wizard's starting choices: skip a row with the email of someone already
    there (or of an earlier row); import the others as new, for the owner to look at."""
    return {d.line: SKIP if d.match == "email" else NEW for d in plan.duplicates}


def with_choices(plan: ImportPlan, choices: Mapping[int, str]) -> ImportPlan:
    """The plan with each duplicate skipped, merged or kept as new, as `choices` say."""
    errors = Collector()
    for line, choice in choices.items():
        if choice not in DUPLICATE_CHOICES:
            errors.add(f"line {line}", f"Line {line}: '{choice}' is not one of "
                                       f"{', '.join(DUPLICATE_CHOICES)}.")
    duplicates: list[ImportDuplicate] = []
    by_line: dict[int, ImportDuplicate] = {}
    for duplicate in plan.duplicates:
        choice = choices.get(duplicate.line, NEW)
        if choice == MERGE and duplicate.existing_customer_id is None:
            errors.add(f"line {duplicate.line}", (
                f"Line {duplicate.line} repeats line {duplicate.other_line} of the file; it can "
                "be skipped or imported as new, not merged."))
        updated = replace(duplicate, choice=choice)
        duplicates.append(updated)
        by_line[duplicate.line] = updated
    errors.raise_if_any()
    customers: list[PlannedCustomer] = []
    skipped: list[int] = []
    for customer in plan.candidates:
        chosen = by_line.get(customer.line)
        choice = chosen.choice if chosen is not None else NEW
        if choice == SKIP:
            skipped.append(customer.line)
        elif choice == MERGE and chosen is not None:
            customers.append(replace(customer, merge_into=chosen.existing_customer_id))
        else:
            customers.append(replace(customer, merge_into=None)
                             if customer.merge_into is not None else customer)
    return replace(plan, customers=tuple(customers), duplicates=tuple(duplicates),
                   skipped=tuple(skipped))


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
# Page cache for the import's connection: index upkeep of 100,000 new customers took ~9 s
# with SQLite's default 2 MB and ~4 s with this (KiB, as PRAGMA cache_size takes it negated).
IMPORT_CACHE_KIB = 131_072


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})")


def _stored(session: Session, table: str, column: str, value: Any) -> Any:
    """`value` as SQLAlchemy would store it in that column (dates become text on SQLite)."""
    dialect = session.connection().dialect
    processor = _table(table).c[column].type.dialect_impl(dialect).bind_processor(dialect)
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
        if last_id >= first_id:
            self.connection.exec_driver_sql(
                f"INSERT INTO {FTS_TABLE}(rowid, {columns}) SELECT id, {columns} FROM customer "
                "WHERE id BETWEEN ? AND ?", (first_id, last_id))
        self.connection.exec_driver_sql(self.trigger_sql)


def _digest(value: object) -> str:
    return hashlib.sha256(str(value).encode("utf-8", "surrogatepass")).hexdigest()[:32]


_MERGED_FIELDS = ("company", "email", "phone", "address", "birthday")


def _merge(session: Session, planned: PlannedCustomer, tag_ids: Mapping[str, int],
           now: datetime) -> dict[str, Any]:
    """Fill in the existing customer's empty details, add tags, append notes.

    Returns what undo needs to take it back: which fields were filled (with a digest of the
    value, so a later edit by hand is left alone) — never the personal data itself.
    """
    customer = _table("customer")
    assert planned.merge_into is not None
    current = session.execute(
        select(customer.c.phone_digits, *(customer.c[name] for name in _MERGED_FIELDS),
               customer.c.notes).where(customer.c.id == planned.merge_into)).one_or_none()
    # Still the customer the row matched (an id can be taken again after a delete)?
    matches = current is not None and (
        (bool(planned.email) and planned.email.casefold() == (current[2] or "").casefold())
        or (bool(planned.phone_digits) and planned.phone_digits == current[0]))
    if current is None or not matches:
        raise ValidationError.single("duplicates", (
            f"Line {planned.line} was to be merged into a customer who was deleted or changed "
            "after the file was checked; check the file again."))
    values: dict[str, Any] = {}
    filled: dict[str, str] = {}
    for name, old in zip(_MERGED_FIELDS, current[1:6], strict=True):
        new = getattr(planned, name)
        if not old and new:
            values[name] = new
            filled[name] = _digest(new)
    if "phone" in values:
        values["phone_digits"] = planned.phone_digits
        values["phone_search"] = phone_search_tokens(planned.phone_digits)
    old_notes: str = current[6] or ""
    added_notes = ""
    if planned.notes and planned.notes not in old_notes:
        added_notes = ("\n\n" if old_notes else "") + planned.notes
        values["notes"] = old_notes + added_notes
    links = session.execute(select(_table("customer_tag").c.tag_id).where(
        _table("customer_tag").c.customer_id == planned.merge_into)).scalars().all()
    new_tags = sorted({tag_ids[tag.casefold()] for tag in planned.tags} - set(links))
    if new_tags:
        session.execute(insert(_table("customer_tag")),
                        [{"customer_id": planned.merge_into, "tag_id": t} for t in new_tags])
    if values or new_tags:
        session.execute(customer.update().where(customer.c.id == planned.merge_into).values(
            **values, updated_at=now, version=customer.c.version + 1))
    return {"id": planned.merge_into, "filled": filled,
            "notes": [len(added_notes), _digest(added_notes)] if added_notes else None,
            "tags": new_tags}


def apply_import(db: Database, plan: ImportPlan, file_name: str | None = None,
                 clock: Clock = system_clock, progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> ImportResult:
    """Add every planned customer (and merge the chosen duplicates) in one transaction, or
    nothing at all.

    Raises ImportRejected if the plan has problems and ImportCancelled when `cancelled()`
    turns true; either way the database is left as it was.
    """
    if plan.problems:
        raise ImportRejected(plan.problems)
    name = plan.file_name if file_name is None else file_name
    new = [c for c in plan.customers if c.merge_into is None]
    merges = [c for c in plan.customers if c.merge_into is not None]
    if not plan.customers:
        return ImportResult(file_name=name, row_count=plan.row_count, imported=0,
                            duplicates=plan.duplicates, ignored_columns=plan.ignored_columns,
                            skipped=len(plan.skipped), notices=plan.notices)
    now = clock()
    total = len(plan.customers)
    customer_sql = _insert_sql("customer", _CUSTOMER_COLUMNS)
    stage_change_sql = _insert_sql("stage_change", _STAGE_CHANGE_COLUMNS)
    customer_tag_sql = _insert_sql("customer_tag", _CUSTOMER_TAG_COLUMNS)
    with db.unit_of_work() as session:
        connection = session.connection()
        cache = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        try:
            stages = _check_stages(session, plan)
            batch = ImportBatch(imported_at=now, source=plan.source, file_name=name,
                                row_count=total)
            session.add(batch)
            session.flush()
            tag_ids, new_tags = _tag_ids(session, plan.customers)
            # Plain DB-API executemany: SQLAlchemy's per-value processing cost ~2 s per
            # 100,000 rows; the values needing it (time stamps, dates) are converted here.
            stamp = _stored(session, "customer", "created_at", now)
            change_stamp = _stored(session, "stage_change", "changed_at", now)

            def day(value: date | None) -> Any:
                return None if value is None else _stored(session, "customer", "birthday",
                                                          value)

            # Merges first: the new customers' ids must not be taken for the existing ones.
            undo: list[dict[str, Any]] = []
            done = 0
            for index, planned in enumerate(merges, start=1):
                if index % CHUNK_ROWS == 0 and cancelled is not None and cancelled():
                    raise ImportCancelled()
                undo.append(_merge(session, planned, tag_ids, now))
                done += 1
                if progress is not None and (index % CHUNK_ROWS == 0 or index == len(merges)):
                    progress(done, total)
            if undo:
                session.add(Setting(key=MERGE_UNDO_KEY.format(batch.id), value=json.dumps(undo)))
            fts = _FtsDeferred(session)
            first_id = next_id = _next_id(session, _table("customer"))
            for chunk in _chunks(new, CHUNK_ROWS):
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                ids = range(next_id, next_id + len(chunk))
                next_id += len(chunk)
                pairs = list(zip(ids, chunk, strict=True))
                connection.exec_driver_sql(customer_sql, [
                    (cid, c.kind, c.name, c.company, c.email, c.phone, c.phone_digits,
                     phone_search_tokens(c.phone_digits), c.address, day(c.birthday), "", None,
                     None, c.stage_id, 0, None, c.notes, 0, "", 0, stamp, stamp, None, None,
                     batch.id, 1)
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
        finally:
            with contextlib.suppress(SQLAlchemyError):
                connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache or -2000)}")
    return ImportResult(file_name=name, row_count=plan.row_count, imported=len(new),
                        batch_id=batch_id, duplicates=plan.duplicates,
                        ignored_columns=plan.ignored_columns, tags_created=new_tags,
                        merged=len(merges), skipped=len(plan.skipped), notices=plan.notices)


def import_file(db: Database, path: Path | str, kind: str | None = None,
                dry_run: bool = False, clock: Clock = system_clock,
                progress: Progress | None = None, cancelled: Cancelled | None = None,
                duplicate_choices: Mapping[int, str] | None = None) -> ImportResult:
    """Read, check and (unless a dry run) import a CSV or vCard file of customers.

    A dry run writes nothing and returns the problems instead of raising ImportRejected.
    """
    path = Path(path)
    raw = read_file(path, kind)
    plan = plan_import(db, raw, duplicate_choices=duplicate_choices, clock=clock,
                       cancelled=cancelled)
    if dry_run:
        return ImportResult(file_name=path.name, row_count=plan.row_count,
                            imported=0, dry_run=True, problems=plan.problems,
                            duplicates=plan.duplicates, ignored_columns=plan.ignored_columns,
                            skipped=len(plan.skipped), notices=plan.notices)
    return apply_import(db, plan, path.name, clock, progress, cancelled)


def import_csv(db: Database, path: Path | str, dry_run: bool = False,
               clock: Clock = system_clock, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> ImportResult:
    """Read, check and (unless a dry run) import a CSV file of customers."""
    return import_file(db, path, SOURCE_CSV, dry_run, clock, progress, cancelled)


def import_vcard(db: Database, path: Path | str, dry_run: bool = False,
                 clock: Clock = system_clock, progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> ImportResult:
    """Read, check and (unless a dry run) import a vCard (.vcf) file of contacts."""
    return import_file(db, path, SOURCE_VCARD, dry_run, clock, progress, cancelled)


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


def last_undoable_import(db: Database) -> ImportBatchRecord | None:
    """The newest import not undone yet, for File → Undo last import."""
    with db.read() as session:
        batch = session.scalars(select(ImportBatch).where(ImportBatch.undone_at.is_(None))
                                .order_by(ImportBatch.id.desc()).limit(1)).first()
        return None if batch is None else _batch_record(batch)


def import_counts(db: Database, batch_id: int) -> tuple[int, int]:
    """(customers the import added that are still there, customers it merged into)."""
    customer = _table("customer")
    with db.read() as session:
        added = session.scalar(select(func.count()).select_from(customer).where(
            customer.c.import_batch_id == batch_id)) or 0
        row = session.get(Setting, MERGE_UNDO_KEY.format(batch_id))
        merged = len(json.loads(row.value)) if row is not None else 0
    return int(added), merged


def _unmerge(session: Session, entry: Mapping[str, Any], now: datetime) -> bool:
    customer = _table("customer")
    customer_id = int(entry["id"])
    current = session.execute(
        select(*(customer.c[name] for name in _MERGED_FIELDS), customer.c.notes)
        .where(customer.c.id == customer_id)).one_or_none()
    if current is None:
        return False  # deleted (or erased) since: nothing of theirs is left to take back
    values: dict[str, Any] = {}
    for name, value in zip(_MERGED_FIELDS, current[:5], strict=True):
        digest = entry.get("filled", {}).get(name)
        if digest is not None and value and _digest(value) == digest:
            values[name] = None if name == "birthday" else ""
    if "phone" in values:
        values["phone_digits"] = ""
        values["phone_search"] = ""
    notes: str = current[5] or ""
    added = entry.get("notes")
    if added:
        length, digest = int(added[0]), str(added[1])
        if 0 < length <= len(notes) and _digest(notes[len(notes) - length:]) == digest:
            values["notes"] = notes[:len(notes) - length]
    tags = [int(t) for t in entry.get("tags", ())]
    if tags:
        link = _table("customer_tag")
        session.execute(link.delete().where(link.c.customer_id == customer_id,
                                            link.c.tag_id.in_(tags)))
    if values:
        session.execute(customer.update().where(customer.c.id == customer_id).values(
            **values, updated_at=now, version=customer.c.version + 1))
    return bool(values or tags)


def undo_import_batch(db: Database, batch_id: int, clock: Clock = system_clock) -> UndoResult:
    """Delete the customers one import added (and what was since recorded about them), and
    take back what it merged into existing customers unless edited by hand since."""
    customer = _table("customer")
    now = clock()
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
        restored = 0
        row = session.get(Setting, MERGE_UNDO_KEY.format(batch_id))
        if row is not None:
            for entry in json.loads(row.value):
                restored += _unmerge(session, entry, now)
            session.delete(row)
        batch.undone_at = now
        return UndoResult(removed=int(removed.rowcount),  # type: ignore[attr-defined]
                          restored=restored)


def undo_import(db: Database, batch_id: int, clock: Clock = system_clock) -> int:
    """Undo one import (see undo_import_batch); returns how many customers were removed.

    Tags the import created stay, possibly unused.
    """
    return undo_import_batch(db, batch_id, clock).removed
