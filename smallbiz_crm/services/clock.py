"""The current time, in one place, so tests and demo data can pin it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    # Local wall-clock time without a zone: a shop works in the time on its own wall.
    return datetime.now().replace(microsecond=0)


def today(clock: Clock) -> date:
    return clock().date()
