"""The Today page as plain text, for `smallbiz-crm today`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from smallbiz_crm.domain.records.follow_ups import FollowUpRow
from smallbiz_crm.domain.records.today import BirthdayRow, Section, TodayData
from smallbiz_crm.services.today import BIRTHDAY_DAYS
from smallbiz_crm.services.today_words import (
    days_words,
    deadline_words,
    kind_words,
    one_line,
    time_left_words,
)

# A name or phone longer than this is cut in the aligned columns.
_CELL_WIDTH = 28


def _cell(value: str) -> str:
    value = one_line(value)
    return value if len(value) <= _CELL_WIDTH else value[:_CELL_WIDTH - 3] + "..."


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells, every column but the last padded to its widest cell."""
    if not rows:
        return []
    cells = [[_cell(value) for value in row[:-1]] + [one_line(row[-1])] for row in rows]
    widths = [max(len(row[n]) for row in cells) for n in range(len(cells[0]) - 1)]
    lines = []
    for row in cells:
        padded = [value.ljust(width) for value, width in zip(row[:-1], widths, strict=True)]
        lines.append(("  " + "  ".join([*padded, row[-1]])).rstrip())
    return lines


def _section(title: str, section: Section[Any], empty: str, lines: list[str],
             note: str = "") -> list[str]:
    heading = f"{title} ({section.total:,}{note})"
    out = [heading, "-" * len(heading)]
    if not section.total:
        out.append(f"  {empty}")
        return out
    out.extend(lines)
    if section.more:
        out.append(f"  ... and {section.more:,} more.")
    return out


def _follow_up_detail(row: FollowUpRow) -> str:
    reason = one_line(row.reason)
    return f"{kind_words(row.kind)}: {reason}" if reason else kind_words(row.kind)


def format_today(data: TodayData) -> str:
    """The Today page as plain text, for `smallbiz-crm today`."""
    now = data.now
    today = data.today
    parts = [f"Today, {now:%A} {today.day} {now:%B %Y}"]

    overdue = _table([
        [f"{days_words((today - row.due_on).days)} late", f"{row.due_on:%a} {row.due_on}",
         row.customer_name, row.phone or "-", _follow_up_detail(row)]
        for row in data.overdue.rows])
    parts.append("\n".join(_section("Overdue", data.overdue, "Nothing overdue.", overdue)))

    due = _table([[row.customer_name, row.phone or "-", _follow_up_detail(row)]
                  for row in data.due_today.rows])
    parts.append("\n".join(_section("Due today", data.due_today, "Nothing due today.", due)))

    concerns = _table([
        [time_left_words(row.time_left), row.customer_name, row.customer_phone or "-",
         f"{row.kind.capitalize()}: {one_line(row.summary)} "
         f"(answer by {deadline_words(row.response_due_at, now)})"]
        for row in data.concerns.rows])
    late = f", {data.concerns_overdue:,} overdue" if data.concerns_overdue else ""
    parts.append("\n".join(_section("Waiting for an answer", data.concerns,
                                    "No concern is waiting for an answer.", concerns, late)))

    birthdays = _table([
        [_birthday_when(row), row.name, row.phone or "-",
         f"turns {row.turns}" if row.turns > 0 else "born this year"]
        for row in data.birthdays.rows])
    parts.append("\n".join(_section(f"Birthdays in the next {BIRTHDAY_DAYS} days",
                                    data.birthdays, "No birthdays coming up.", birthdays)))

    losing = _table([
        [f"{days_words(row.days_since_contact)} since contact", row.name, row.phone or "-",
         f"{row.stage}: every {days_words(row.rhythm_days)}"]
        for row in data.losing_touch.rows])
    parts.append("\n".join(_section("Losing touch", data.losing_touch,
                                    "Everyone has heard from you recently.", losing)))
    return "\n\n".join(parts) + "\n"


def _birthday_when(row: BirthdayRow) -> str:
    if row.days_away == 0:
        return "today"
    if row.days_away == 1:
        return f"tomorrow, {row.on:%a} {row.on.day} {row.on:%b}"
    return f"{row.on:%a} {row.on.day} {row.on:%b}, in {row.days_away} days"
