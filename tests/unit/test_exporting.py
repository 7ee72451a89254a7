"""Exports: the spreadsheet CSV, vCards of chosen customers, and the complete JSON export."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import stat
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from smallbiz_crm.domain.records.customers import CustomerDraft, CustomerQuery
from smallbiz_crm.services.demo import fill_demo
from smallbiz_crm.services.exporting import (
    CSV_COLUMNS,
    ExportCancelled,
    export_csv,
    export_json,
    export_vcard,
    neutralise,
)
from smallbiz_crm.services.import_reading import read_csv
from smallbiz_crm.services.importing import import_csv
from smallbiz_crm.services.registry import Services
from smallbiz_crm.services.vcard import read_vcard
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import Base, Customer
from smallbiz_crm.store.opening import open_database

NOW = datetime(2026, 11, 20, 10, 0)


def clock() -> datetime:
    return NOW


def read_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)  # Excel reads accents right only with it
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def private(path: Path) -> bool:
    return stat.S_IMODE(os.stat(path).st_mode) == 0o600


# -- CSV --------------------------------------------------------------------------------------


def test_csv_has_what_a_spreadsheet_user_expects(tmp_path: Path, services: Services) -> None:
    persona = services.personas.all()[0]
    ann = services.customers.create(CustomerDraft(
        name="Ann Lee", company="Lee & Co", email="ann@example.com", phone="555 201 0101",
        address="12 Main St\nSpringfield", birthday=date(1985, 3, 14), source="Market stall",
        persona_id=persona.id, consent_contact=True, notes="Likes tea, not coffee",
        tags=("vip", "Wholesale")))
    services.customers.create(CustomerDraft(name="Zoë Núñez", referred_by_id=ann.id))
    path = tmp_path / "customers.csv"

    assert export_csv(services.db, path) == 2

    rows = read_rows(path)
    assert tuple(rows[0]) == CSV_COLUMNS
    # Records end in CRLF; a line break inside a cell is a bare LF, as Excel writes it.
    assert path.read_bytes().count(b"\r\n") == 3 and b"St\nSpringfield" in path.read_bytes()
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record == {
        "Name": "Ann Lee", "Company": "Lee & Co", "Email": "ann@example.com",
        "Phone": "'+1 555-201-0101", "Address": "12 Main St\nSpringfield",
        "Birthday": "1985-03-14", "Stage": "Prospect", "Persona": persona.name,
        "Tags": "vip, Wholesale", "Consent to contact": "yes", "Source": "Market stall",
        "Referred by": "", "Notes": "Likes tea, not coffee", "Created": "2026-11-20 10:00",
        "Last contact": "", "Next follow-up": "", "Archived": "no"}
    zoe = dict(zip(rows[0], rows[2], strict=True))
    assert zoe["Name"] == "Zoë Núñez" and zoe["Referred by"] == "Ann Lee"
    assert zoe["Consent to contact"] == "no" and zoe["Birthday"] == ""
    assert private(path)


@pytest.mark.parametrize(("cell", "shown"), [
    ("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
    ("+1 555", "'+1 555"), ("-2+3", "'-2+3"), ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"), ("plain = fine", "plain = fine"), ("", ""),
    ("'already", "'already"),
])
def test_formulas_are_neutralised(cell: str, shown: str) -> None:
    assert neutralise(cell) == shown


def test_formula_cells_in_the_file(tmp_path: Path, services: Services) -> None:
    services.customers.create(CustomerDraft(
        name="=cmd|' /C calc'!A0", company="@evil", notes="-10% off\nsecond line",
        address="+ corner", tags=("=x",)))
    path = tmp_path / "x.csv"
    export_csv(services.db, path)
    record = dict(zip(*read_rows(path)[:2], strict=True))
    for column in ("Name", "Company", "Notes", "Address", "Tags", "Created"):
        assert not record[column].startswith(("=", "+", "-", "@", "\t", "\r")), column
    assert record["Name"] == "'=cmd|' /C calc'!A0" and record["Notes"].startswith("'-10%")


def test_csv_imports_back_as_it_was(tmp_path: Path, services: Services) -> None:
    services.customers.create(CustomerDraft(
        name="Ann Lee", company="=Lee", email="ann@example.com", phone="+44 20 7946 0958",
        address="12 Main St", birthday=date(1985, 3, 14), notes="-5 on everything",
        tags=("vip",)))
    path = tmp_path / "x.csv"
    export_csv(services.db, path)
    target = open_database(tmp_path / "empty.db")
    try:
        assert import_csv(target, path, clock=clock).imported == 1
        again = Services(target, clock=clock)
        record = again.customers.get(again.customers.list_ids(CustomerQuery())[0])
        assert (record.name, record.company, record.phone, record.notes, record.birthday,
                record.address, record.tags, record.email) == (
            "Ann Lee", "=Lee", "+44 20 7946 0958", "-5 on everything", date(1985, 3, 14),
            "12 Main St", ("vip",), "ann@example.com")
        assert read_csv(path).ignored_columns == (
            "Persona", "Consent to contact", "Source", "Referred by", "Created",
            "Last contact", "Next follow-up", "Archived")
    finally:
        target.close()


def test_selected_customers_in_the_given_order(tmp_path: Path, services: Services) -> None:
    ids = [services.customers.create(CustomerDraft(name=n)).id for n in ("Ann", "Bo", "Cy")]
    path = tmp_path / "some.csv"
    assert export_csv(services.db, path, [ids[2], ids[0], 999, ids[2]]) == 2
    assert [row[0] for row in read_rows(path)[1:]] == ["Cy", "Ann"]
    vcf = tmp_path / "some.vcf"
    assert export_vcard(services.db, vcf, [ids[1]]) == 1
    raw = read_vcard(vcf)
    assert [raw.values(row)["name"] for row in raw.rows] == ["Bo"]
    assert private(vcf)


def test_all_customers_by_name_archived_too(tmp_path: Path, services: Services) -> None:
    for name in ("bo", "Ann", "Cy"):
        services.customers.create(CustomerDraft(name=name))
    services.customers.archive([services.customers.search("Cy")[0].id])
    path = tmp_path / "all.csv"
    export_csv(services.db, path)
    rows = read_rows(path)[1:]
    assert [(r[0], r[-1]) for r in rows] == [("Ann", "no"), ("bo", "no"), ("Cy", "yes")]


def test_cancel_leaves_the_old_file(tmp_path: Path, services: Services) -> None:
    for number in range(1200):
        services.customers.create(CustomerDraft(name=f"Person {number}"))
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "out.csv"
    path.write_text("the previous export")
    calls = 0

    def cancel_later() -> bool:
        nonlocal calls
        calls += 1
        return calls > 1

    with pytest.raises(ExportCancelled):
        export_csv(services.db, path, cancelled=cancel_later)
    assert path.read_text() == "the previous export"
    assert list(folder.iterdir()) == [path]


def test_missing_folder_is_an_os_error(tmp_path: Path, services: Services) -> None:
    with pytest.raises(OSError):
        export_csv(services.db, tmp_path / "nowhere" / "x.csv")


# -- JSON -------------------------------------------------------------------------------------


def test_json_holds_every_row_of_every_table(tmp_path: Path, db: Database) -> None:
    fill_demo(db, 60)
    path = tmp_path / "everything.json"
    seen: list[tuple[int, int]] = []

    counts = export_json(db, path, clock=clock, progress=lambda d, t: seen.append((d, t)))

    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "smallbiz-crm-export" and data["exported_at"] == NOW.isoformat()
    with db.read() as session:
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert data["schema_version"] == revision
        expected = {table.name: session.execute(
            text(f"SELECT count(*) FROM {table.name}")).scalar()
            for table in Base.metadata.sorted_tables}
    assert set(data["tables"]) == set(expected)
    for name, number in expected.items():
        assert len(data["tables"][name]["rows"]) == number, name
        assert data["row_counts"][name] == number and counts[name] == number
    assert expected["customer"] == 60 and expected["interaction"] > 100
    assert all(number > 0 for name, number in expected.items()), expected
    assert seen[-1][0] == seen[-1][1] == sum(expected.values())
    assert private(path)


def test_json_values_are_plain_json(tmp_path: Path, db: Database) -> None:
    fill_demo(db, 30)
    path = tmp_path / "everything.json"
    export_json(db, path, clock=clock)
    data = json.loads(path.read_text(encoding="utf-8"))
    customer = data["tables"]["customer"]
    assert customer["columns"] == [c.name for c in Base.metadata.tables["customer"].columns]
    first = customer["rows"][0]
    with db.read() as session:
        row = session.get(Customer, first["id"])
        assert row is not None
        assert first["name"] == row.name and first["created_at"] == row.created_at.isoformat()
        assert isinstance(first["archived"], bool)
    purchases = [r for r in data["tables"]["interaction"]["rows"]
                 if r["amount_cents"] is not None]
    assert purchases and all(isinstance(r["amount_cents"], int) for r in purchases)
    for rows in (t["rows"] for t in data["tables"].values()):
        for row in rows:
            for value in row.values():
                assert not isinstance(value, float)  # money is never a float
    days = [r["due_on"] for r in data["tables"]["follow_up"]["rows"]]
    assert all(date.fromisoformat(day) for day in days)


def test_json_of_an_empty_database_and_an_unknown_table(tmp_path: Path, db: Database) -> None:
    with db.unit_of_work() as session:
        session.execute(text("CREATE TABLE loyalty_card (id INTEGER PRIMARY KEY, code TEXT)"))
        session.execute(text("INSERT INTO loyalty_card (code) VALUES ('A-1'), ('B-2')"))
    path = tmp_path / "empty.json"
    counts = export_json(db, path, clock=clock)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["tables"]["customer"]["rows"] == [] and counts["customer"] == 0
    assert data["tables"]["loyalty_card"]["rows"] == [{"id": 1, "code": "A-1"},
                                                      {"id": 2, "code": "B-2"}]
    assert "customer_fts" not in data["tables"] and "alembic_version" not in data["tables"]
    with db.read() as session:
        assert session.execute(select(Customer.id)).first() is None


def test_json_cancel_writes_nothing(tmp_path: Path, db: Database) -> None:
    fill_demo(db, 30)
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(ExportCancelled):
        export_json(db, folder / "everything.json", cancelled=lambda: True)
    assert list(folder.iterdir()) == []
