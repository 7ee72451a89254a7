"""The owner's small preferences kept in the database: shop name, phone region, paper size."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from smallbiz_crm.store.engine import Database
from smallbiz_crm.store.models import BusinessCalendarSettings, Setting


@dataclass(frozen=True, slots=True)
class SettingKey:
    name: str
    default: Any


SHOP_NAME = SettingKey("shop_name", "My shop")
PAPER_SIZE = SettingKey("paper_size", "A4")
AUTO_PURCHASE_CADENCE = SettingKey("auto_purchase_cadence", True)
SAMPLE_DATA = SettingKey("sample_data", False)


class SettingsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: SettingKey) -> Any:
        with self.db.read() as session:
            row = session.get(Setting, key.name)
            return key.default if row is None else json.loads(row.value)

    def set(self, key: SettingKey, value: Any) -> None:
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
