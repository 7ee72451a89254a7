"""Folding long content lines the way vCard (RFC 6350) and iCalendar (RFC 5545) both ask."""

from __future__ import annotations

MAX_LINE_OCTETS = 75


def fold(line: str) -> str:
    """Lines of at most 75 octets, continued after CRLF + space, never split inside a
    character or a backslash escape (some contact and calendar apps misread a split escape)."""
    data = line.encode("utf-8", "surrogatepass")
    if len(data) <= MAX_LINE_OCTETS:
        return line
    parts: list[bytes] = []
    start, limit = 0, MAX_LINE_OCTETS
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: inside a character
            cut -= 1
        backslashes = 0
        while cut - 1 - backslashes > start and data[cut - 1 - backslashes] == 0x5C:
            backslashes += 1
        if backslashes % 2:
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, MAX_LINE_OCTETS - 1  # continuation lines start with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8", "surrogatepass")
