"""Alembic revisions on real SQLite files: one head, models in step, up, down, refusals."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import smallbiz_crm
from smallbiz_crm.store import migrate
from smallbiz_crm.store.backup import integrity_problems
from smallbiz_crm.store.engine import make_engine
from smallbiz_crm.store.errors import SchemaTooNewError
from smallbiz_crm.store.models import Base
from smallbiz_crm.store.opening import open_database

PROJECT_ROOT = Path(smallbiz_crm.__file__).resolve().parent.parent


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_names(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("journey_stage", "persona", "cadence_template", "cadence_step",
                              "business_calendar")}
    finally:
        conn.close()


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrate.alembic_config())


def test_there_is_exactly_one_head() -> None:
    assert len(script_directory().get_heads()) == 1


def test_cheap_head_constant_matches_the_scripts() -> None:
    # If this fails, a new revision was added without updating HEAD_REVISION: start-up would
    # either skip the upgrade or import Alembic on every run.
    assert script_directory().get_current_head() == migrate.HEAD_REVISION
    assert migrate.script_head() == migrate.HEAD_REVISION


def test_upgrade_from_an_empty_file_reaches_head_and_seeds_defaults(db_path: Path) -> None:
    db = open_database(db_path)
    db.close()
    assert migrate.current_revision(db_path) == migrate.HEAD_REVISION
    seeded = counts(db_path)
    assert seeded["journey_stage"] == 6
    assert seeded["persona"] == 4
    assert seeded["cadence_template"] == 3
    assert seeded["cadence_step"] == 6
    assert seeded["business_calendar"] == 1
    conn = sqlite3.connect(db_path)
    try:
        stages = [row[0] for row in conn.execute(
            "SELECT name FROM journey_stage ORDER BY position")]
        personas = {row[0] for row in conn.execute("SELECT name FROM persona")}
    finally:
        conn.close()
    assert stages == ["Prospect", "First purchase", "Repeat", "Loyal", "Advocate", "Lapsed"]
    assert personas == {"Competitive", "Spontaneous", "Methodical", "Humanistic"}
    assert integrity_problems(db_path) == []


def _not_search_index(name: str | None, type_: str, *_args: object) -> bool:
    # The FTS5 virtual table and its shadow tables are made by raw SQL in the migration and
    # have no model; everything else must match.
    return not (type_ == "table" and name is not None and name.startswith("customer_fts"))


def test_models_match_the_migrations(db_path: Path) -> None:
    open_database(db_path).close()
    engine = make_engine(db_path)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True,
                "include_name": lambda name, type_, parents: _not_search_index(name, type_),
                "include_object": lambda obj, name, type_, reflected, compare_to:
                    _not_search_index(name, type_),
                "render_as_batch": True,
            })
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_downgrade_to_base_then_upgrade_again(db_path: Path) -> None:
    open_database(db_path).close()
    migrate.run_alembic(db_path, "downgrade", "base")
    assert table_names(db_path) <= {"alembic_version", "sqlite_sequence"}
    assert migrate.current_revision(db_path) is None

    db = open_database(db_path)
    db.close()
    assert migrate.current_revision(db_path) == migrate.HEAD_REVISION
    assert counts(db_path)["journey_stage"] == 6
    assert "customer_fts" in table_names(db_path)
    assert integrity_problems(db_path) == []


def test_a_database_from_a_newer_app_is_refused_untouched(db_path: Path,
                                                          backups_dir: Path) -> None:
    open_database(db_path).close()
    conn = sqlite3.connect(db_path)
    try:
        with conn:
            conn.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
    finally:
        conn.close()
    before = sha256(db_path)

    with pytest.raises(SchemaTooNewError, match="newer version"):
        open_database(db_path, backups_dir=backups_dir)

    assert sha256(db_path) == before
    assert migrate.current_revision(db_path) == "ffff9999"
    assert not backups_dir.exists() or not any(backups_dir.iterdir())
    # Reading a WAL-mode file may leave an empty -wal beside it, never a pending write.
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_opening_an_up_to_date_database_does_not_import_alembic(db_path: Path) -> None:
    open_database(db_path).close()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from smallbiz_crm.store.opening import open_database\n"
        f"db = open_database(Path({str(db_path)!r}))\n"
        "db.close()\n"
        "print('alembic' in sys.modules)\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PROJECT_ROOT), *filter(None, [env.get("PYTHONPATH")])])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_an_upgrade_of_an_older_revision_takes_a_verified_backup_first(
        db_path: Path, backups_dir: Path) -> None:
    # A real older file: made at head, taken back to 0001, holding data.
    db = open_database(db_path)
    with db.unit_of_work() as session:
        session.execute(Base.metadata.tables["setting"].insert().values(
            key="shop_name", value='"Corner Shop"'))
    db.close()
    migrate.run_alembic(db_path, "downgrade", "0001")
    assert migrate.current_revision(db_path) == "0001"

    db = open_database(db_path, backups_dir=backups_dir)
    db.close()

    assert migrate.current_revision(db_path) == migrate.HEAD_REVISION
    backups = sorted(backups_dir.glob("before-upgrade-0001-*.db"))
    assert len(backups) == 1
    backup_path = backups[0]
    assert integrity_problems(backup_path) == []
    assert backup_path.stat().st_mode & 0o777 == 0o600
    for path, revision in ((backup_path, "0001"), (db_path, migrate.HEAD_REVISION)):
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("SELECT value FROM setting WHERE key = 'shop_name'"
                                ).fetchone() == ('"Corner Shop"',)
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
                revision,)
        finally:
            conn.close()
    conn = sqlite3.connect(db_path)
    indexes = {row[1] for row in conn.execute("PRAGMA index_list('follow_up')")}
    conn.close()
    assert {"ix_follow_up_interaction", "ix_follow_up_concern"} <= indexes


def test_an_up_to_date_file_is_not_backed_up(db_path: Path, backups_dir: Path) -> None:
    open_database(db_path, backups_dir=backups_dir).close()
    open_database(db_path, backups_dir=backups_dir).close()
    assert not backups_dir.exists() or not any(backups_dir.iterdir())


RELEASE_1 = PROJECT_ROOT / "tests" / "data" / "release-1.db"


def _every_row(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'customer_fts%' AND name != 'alembic_version'")]
        return {table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
                for table in tables}
    finally:
        conn.close()


def test_a_database_made_by_the_first_release_upgrades_with_nothing_lost(
        tmp_path: Path, backups_dir: Path) -> None:
    """tests/data/release-1.db was written by the first release (`demo --customers 40
    --seed 7`, schema 0002). Every later revision must bring it to head keeping every row and
    every character; columns a revision adds may only be appended."""
    copy = tmp_path / "shop.db"
    shutil.copyfile(RELEASE_1, copy)
    before = _every_row(copy)
    assert sum(len(rows) for rows in before.values()) > 1000
    assert any(any(isinstance(v, str) and not v.isascii() for v in row)
               for row in before["customer"])  # names beyond ASCII travel too

    open_database(copy, backups_dir=backups_dir).close()

    assert migrate.current_revision(copy) == migrate.HEAD_REVISION
    after = _every_row(copy)
    for table, rows in before.items():
        assert table in after, f"table {table} was dropped"
        kept = [row[:len(rows[0])] for row in after[table]] if rows else []
        assert sorted(kept, key=repr) == rows, f"rows of {table} changed"
    assert integrity_problems(copy) == []
