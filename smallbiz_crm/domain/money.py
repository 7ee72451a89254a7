"""Money as exact integer cents: parsing what the owner types and showing it back."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def parse_cents(text: str) -> int:
    """'12.5' → 1250, '1,234.50' → 123450; raises ValueError with a plain message."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise ValueError("Enter an amount, e.g. 12.50.")
    if "," in cleaned and "." in cleaned and cleaned.rfind(",") > cleaned.rfind("."):
        # 1.234,50: dots group thousands, the comma is the decimal point.
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(",") == 1 and "." not in cleaned and len(cleaned.split(",")[1]) <= 2:
        # A single comma with at most two digits after it is a decimal comma (12,50).
        cleaned = cleaned.replace(",", ".")
    cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text.strip()}' is not an amount; use digits like 12.50.") from None
    if not value.is_finite():
        raise ValueError("Enter an amount, e.g. 12.50.")
    if value < 0:
        raise ValueError("An amount cannot be negative.")
    if value > Decimal("1000000000"):
        raise ValueError("That amount is too large.")
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def format_cents(cents: int | None) -> str:
    """1234567 → '12,345.67'; None → ''."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d}"
