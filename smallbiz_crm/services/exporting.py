"""Exports: customers as a spreadsheet CSV or vCards, and every table of the database as JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from smallbiz_crm import __version__
from smallbiz_crm.services.clock import Clock, system_clock
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.files import atomic_text
from smallbiz_crm.store.models import FTS_TABLE, Base

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

CSV_COLUMNS = ("Name", "Company", "Email", "Phone", "Address", "Birthday", "Stage", "Persona",
               "Tags", "Consent to contact", "Source", "Referred by", "Notes", "Created",
               "Last contact", "Next follow-up", "Archived")
# A spreadsheet runs a cell starting with one of these as a formula (a tab or carriage return
# first can still lead into one); an apostrophe in front makes it plain text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 500
JSON_FORMAT = "smallbiz-crm-export"
JSON_FORMAT_VERSION = 1
JSON_BATCH = 2_000


class ExportCancelled(Exception):
    """The owner cancelled; no file was written (an older one at the path is untouched)."""

    def __init__(self) -> None:
        super().__init__("The export was cancelled; no file was written.")


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One customer as the exports show them: names instead of ids."""

    id: int
    name: str
    kind: str
    company: str
    email: str
    phone: str
    address: str
    birthday: date | None
    stage: str
    persona: str
    tags: tuple[str, ...]
    consent_contact: bool
    source: str
    referred_by: str
    notes: str
    created_at: datetime
    last_contact_at: datetime | None
    next_follow_up_on: date | None
    archived: bool


# -- customers ------------------------------------------------------------------------------


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _ordered_ids(session: Session, customer_ids: Sequence[int] | None) -> list[int]:
    if customer_ids is not None:
        return list(dict.fromkeys(customer_ids))  # as given (the list's order), once each
    customer = _table("customer")
    return list(session.scalars(select(customer.c.id).order_by(customer.c.name, customer.c.id)))


