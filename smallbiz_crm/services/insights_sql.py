"""What every insights query shares: the period as SQL parameters."""

from __future__ import annotations

from smallbiz_crm.domain.periods import Period
from smallbiz_crm.domain.records.insights import PeriodRange

# Text that sorts before any stored date or timestamp: "no lower limit" for "all time".
_BEGINNING = "0001-01-01"


def bounds(rng: PeriodRange) -> dict[str, str]:
    """SQL parameters: the period as text, comparable with stored dates and timestamps."""
    start = _BEGINNING if rng.period is Period.ALL else rng.start.isoformat()
    return {"start": start, "end": rng.end.isoformat()}
