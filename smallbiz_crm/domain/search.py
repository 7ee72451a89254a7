"""Turning what the owner types in the search box into a safe full-text query."""

from __future__ import annotations

import re

# Phone numbers are indexed as every suffix of their digits, so that typing any part of a
# number ("7946", "0958") is a prefix of some indexed token and FTS5 finds it without a scan.
MIN_PHONE_SUFFIX = 3
_PHONE_QUERY = re.compile(r"^[\d\s+()./\-]+$")
_WORD = re.compile(r"\w+", re.UNICODE)


def phone_search_tokens(digits: str) -> str:
    """'442079460958' → '442079460958 42079460958 … 958' for the search index."""
    if len(digits) < MIN_PHONE_SUFFIX:
        return digits
    return " ".join(digits[i:] for i in range(len(digits) - MIN_PHONE_SUFFIX + 1))


def _quote(token: str) -> str:
    # A quoted FTS5 string takes everything literally; a stray " is doubled.
    return '"' + token.replace('"', '""') + '"'


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression: every word must prefix-match; None when nothing to search."""
    stripped = text.strip()
    if not stripped:
        return None
    digits = "".join(ch for ch in stripped if ch.isdigit())
    if _PHONE_QUERY.match(stripped) and len(digits) >= MIN_PHONE_SUFFIX:
        # Typed like a phone number: formatting does not matter, digits are a substring.
        words = _WORD.findall(stripped)
        phone = f"phone_search : {_quote(digits)}*"
        national = digits.lstrip("0")
        if national != digits and len(national) >= MIN_PHONE_SUFFIX:
            # Typed the national way (020 7946 …): stored numbers are international (44 20 …).
            phone = f"{phone} OR phone_search : {_quote(national)}*"
        if len(words) == 1:
            return f"({phone}) OR {_quote(words[0])}*"
        return phone
    words = _WORD.findall(stripped)
    if not words:
        return None
    return " ".join(f"{_quote(word)}*" for word in words)
