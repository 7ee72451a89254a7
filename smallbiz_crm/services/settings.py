"""The shop's settings kept in the database: shop name, phone region, paper size, cadences."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from smallbiz_crm.domain.settings import Scope, SettingKey
from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import BusinessCalendarSettings, Setting


class SettingsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: SettingKey) -> Any:
        _shop_only(key)
        with self.db.read() as session:
            row = session.get(Setting, key.name)
            return key.default if row is None else json.loads(row.value)

    def set(self, key: SettingKey, value: Any) -> None:
        _shop_only(key)
        with self.db.unit_of_work() as session:
            row = session.get(Setting, key.name)
            if row is None:
                session.add(Setting(key=key.name, value=json.dumps(value)))
            else:
                row.value = json.dumps(value)

    def phone_region(self) -> str:
        """The default region for phone numbers typed without +country: the shop's country."""
        with self.db.read() as session:
            country = session.scalar(select(BusinessCalendarSettings.country).limit(1))
        return country or "US"

def _shop_only(key: SettingKey) -> None:
    if key.scope is not Scope.SHOP:
        raise ValueError(f"{key.name} belongs to this computer, not to the shop's database.")
