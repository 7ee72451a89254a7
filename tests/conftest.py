"""Shared fixtures: a freshly migrated database file per test and the services over it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from smallbiz_crm.services.registry import Services
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.opening import open_database

# Set before any test makes a QApplication: the UI tests run without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# A Friday morning: every test sees the same "now".
FIXED_NOW = datetime(2026, 11, 20, 10, 0)


def fixed_clock() -> datetime:
    return FIXED_NOW


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app's data folder at a temporary one: no test touches the real home."""
    folder = tmp_path_factory.mktemp("data-dir")
    monkeypatch.setenv("SMALLBIZ_CRM_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "shop.db"


@pytest.fixture
def backups_dir(tmp_path: Path) -> Path:
    return tmp_path / "backups"


@pytest.fixture
def db(db_path: Path, backups_dir: Path) -> Iterator[Database]:
    database = open_database(db_path, backups_dir=backups_dir)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def services(db: Database) -> Services:
    return Services(db, clock=fixed_clock)
