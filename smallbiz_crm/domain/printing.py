"""The rules of what a printout says: which birthday, which period, how much of a persona hint."""

from __future__ import annotations

import re
from datetime import date, timedelta

from smallbiz_crm.domain.labels import CHANNELS, CONCERN_KINDS, label

# A birthday this many days ahead (or fewer) is worth mentioning before a visit.
BIRTHDAY_WINDOW_DAYS = 30
# Default checklist: everything overdue plus today and the six days after it.
DEFAULT_DAYS = 7
_HINT_LENGTH = 180

_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s")


def default_period(today: date) -> tuple[date, date]:
    """Today and the six days after it (overdue items are added on top)."""
    return today, today + timedelta(days=DEFAULT_DAYS - 1)


def first_sentence(text: str, limit: int = _HINT_LENGTH) -> str:
    """The first sentence of `text`, on one line, cut at a word near `limit` characters."""
    flat = " ".join(text.split())
    if not flat:
        return ""
    sentence = _SENTENCE_END.split(flat, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0] or sentence[:limit]
    return cut.rstrip(",;:") + "…"


def next_birthday(birthday: date | None, today: date) -> date | None:
    """The next birthday on or after today (29 February falls on the 28th in other years)."""
    if birthday is None:
        return None

    def on(year: int) -> date:
        try:
            return birthday.replace(year=year)
        except ValueError:
            return date(year, 2, 28)

    upcoming = on(today.year)
    return upcoming if upcoming >= today else on(today.year + 1)


def concern_kind(kind: str, channel: str) -> str:
    """'Complaint by phone': a concern's kind and how it came in, in plain words."""
    return f"{label(CONCERN_KINDS, kind)} {label(CHANNELS, channel)}".strip()
