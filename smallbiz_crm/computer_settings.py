"""This computer's settings: a small private JSON file, read before Qt or the database loads."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from smallbiz_crm.domain.settings import ALL_SETTINGS, Scope, SettingKey

_KNOWN = {key.name for key in ALL_SETTINGS if key.scope is Scope.COMPUTER}


class ComputerSettings:
    """Reads the file once; every `set` writes it whole again (0600, replaced atomically, so a
    crash mid-write leaves the old file, never half of one)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}  # missing or unreadable: the defaults; the next `set` writes it anew
        if isinstance(loaded, dict):
            self._values = {k: v for k, v in loaded.items() if k in _KNOWN}

    def get(self, key: SettingKey) -> Any:
        if key.scope is not Scope.COMPUTER:
            raise ValueError(f"{key.name} is a shop setting, kept in the database.")
        return self._values.get(key.name, key.default)

    def set(self, key: SettingKey, value: Any) -> None:
        if key.scope is not Scope.COMPUTER:
            raise ValueError(f"{key.name} is a shop setting, kept in the database.")
        values = dict(self._values)
        if value is None or value == key.default:
            values.pop(key.name, None)
        else:
            values[key.name] = value
        self._write(values)
        self._values = values

    def _write(self, values: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # mkstemp creates the file 0600; os.replace swaps it in whole.
        fd, temp = tempfile.mkstemp(prefix=".settings-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(values, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
