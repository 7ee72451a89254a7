"""Plain words for the Today lists, shared by the command line and the notifications (no Qt)."""

from __future__ import annotations

from datetime import datetime, timedelta

from smallbiz_crm.domain.calendar import END_OF_BUSINESS_DAY
from smallbiz_crm.domain.kinds import FollowUpKind

_KIND_WORDS = {FollowUpKind.THANK_YOU.value: "Thank-you", FollowUpKind.CHECK_IN.value: "Check-in",
               FollowUpKind.TELL_THEM.value: "Feedback reply"}


def kind_words(kind: str) -> str:
    return _KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())


def one_line(value: str) -> str:
    return " ".join(value.split())


def _amount(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} h"
    days = hours // 24
    return "1 day" if days == 1 else f"{days} days"


def time_left_words(left: timedelta) -> str:
    """'due in 5 h', 'overdue by 2 days': rounded down, never more time than there is."""
    seconds = left.total_seconds()
    return f"due in {_amount(seconds)}" if seconds >= 0 else f"overdue by {_amount(-seconds)}"


def deadline_words(due: datetime, now: datetime) -> str:
    """'today, end of day', 'Mon 23 Nov, end of day', 'Mon 23 Nov 14:00'."""
    if due.date() == now.date():
        day = "today"
    elif due.date() == now.date() + timedelta(days=1):
        day = "tomorrow"
    elif due.date() == now.date() - timedelta(days=1):
        day = "yesterday"
    else:
        day = f"{due:%a} {due.day} {due:%b}" + (f" {due.year}" if due.year != now.year else "")
    if due.time() == END_OF_BUSINESS_DAY:
        return f"{day}, end of day"
    return f"{day} {due:%H:%M}"


def days_words(days: int) -> str:
    return "1 day" if days == 1 else f"{days:,} days"


def plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"
