"""Checks on typed input: money, email, phone and the other field checks, by example."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smallbiz_crm.domain.money import cents_to_decimal, format_cents, parse_cents
from smallbiz_crm.domain.validation import (
    MAX_NAME_LENGTH,
    Collector,
    ValidationError,
    check_birthday,
    check_cents,
    check_email,
    check_long_text,
    check_name,
    check_phone,
    check_when,
    phone_digits,
)

NOW = datetime(2026, 11, 20, 10, 0)

# -- money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "cents"), [
    ("12.5", 1250),
    ("12.50", 1250),
    ("12", 1200),
    (" 7 ", 700),
    ("0", 0),
    ("0.01", 1),
    (".5", 50),
    ("1,234.50", 123450),
    ("1,234,567", 123456700),
    ("1,234", 123400),
    ("12,50", 1250),
    ("12,5", 1250),
    ("1 000", 100000),
    ("1\u00a0000,25", 100025),
    ("0.005", 1),
    ("0.004", 0),
    ("1000000000", 100000000000),
])
def test_parse_cents_examples(typed: str, cents: int) -> None:
    assert parse_cents(typed) == cents


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Enter an amount"),
    ("   ", "Enter an amount"),
    ("abc", "is not an amount"),
    ("12.50.1", "is not an amount"),
    ("-5", "cannot be negative"),
    ("nan", "Enter an amount"),
    ("Infinity", "Enter an amount"),
    ("1000000000.01", "too large"),
])
def test_parse_cents_refuses_with_a_plain_message(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_cents(typed)


def test_parse_cents_does_not_silently_misread_a_european_amount() -> None:
    try:
        value = parse_cents("1.234,50")
    except ValueError:
        return
    assert value == 123450


@pytest.mark.parametrize(("cents", "text"), [
    (None, ""),
    (0, "0.00"),
    (5, "0.05"),
    (1250, "12.50"),
    (100000, "1,000.00"),
    (1234567, "12,345.67"),
    (-150, "-1.50"),
])
def test_format_cents_examples(cents: int | None, text: str) -> None:
    assert format_cents(cents) == text


def test_cents_to_decimal_is_exact() -> None:
    assert str(cents_to_decimal(1999)) == "19.99"
    assert str(cents_to_decimal(5)) == "0.05"


@given(st.integers(min_value=0, max_value=100_000_000_000))
def test_formatted_cents_parse_back_to_the_same_cents(cents: int) -> None:
    assert parse_cents(format_cents(cents)) == cents


@given(st.text(max_size=30))
def test_parse_cents_either_gives_cents_or_a_value_error(text: str) -> None:
    try:
        cents = parse_cents(text)
    except ValueError as exc:
        assert str(exc)
    else:
        assert isinstance(cents, int) and cents >= 0


# -- email ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "clean"), [
    ("", ""),
    ("   ", ""),
    ("ann@example.com", "ann@example.com"),
    (" ann@example.com ", "ann@example.com"),
    ("Ann@Example.COM", "Ann@example.com"),
    ("josé@example.com", "josé@example.com"),
    ("first.last+shop@mail.example.co.uk", "first.last+shop@mail.example.co.uk"),
])
def test_check_email_accepts_and_normalises(typed: str, clean: str) -> None:
    errors = Collector()
    assert check_email(typed, errors) == clean
    assert errors.errors == {}


@pytest.mark.parametrize("typed", ["bad", "a@b", "ann@@example.com", "@example.com",
                                   "ann@", "ann example@x.com"])
def test_check_email_refuses_with_a_field_message(typed: str) -> None:
    errors = Collector()
    assert check_email(typed, errors, field="work_email") == typed.strip()
    assert list(errors.errors) == ["work_email"]
    assert "is not an email address" in errors.errors["work_email"]


# -- phone ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "region", "clean"), [
    ("", "US", ""),
    ("(202) 555-0143", "US", "+1 202-555-0143"),
    ("202.555.0143", "US", "+1 202-555-0143"),
    ("+1 202 555 0143", "GB", "+1 202-555-0143"),
    ("+44 20 7946 0958", "US", "+44 20 7946 0958"),
    ("020 7946 0958", "GB", "+44 20 7946 0958"),
    ("202 555 0143 ext 12", "US", "+1 202-555-0143 ext. 12"),
])
def test_check_phone_gives_the_international_format(typed: str, region: str,
                                                     clean: str) -> None:
    errors = Collector()
    assert check_phone(typed, errors, region) == clean
    assert errors.errors == {}


@pytest.mark.parametrize(("typed", "message"), [
    ("abc", "use digits"),
    ("1-800-FLOWERS", "use digits"),
    ("12", "too few or too many digits"),
    ("+1 202 555 0143 0143 0143", "is not a phone number"),
    ("+1 202 555 01434", "too few or too many digits"),
])
def test_check_phone_refuses_with_a_field_message(typed: str, message: str) -> None:
    errors = Collector()
    assert check_phone(typed, errors, "US") == typed
    assert message in errors.errors["phone"]


def test_phone_digits_keeps_only_digits() -> None:
    assert phone_digits("+1 (202) 555-0143") == "12025550143"
    assert phone_digits("") == ""
    assert phone_digits(None) == ""


# -- other fields ---------------------------------------------------------------------------


def test_check_name_collapses_spaces_and_needs_text() -> None:
    errors = Collector()
    assert check_name("  Ann   Marie  Smith ", errors) == "Ann Marie Smith"
    assert errors.errors == {}
    check_name(" \t ", errors, field="stage", label="Stage name")
    assert errors.errors == {"stage": "Stage name cannot be empty."}


def test_check_name_refuses_a_name_too_long() -> None:
    errors = Collector()
    check_name("x" * (MAX_NAME_LENGTH + 1), errors)
    assert "too long" in errors.errors["name"]


def test_check_birthday() -> None:
    today = NOW.date()
    errors = Collector()
    assert check_birthday(None, errors, today) is None
    assert check_birthday(today, errors, today) == today
    assert errors.errors == {}
    check_birthday(date(2026, 11, 21), errors, today)
    assert errors.errors == {"birthday": "A birthday cannot be in the future."}
    errors = Collector()
    check_birthday(date(1850, 1, 1), errors, today)
    assert "looks like a typo" in errors.errors["birthday"]


def test_check_when_catches_missing_and_mistyped_years() -> None:
    errors = Collector()
    check_when(datetime(2027, 6, 1), errors, NOW)
    check_when(date(1990, 1, 1), errors, NOW)
    assert errors.errors == {}
    check_when(None, errors, NOW, field="a")
    check_when(datetime(2062, 11, 20), errors, NOW, field="b")
    check_when(date(1899, 12, 31), errors, NOW, field="c")
    assert errors.errors["a"] == "The date is missing."
    assert "more than a year ahead" in errors.errors["b"]
    assert "before 1900" in errors.errors["c"]


def test_check_cents_and_long_text() -> None:
    errors = Collector()
    assert check_cents(None, errors) is None
    assert check_cents(0, errors) == 0
    assert check_long_text("  hi  ", errors, "notes", "Notes") == "hi"
    assert errors.errors == {}
    check_cents(-1, errors)
    check_long_text(" ", errors, "summary", "The summary", required=True)
    assert errors.errors == {"amount": "The amount cannot be negative.",
                             "summary": "The summary cannot be empty."}


def test_collector_keeps_the_first_message_per_field_and_raises_them_all() -> None:
    errors = Collector()
    errors.raise_if_any()
    errors.add("name", "first")
    errors.add("name", "second")
    errors.add("email", "bad email")
    with pytest.raises(ValidationError) as caught:
        errors.raise_if_any()
    assert caught.value.fields == {"name": "first", "email": "bad email"}
    assert str(caught.value) == "first; bad email"
    assert ValidationError.single("tag", "Type a tag name.").fields == {
        "tag": "Type a tag name."}
