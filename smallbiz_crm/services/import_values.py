"""Cells into values: tags, lists, addresses and birthdays as contact files write them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass
from smallbiz_crm.services.import_reading import (
    _DATE_WORDS,
    _EMPTY_DATES,
    _ISO_DATE,
    _MONTH_NAMES,
    _MONTHS,
    _MULTI_SPLIT,
    _NO_YEAR,
    _NUMERIC_DATE,
    _NUMERIC_NO_YEAR,
    _TAG_SPLIT,
)

# -- cells into values ----------------------------------------------------------------------


def _split_tags(text: str, lines_only: bool = False) -> list[str]:
    seen: dict[str, str] = {}
    # Categories from a vCard come one per line and may hold commas themselves.
    parts = text.split("\n") if lines_only else _TAG_SPLIT.split(text)
    for part in parts:
        tag = " ".join(part.split())
        if tag.startswith("* "):  # Google's own groups: "* myContacts", "* starred"
            tag = tag[2:].strip()
            if tag.casefold() == "mycontacts":
                continue
        if tag:
            seen.setdefault(tag.casefold(), tag)
    return list(seen.values())


def _lines(text: str) -> str:
    """Line ends as the app's text boxes write them."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _split_values(cells: Sequence[str]) -> list[str]:
    values: list[str] = []
    for cell in cells:
        values.extend(part.strip() for part in _MULTI_SPLIT.split(cell) if part.strip())
    return values


def compose_address(street: str = "", city: str = "", region: str = "", postal_code: str = "",
                    country: str = "", extended: str = "", box: str = "") -> str:
    """Address parts as the lines an envelope needs: street, "City, Region 12345", country."""
    parts = [" ".join(p.split()) for p in (city, region, postal_code, country, extended, box)]
    city, region, postal_code, country, extended, box = parts
    street = street.strip()
    if not any(parts):
        return street  # as typed: a vCard exported from here keeps the whole address there
    first = ", ".join(p for p in (street, extended, box) if p)
    second = ", ".join(p for p in (city, " ".join(p for p in (region, postal_code) if p)) if p)
    return "\n".join(p for p in (first, second, country) if p)


def parse_birthday(text: str, day_first: bool = False) -> date | tuple[int, int] | None:
    """A birthday as spreadsheets and address books write it.

    Returns a date, (month, day) when the year is not given (--03-14, 14.03., March 14), or
    None for an empty one (Outlook writes 0/0/00); raises ValueError for anything else.
    """
    text = " ".join(text.split())
    if not text or _EMPTY_DATES.match(text):
        return None
    match = _ISO_DATE.match(text)
    if match:
        return _valid(int(match[1]), int(match[2]), int(match[3]))
    match = _NO_YEAR.match(text)
    if match:
        return _valid_day(int(match[1]), int(match[2]))
    match = _NUMERIC_DATE.match(text)
    if match:
        a, b, c = match[1], match[2], match[3]
        if len(a) == 4:
            return _valid(int(a), int(b), int(c))
        if len(c) not in (2, 4):
            raise ValueError(text)
        month, day = _order(int(a), int(b), day_first)
        year = int(c)
        if len(c) == 2:
            # Two-digit years of birthdays are in the past century unless that is impossible.
            year += 2000 if year <= date.today().year % 100 else 1900
        return _valid(year, month, day)
    match = _NUMERIC_NO_YEAR.match(text)
    if match:
        return _valid_day(*_order(int(match[1]), int(match[2]), day_first))
    words = _DATE_WORDS.findall(text.casefold())
    months = [_MONTHS[word] for word in words if word in _MONTHS]
    numbers = [word for word in words if word.isdigit()]
    others = [w for w in words if not w.isdigit() and w not in _MONTHS
              and w not in {"st", "nd", "rd", "th", "of"}]
    if len(months) == 1 and not others and 1 <= len(numbers) <= 2:
        day_text = [n for n in numbers if len(n) <= 2]
        year_text = [n for n in numbers if len(n) == 4]
        if len(numbers) == 1 and day_text:
            return _valid_day(months[0], int(day_text[0]))
        if len(day_text) == 1 and len(year_text) == 1:
            return _valid(int(year_text[0]), months[0], int(day_text[0]))
    raise ValueError(text)


def _order(first: int, second: int, day_first: bool) -> tuple[int, int]:
    """(month, day) of two numbers, whichever way round the writer's region puts them."""
    if first > 12 >= second:
        return second, first
    if second > 12 >= first:
        return first, second
    return (second, first) if day_first else (first, second)


def _valid(year: int, month: int, day: int) -> date:
    return date(year, month, day)


def _valid_day(month: int, day: int) -> tuple[int, int]:
    date(2000, month, day)  # a leap year, so 29 February is a day
    return month, day


def day_month_text(month: int, day: int) -> str:
    return f"{day} {_MONTH_NAMES[month - 1]}"


