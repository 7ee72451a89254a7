"""The periods the owner looks back over: whole calendar months up to this one, or all time."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class Period(StrEnum):
    """Whole calendar months up to and including the current one, or everything."""

    LAST_3_MONTHS = "3m"
    LAST_6_MONTHS = "6m"
    LAST_12_MONTHS = "12m"
    ALL = "all"

    @property
    def months(self) -> int | None:
        return {"3m": 3, "6m": 6, "12m": 12}.get(self.value)


DEFAULT_PERIOD = Period.LAST_12_MONTHS


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> tuple[date, ...]:
    """The first day of every month from first's through last's, oldest first."""
    result = []
    month = month_start(first)
    while month <= last:
        result.append(month)
        month = add_months(month, 1)
    return tuple(result)
