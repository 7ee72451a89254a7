"""Where the app keeps its database, backups, logs and bundled resources."""

from __future__ import annotations

import os
import site
import sys
from dataclasses import dataclass
from pathlib import Path

APP_DIR_NAME = "smallbiz-crm"
DB_FILE_NAME = "smallbiz-crm.db"
SAMPLE_DB_FILE_NAME = "sample-data.db"


@dataclass(frozen=True, slots=True)
class AppPaths:
    """The files one run of the app works with; built once from the command line."""

    data_dir: Path
    db_file: Path

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "logs" / "smallbiz-crm.log"

    @property
    def settings_file(self) -> Path:
        """This computer's settings (language, backup folder, staff name), 0600."""
        return self.data_dir / "computer-settings.json"

    @property
    def sample_db_file(self) -> Path:
        return self.data_dir / SAMPLE_DB_FILE_NAME

    def ensure_dirs(self) -> None:
        # 0700: customer data and its backups are for the owner's eyes only.
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        for folder in (self.backups_dir, self.log_file.parent):
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError:
                # A read-only (or full) data folder: its file can still be read, and a
                # backup or log that needs the missing folder says so when it fails.
                continue


def default_data_dir() -> Path:
    """The per-user data folder; SMALLBIZ_CRM_DATA_DIR overrides it (tests, portable installs)."""
    override = os.environ.get("SMALLBIZ_CRM_DATA_DIR")
    if override:
        return Path(override)
    # Imported here: platformdirs is only needed when no folder was given.
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_DIR_NAME, appauthor=False))


def resolve(db: str | os.PathLike[str] | None = None,
            data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    """Paths for `--db PATH` / `--data-dir DIR`; a --db file keeps backups and logs beside it."""
    if db is not None:
        db_file = Path(db).expanduser().absolute()
        folder = Path(data_dir).expanduser().absolute() if data_dir else db_file.parent
        return AppPaths(data_dir=folder, db_file=db_file)
    folder = Path(data_dir).expanduser().absolute() if data_dir else default_data_dir()
    return AppPaths(data_dir=folder, db_file=folder / DB_FILE_NAME)


def resource_dir() -> Path:
    """The bundled resources folder, frozen (PyInstaller), from a checkout, or installed."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    checkout = Path(__file__).resolve().parent.parent
    # Only a source checkout (pyproject.toml beside it): in site-packages, "resources" could
    # be another package's folder.
    if (checkout / "pyproject.toml").is_file():
        candidates.append(checkout / "resources")
    candidates.append(Path(sys.prefix) / "share" / APP_DIR_NAME / "resources")
    candidates.append(Path(site.getuserbase()) / "share" / APP_DIR_NAME / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def resource(*parts: str) -> Path:
    """One bundled file, e.g. resource("fonts", "DejaVuSans.ttf")."""
    return resource_dir().joinpath(*parts)
