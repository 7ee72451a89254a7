"""The shop's settings as the printouts read them, inside a read that is already open."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from smallbiz_crm.domain.settings import SettingKey
from smallbiz_crm.store.models import Setting


def stored_setting(session: Session, key: SettingKey) -> Any:
    """The stored value of `key`, or its default when it is missing or not valid JSON."""
    row = session.get(Setting, key.name)
    if row is None:
        return key.default
    try:
        return json.loads(row.value)
    except ValueError:
        return key.default


def text_setting(session: Session, key: SettingKey) -> str:
    """A text setting such as the shop name; blank or not text reads as the default."""
    value = stored_setting(session, key)
    return value if isinstance(value, str) and value.strip() else str(key.default)