def customer_rows(db: Database, customer_ids: Sequence[int] | None = None,
                  progress: Progress | None = None,
                  cancelled: Cancelled | None = None) -> Iterator[ExportRow]:
    """The customers (all, archived too, by name; or these, in this order), a chunk at a time
    so that 100,000 of them never sit in memory at once. Ids that no longer exist are left
    out."""
    customer = _table("customer")
    stage = _table("journey_stage")
    persona = _table("persona")
    referrer = customer.alias("referrer")
    link = _table("customer_tag")
    tag = _table("tag")
    c = customer.c
    query = select(
        c.id, c.name, c.kind, c.company, c.email, c.phone, c.address, c.birthday,
        stage.c.name, persona.c.name, c.consent_contact, c.source, referrer.c.name, c.notes,
        c.created_at, c.last_contact_at, c.next_follow_up_on, c.archived,
    ).select_from(customer.outerjoin(stage, stage.c.id == c.stage_id)
                  .outerjoin(persona, persona.c.id == c.persona_id)
                  .outerjoin(referrer, referrer.c.id == c.referred_by_id))
    with db.read() as session:
        ids = _ordered_ids(session, customer_ids)
        total = len(ids)
        for start in range(0, total, CHUNK):
            if cancelled is not None and cancelled():
                raise ExportCancelled()
            chunk = ids[start:start + CHUNK]
            found = {row[0]: row for row in session.execute(query.where(c.id.in_(chunk)))}
            tags: dict[int, list[str]] = {}
            for customer_id, name in session.execute(
                    select(link.c.customer_id, tag.c.name)
                    .join(tag, tag.c.id == link.c.tag_id)
                    .where(link.c.customer_id.in_(chunk)).order_by(tag.c.name)):
                tags.setdefault(customer_id, []).append(name)
            for customer_id in chunk:
                row = found.get(customer_id)
                if row is None:
                    continue
                yield ExportRow(
                    id=row[0], name=row[1], kind=row[2], company=row[3] or "",
                    email=row[4] or "", phone=row[5] or "", address=row[6] or "",
                    birthday=row[7], stage=row[8] or "", persona=row[9] or "",
                    tags=tuple(tags.get(customer_id, ())), consent_contact=bool(row[10]),
                    source=row[11] or "", referred_by=row[12] or "", notes=row[13] or "",
                    created_at=row[14], last_contact_at=row[15], next_follow_up_on=row[16],
                    archived=bool(row[17]))
            if progress is not None:
                progress(min(start + CHUNK, total), total)


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet shows it without ever running it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def _moment(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


def _day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def csv_cells(row: ExportRow) -> list[str]:
    cells = [row.name, row.company, row.email, row.phone, row.address, _day(row.birthday),
             row.stage, row.persona, ", ".join(row.tags), "yes" if row.consent_contact else "no",
             row.source, row.referred_by, row.notes, _moment(row.created_at),
             _moment(row.last_contact_at), _day(row.next_follow_up_on),
             "yes" if row.archived else "no"]
    return [neutralise(cell) for cell in cells]


def export_csv(db: Database, path: Path | str, customer_ids: Sequence[int] | None = None,
               progress: Progress | None = None, cancelled: Cancelled | None = None,
               delimiter: str = ",") -> int:
    """Write the customers as a spreadsheet opens them; returns how many rows.

    UTF-8 with a byte order mark (so Excel reads accents right), a header row, CRLF line
    ends, and formula-like cells neutralised with a leading apostrophe. The file imports
    back into the app as it is (the apostrophes are taken off again).
    """
    count = 0
    with atomic_text(path, "utf-8-sig") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for row in customer_rows(db, customer_ids, progress, cancelled):
            writer.writerow(csv_cells(row))
            count += 1
    return count


def export_vcard(db: Database, path: Path | str, customer_ids: Sequence[int] | None = None,
                 progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
    """Write the customers as vCard 3.0 contacts (FN, N, ORG, EMAIL, TEL, ADR, BDAY, NOTE,
    CATEGORIES), for a phone or an address book; returns how many cards."""
    from smallbiz_crm.services.vcard import VCardContact, write_vcards

    contacts = (VCardContact(id=row.id, name=row.name, kind=row.kind, company=row.company,
                             email=row.email, phone=row.phone, address=row.address,
                             birthday=row.birthday, notes=row.notes, tags=row.tags)
                for row in customer_rows(db, customer_ids, progress, cancelled))
    with atomic_text(path, "utf-8") as handle:
        return write_vcards(contacts, handle)


# -- everything -----------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_value)


def _other_tables(session: Session) -> list[str]:
    """Tables in the file that no model describes (a newer add-on), to leave nothing out;
    not the search index, which is rebuilt from the customers, nor Alembic's own."""
    known = set(Base.metadata.tables) | {"alembic_version"}
    names = session.connection().exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name").scalars().all()
    return [name for name in names if name not in known and not name.startswith(FTS_TABLE)]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def export_json(db: Database, path: Path | str, clock: Clock = system_clock,
                progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> dict[str, int]:
    """Write every row of every table, with the schema version; returns rows per table.

    One read transaction, so the file is one consistent moment of the database. Rows are
    streamed, a batch at a time, so a million interactions never sit in memory. Values are
    JSON: dates and times ISO 8601, money integer cents (as the tables keep it), yes/no as
    true/false.
    """
    counts: dict[str, int] = {}
    with db.read() as session, atomic_text(path, "utf-8") as handle:
        connection = session.connection()
        versions = connection.exec_driver_sql(
            "SELECT version_num FROM alembic_version").scalars().all()
        tables: list[tuple[str, Any]] = [(t.name, t) for t in Base.metadata.sorted_tables]
        tables += [(name, None) for name in _other_tables(session)]
        total = sum(int(connection.exec_driver_sql(
            f"SELECT count(*) FROM {_quoted(name)}").scalar() or 0) for name, _ in tables)
        head = {
            "format": JSON_FORMAT,
            "format_version": JSON_FORMAT_VERSION,
            "app_version": __version__,
            "schema_version": ",".join(versions),
            "exported_at": clock().isoformat(),
            "conventions": {
                "money": "integer cents: 1250 is 12.50 in the shop's currency",
                "dates": "ISO 8601: 2026-11-20 for a day, 2026-11-20T10:00:00 for a moment "
                         "(the shop's local time)",
                "ids": "each table's id; *_id columns point to a row of another table",
            },
        }
        handle.write("{\n")
        for key, value in head.items():
            handle.write(f"  {_dump(key)}: {_dump(value)},\n")
        handle.write('  "tables": {')
        done = 0
        for number, (name, table) in enumerate(tables):
            if number:
                handle.write(",")
            if table is not None:
                columns = [column.name for column in table.columns]
                result = connection.execution_options(yield_per=JSON_BATCH).execute(
                    select(table).order_by(*table.primary_key.columns))
            else:
                result = connection.execution_options(yield_per=JSON_BATCH).exec_driver_sql(
                    f"SELECT * FROM {_quoted(name)} ORDER BY rowid")
                columns = list(result.keys())
            handle.write(f"\n    {_dump(name)}: {{\n      \"columns\": {_dump(columns)},\n"
                         '      "rows": [')
            count = 0
            for batch in result.partitions():
                if cancelled is not None and cancelled():
                    raise ExportCancelled()
                lines = []
                for row in batch:
                    lines.append(("\n        " if count == 0 else ",\n        ")
                                 + _dump(dict(zip(columns, row, strict=True))))
                    count += 1
                handle.write("".join(lines))
                done += len(batch)
                if progress is not None:
                    progress(done, total)
            handle.write("\n      ]\n    }" if count else "]\n    }")
            counts[name] = count
        handle.write("\n  },\n")
        handle.write(f'  "row_counts": {_dump(counts)}\n}}\n')
    if progress is not None:
        progress(total, total)
    return counts
