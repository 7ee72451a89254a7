"""Wording helpers shared by the pages: counts with the right plural, dates as shown."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication


def count_text(count: int, one: str = "customer", many: str = "customers") -> str:
    word = one if count == 1 else many
    return QCoreApplication.translate("count", "{0} {1}").format(f"{count:,}", word)


def day_text(value: date | datetime | None) -> str:
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    return day.isoformat()
