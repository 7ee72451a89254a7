"""Bringing a database file to the app's schema: a cheap check first, Alembic only when due."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smallbiz_crm.store.engine import READ, Access, connect
from smallbiz_crm.store.errors import NotADatabaseError, ReadOnlyDatabaseError, SchemaTooNewError

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision this version of the app ships. A test checks it against the scripts,
# so starting on an up-to-date file never has to import Alembic to find out.
HEAD_REVISION = "0002"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def current_revision(path: Path, access: Access = READ) -> str | None:
    """The file's schema revision; None for a brand-new (empty) file."""
    try:
        conn = connect(path, access if access.reason is not None else READ)
    except sqlite3.Error as exc:
        raise NotADatabaseError(f"{path} cannot be read as a database ({exc}).") from None
    try:
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            if tables - {"sqlite_sequence"}:
                raise NotADatabaseError(
                    f"{path} holds another program's data, not a Smallbiz CRM database.")
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(f"{path} cannot be read as a database ({exc}).") from None
    finally:
        conn.close()


def alembic_config(connection: Any | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def script_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def run_alembic(path: Path, command_name: str, target: str) -> None:
    """Run `upgrade`/`downgrade` on the file, foreign keys off as batch migrations require."""
    from alembic import command

    from smallbiz_crm.store.engine import make_engine

    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.begin() as connection:
            getattr(command, command_name)(alembic_config(connection), target)
    finally:
        engine.dispose()


def ensure_current(path: Path, backups_dir: Path | None,
                   access: Access | None = None) -> str | None:
    """Upgrade the file to HEAD_REVISION if it is older; refuse one newer than the app.

    Returns the path of the backup taken before an upgrade, if any.
    """
    revision = current_revision(path, access or READ)
    if revision == HEAD_REVISION:
        return None
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNewError(
            f"{path.name} was written by a newer version of Smallbiz CRM "
            f"(schema {revision}); update the app to open it. The file was not changed.")
    if access is not None and access.reason is not None:
        raise ReadOnlyDatabaseError(
            f"{path.name} must be upgraded to this version's schema before it can be opened, "
            f"but {access.reason[0].lower()}{access.reason[1:]}: nothing was changed; "
            f"{access.remedy}")
    backup_path = None
    if revision is not None and backups_dir is not None:
        from smallbiz_crm.store.backup import backup_to

        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup_path = backups_dir / f"before-upgrade-{revision}-{stamp}.db"
        backup_to(path, backup_path)
    run_alembic(path, "upgrade", "head")
    return str(backup_path) if backup_path else None
