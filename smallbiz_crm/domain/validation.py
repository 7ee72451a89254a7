"""Checks on what the owner types, each failure a plain message tied to the field it concerns."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta

MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 100_000
EARLIEST_DATE = date(1900, 1, 1)
# How far ahead a logged event may be dated: a typo like 2062 for 2026 is caught,
# a gesture planned for next month is not.
FUTURE_SLACK = timedelta(days=366)


class ValidationError(ValueError):
    """Bad input: one message per field name, for the UI to show next to each field."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields: dict[str, str] = dict(fields)
        super().__init__("; ".join(self.fields.values()))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls({field: message})


class Collector:
    """Gathers every problem of one form so the owner sees them all at once, not one by one."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def clean_text(value: str | None) -> str:
    return (value or "").strip()


def check_name(value: str | None, errors: Collector, field: str = "name",
               label: str = "Name") -> str:
    text = " ".join(clean_text(value).split())
    if not text:
        errors.add(field, f"{label} cannot be empty.")
    elif len(text) > MAX_NAME_LENGTH:
        errors.add(field, f"{label} is too long (at most {MAX_NAME_LENGTH} characters).")
    return text


def check_email(value: str | None, errors: Collector, field: str = "email") -> str:
    text = clean_text(value)
    if not text:
        return ""
    # Imported on first use: email-validator pulls in dnspython, which start-up does not need.
    from email_validator import EmailNotValidError, validate_email

    try:
        # check_deliverability=False: the app never goes on the network.
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        errors.add(field, f"'{text}' is not an email address: {exc}")
        return text
    return str(result.normalized)


# ASCII digits only: other scripts' digits must not slip into phone_digits.
_PHONE_CHARS = re.compile(r"^[0-9+()./\-\s]*(?:(?:ext|x|#)\.?\s*[0-9]+)?$",
                          re.IGNORECASE | re.ASCII)


def check_phone(value: str | None, errors: Collector, default_region: str = "US",
                field: str = "phone") -> str:
    """Returns the number in international format; keeps the typed text if it cannot parse."""
    text = clean_text(value)
    if not text:
        return ""
    import phonenumbers

    if not _PHONE_CHARS.match(text):
        errors.add(field, f"'{text}' is not a phone number: use digits, spaces, + - ( ).")
        return text
    try:
        number = phonenumbers.parse(text, default_region.upper() or None)
    except phonenumbers.NumberParseException:
        errors.add(field, f"'{text}' is not a phone number.")
        return text
    if not phonenumbers.is_possible_number(number):
        errors.add(field, f"'{text}' has too few or too many digits for a phone number.")
        return text
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def phone_digits(text: str | None) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def check_birthday(value: date | None, errors: Collector, today: date,
                   field: str = "birthday") -> date | None:
    if value is None:
        return None
    if value > today:
        errors.add(field, "A birthday cannot be in the future.")
    elif value < EARLIEST_DATE:
        errors.add(field, f"A birthday before {EARLIEST_DATE.year} looks like a typo.")
    return value


def check_when(value: datetime | date | None, errors: Collector, now: datetime,
               field: str = "when", label: str = "The date") -> None:
    """A logged date must be set, not before 1900 and not more than a year ahead."""
    if value is None:
        errors.add(field, f"{label} is missing.")
        return
    day = value.date() if isinstance(value, datetime) else value
    if day < EARLIEST_DATE:
        errors.add(field, f"{label} is before {EARLIEST_DATE.year}; check the year.")
    elif day > (now + FUTURE_SLACK).date():
        errors.add(field, f"{label} is more than a year ahead; check the year.")


def check_cents(value: int | None, errors: Collector, field: str = "amount",
                label: str = "The amount") -> int | None:
    if value is None:
        return None
    if value < 0:
        errors.add(field, f"{label} cannot be negative.")
    return value


def check_long_text(value: str | None, errors: Collector, field: str, label: str,
                    required: bool = False) -> str:
    text = clean_text(value)
    if required and not text:
        errors.add(field, f"{label} cannot be empty.")
    elif len(text) > MAX_TEXT_LENGTH:
        errors.add(field, f"{label} is too long (at most {MAX_TEXT_LENGTH:,} characters).")
    return text
