"""A customer's privacy requests: a copy of everything held about them, and erasing it."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Table, delete, func, select, text, update
from sqlalchemy.engine import Connection

from smallbiz_crm.domain.settings import SHOP_NAME
from smallbiz_crm.domain.validation import ValidationError
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.services.customers import load_customer
from smallbiz_crm.store.backup import unused_name
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import FTS_TABLE, Base, Customer, ErasureNote, Setting, Tag

# The PDF summary comes from the printing service when this build has it; the JSON is
# complete on its own.
_summary_writer: Callable[..., Path] | None
try:
    from smallbiz_crm.services.printing import write_summary as _imported_writer
except ImportError:  # pragma: no cover - a build without the reports
    _summary_writer = None
else:
    _summary_writer = _imported_writer

ERASURE_NOTE = "Customer data erased at the customer's request"
EXPORT_FORMAT = "smallbiz-crm customer data"
EXPORT_VERSION = 1
# Columns that only repeat other data for the app's own use: search tokens, edit counters.
_INTERNAL_COLUMNS = frozenset({"phone_search", "version"})
# Readable names for the sections of the export and the counts of an erasure; a table added
# later without a name here still appears, under its table name.
SECTIONS = {
    "customer": "customer",
    "customer_tag": "tags",
    "stage_change": "stage_history",
    "interaction": "interactions",
    "gesture": "gestures",
    "concern": "concerns",
    "feedback": "feedback",
    "follow_up": "follow_ups",
}
_CUSTOMER_TABLE: Table = Customer.__table__  # type: ignore[assignment]
_FILE_NAME_UNSAFE = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class HeldData:
    """What the shop holds about one customer, counted: shown before an erasure."""

    customer_id: int
    name: str
    counts: dict[str, int]  # section name -> rows (tags: how many tags they carry)
    referrals: int  # customers whose "referred by" names them

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class ErasureResult:
    erased_at: datetime
    removed: dict[str, int]  # section name -> rows deleted, "customer": 1 included
    referrals_cleared: int
    note_id: int


def normalized_name(value: str) -> str:
    """A name as compared when typed to confirm: trimmed, single-spaced, without case."""
    return " ".join(unicodedata.normalize("NFC", value).split()).casefold()


def names_match(typed: str, name: str) -> bool:
    return bool(normalized_name(name)) and normalized_name(typed) == normalized_name(name)


def customer_links() -> list[tuple[Table, Column[Any]]]:
    """Every (table, column) that holds a customer's id, read from the schema so that a table
    added later is exported and erased too; children of other linked tables come first."""
    links = []
    for table in reversed(Base.metadata.sorted_tables):
        if table is _CUSTOMER_TABLE:
            continue
        for key in table.foreign_keys:
            if key.column.table is _CUSTOMER_TABLE:
                links.append((table, key.parent))
    return links


def _section(table: Table) -> str:
    return SECTIONS.get(table.name, table.name)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _file_stem(name: str) -> str:
    stem = _FILE_NAME_UNSAFE.sub("-", name).strip("-_")[:60].strip("-_")
    return stem or "customer"


def _write_private(path: Path, content: bytes) -> None:
    # O_EXCL with 0600: a new file only the owner can read, never someone else's file.
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


class PrivacyService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self.clock = clock

    @staticmethod
    def pdf_available() -> bool:
        return _summary_writer is not None

    # -- what is held -------------------------------------------------------------------------

    def held(self, customer_id: int) -> HeldData:
        """Count every row about the customer; NotFoundError for an unknown id."""
        with self.db.read() as session:
            customer = load_customer(session, customer_id)
            conn = session.connection()
            counts = self._counts(conn, customer_id)
            referrals = int(conn.scalar(
                select(func.count()).select_from(_CUSTOMER_TABLE)
                .where(_CUSTOMER_TABLE.c.referred_by_id == customer_id)) or 0)
            return HeldData(customer_id=customer_id, name=customer.name, counts=counts,
                            referrals=referrals)

    @staticmethod
    def _counts(conn: Connection, customer_id: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        for table, column in customer_links():
            section = _section(table)
            counts[section] = counts.get(section, 0) + int(conn.scalar(
                select(func.count()).select_from(table).where(column == customer_id)) or 0)
        return counts

    # -- export -------------------------------------------------------------------------------

    def export_data(self, customer_id: int) -> dict[str, Any]:
        """Everything about the customer as plain JSON values, read in one snapshot: their
        row, who referred them and whom they referred (names), their tags, and every row of
        every table that holds their id."""
        now = self.clock()
        with self.db.read() as session:
            load_customer(session, customer_id)
            conn = session.connection()
            names = _NameLookup(conn)
            row = conn.execute(select(_CUSTOMER_TABLE)
                               .where(_CUSTOMER_TABLE.c.id == customer_id)).one()
            customer = _row_dict(_CUSTOMER_TABLE, row._mapping, names)
            referrer = row.referred_by_id
            referred_by = ({"id": referrer, "name": names.name(_CUSTOMER_TABLE, referrer)}
                           if referrer is not None else None)
            referrals = [{"id": ref_id, "name": name} for ref_id, name in conn.execute(
                select(_CUSTOMER_TABLE.c.id, _CUSTOMER_TABLE.c.name)
                .where(_CUSTOMER_TABLE.c.referred_by_id == customer_id)
                .order_by(_CUSTOMER_TABLE.c.name, _CUSTOMER_TABLE.c.id))]
            tags = list(conn.scalars(
                select(Tag.name).join_from(Tag, _tag_link())
                .where(_tag_link().c.customer_id == customer_id).order_by(Tag.name)))
            sections: dict[str, list[dict[str, Any]]] = {}
            for table, column in reversed(customer_links()):
                order = [*table.primary_key.columns]
                rows = [_row_dict(table, found._mapping, names, skip=column.name)
                        for found in conn.execute(select(table).where(column == customer_id)
                                                  .order_by(*order))]
                sections.setdefault(_section(table), []).extend(rows)
            shop_row = session.get(Setting, SHOP_NAME.name)
        shop = json.loads(shop_row.value) if shop_row is not None else SHOP_NAME.default
        # customer_tag rows hold only ids; the names are what a customer can read.
        sections.pop(SECTIONS["customer_tag"], None)
        return {
            "format": EXPORT_FORMAT,
            "format_version": EXPORT_VERSION,
            "exported_at": now.isoformat(),
            "shop_name": shop,
            "about": "Everything this shop's customer records hold about you.",
            "customer": customer,
            "referred_by": referred_by,
            "referrals": referrals,
            "tags": tags,
            **sections,
        }

    def export_customer_data(self, customer_id: int, folder: Path) -> list[Path]:
        """Write the readable JSON (and the PDF summary, if this build has it) into `folder`,
        readable by the owner only (0600); never overwrites a file. Returns the files."""
        folder = Path(folder)
        if not folder.is_dir():
            raise ValidationError.single("folder", f"There is no folder at {folder}.")
        data = self.export_data(customer_id)
        stem = f"{_file_stem(str(data['customer']['name']))}-data-{self.clock():%Y-%m-%d}"
        json_path = unused_name(folder, stem, ".json", companions=())
        content = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        _write_private(json_path, content.encode("utf-8"))
        written = [json_path]
        if _summary_writer is not None:
            pdf_path = json_path.with_suffix(".pdf")
            try:
                if pdf_path.exists():
                    pdf_path = unused_name(folder, json_path.stem + "-summary", ".pdf")
                _summary_writer(self.db, customer_id, pdf_path, clock=self.clock)
                os.chmod(pdf_path, 0o600)
            except BaseException:
                # All or nothing: the owner is told it failed, and no half export is left.
                json_path.unlink(missing_ok=True)
                pdf_path.unlink(missing_ok=True)
                raise
            written.append(pdf_path)
        return written

    # -- erasure ------------------------------------------------------------------------------

    def erase(self, customer_id: int, typed_name: str) -> ErasureResult:
        """Delete the customer and every row about them, clear "referred by" on the customers
        they referred, and leave a dated ErasureNote without personal data; one transaction.

        Refuses (ValidationError on "typed_name") unless typed_name is their name, ignoring
        case and spaces around it. Deleted content is overwritten in the file (secure_delete)
        and purged from the search index. Backups taken before still hold it until they are
        replaced.
        """
        now = self.clock()
        with self.db.unit_of_work() as session:
            customer = load_customer(session, customer_id)
            if not typed_name.strip():
                raise ValidationError.single(
                    "typed_name", "Type the customer's name to confirm the erasure.")
            if not names_match(typed_name, customer.name):
                raise ValidationError.single(
                    "typed_name", f"That is not their name. Type it as shown: {customer.name}")
            conn = session.connection()
            # Freed pages are zeroed rather than left readable in the file.
            conn.exec_driver_sql("PRAGMA secure_delete = ON")
            try:
                referrals = conn.execute(
                    update(_CUSTOMER_TABLE)
                    .where(_CUSTOMER_TABLE.c.referred_by_id == customer_id)
                    # A new version: an edit form still holding the old referral must reload.
                    .values(referred_by_id=None, version=_CUSTOMER_TABLE.c.version + 1))
                referrals_cleared = int(referrals.rowcount)
                removed: dict[str, int] = {}
                for table, column in customer_links():
                    result = conn.execute(delete(table).where(column == customer_id))
                    section = _section(table)
                    removed[section] = removed.get(section, 0) + int(result.rowcount)
                result = conn.execute(delete(_CUSTOMER_TABLE)
                                      .where(_CUSTOMER_TABLE.c.id == customer_id))
                removed["customer"] = int(result.rowcount)
                # FTS5 keeps deleted entries in older segments until they are merged.
                conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))
                note = ErasureNote(erased_at=now, note=ERASURE_NOTE)
                session.expunge(customer)
                session.add(note)
                session.flush()
            finally:
                conn.exec_driver_sql("PRAGMA secure_delete = OFF")
            note_id = note.id
        # The old pages stay in the WAL until a checkpoint copies the zeroed ones over them.
        self.db.checkpoint()
        return ErasureResult(erased_at=now, removed=removed,
                             referrals_cleared=referrals_cleared, note_id=note_id)


def _tag_link() -> Table:
    return Base.metadata.tables["customer_tag"]


class _NameLookup:
    """Names for ids that point at named rows (persona, stage, product, the referrer), so the
    export reads "stage_name": "Regular" beside "stage_id": 3."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cache: dict[tuple[str, int], str | None] = {}

    def name(self, table: Table, row_id: int) -> str | None:
        key = (table.name, row_id)
        if key not in self.cache:
            id_column = next(iter(table.primary_key.columns))
            self.cache[key] = self.conn.scalar(
                select(table.c.name).where(id_column == row_id))
        return self.cache[key]


def _row_dict(table: Table, mapping: Any, names: _NameLookup,
              skip: str | None = None) -> dict[str, Any]:
    """One row as JSON values, without internal columns or the (repeated) customer id, with
    the name of every named row it points at."""
    result: dict[str, Any] = {}
    for column in table.columns:
        if column.name in _INTERNAL_COLUMNS or column.name == skip:
            continue
        value = mapping[column.name]
        result[column.name] = _plain(value)
        named = column.name[:-3] + "_name"
        if value is None or not column.name.endswith("_id") or named in table.c:
            continue  # a stage change keeps the stage's name as it was: that one stays
        for key in column.foreign_keys:
            target = key.column.table
            if isinstance(target, Table) and "name" in target.c:
                result[named] = names.name(target, value)
    return result
