"""What operators type: amounts, carriers, tracking numbers, quantities, notes."""

from __future__ import annotations

import pytest

from shop.operations.inputs import (
    OperationsError,
    parse_amount,
    parse_carrier,
    parse_note,
    parse_reason,
    parse_tracking,
)


@pytest.mark.parametrize(
    ("typed", "minor"),
    [("12.50", 1250), ("12.5", 1250), ("12", 1200), (" $1,200.00 ", 120000), ("0.01", 1)],
)
def test_amounts_in_major_units_become_minor_units(typed, minor):
    assert parse_amount(typed, "USD") == minor


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "more than zero"),
        ("0.00", "more than zero"),
        ("-5", "negative"),
        ("1.234", "2 decimal places"),
        ("abc", "not an amount"),
        ("1e3", "not an amount"),
        ("NaN", "not an amount"),
        ("", "Enter an amount"),
        ("١٢", "not an amount"),
    ],
)
def test_amounts_that_make_no_sense_are_refused_with_a_message(typed, message):
    with pytest.raises(OperationsError, match=message):
        parse_amount(typed, "USD")


def test_zero_decimal_currencies_take_no_decimals():
    assert parse_amount("500", "JPY") == 500
    with pytest.raises(OperationsError, match="0 decimal places"):
        parse_amount("500.5", "JPY")


def test_carrier_is_free_text_of_limited_length():
    assert parse_carrier("  Royal   Mail ") == "Royal Mail"
    assert parse_carrier("<b>UPS</b>") == "<b>UPS</b>"  # stored as text, escaped when shown
    with pytest.raises(OperationsError, match="60 characters"):
        parse_carrier("x" * 61)
    with pytest.raises(OperationsError, match="carrier"):
        parse_carrier("   ")


def test_tracking_numbers_allow_letters_digits_spaces_and_dashes_only():
    assert parse_tracking(" 1Z999AA1 0123-456 ") == "1Z999AA1 0123-456"
    for bad in ("<script>", "1Z;DROP", "ü123"):
        with pytest.raises(OperationsError, match="letters, digits, spaces and dashes"):
            parse_tracking(bad)
    with pytest.raises(OperationsError, match="60 characters"):
        parse_tracking("1" * 61)


def test_refund_reasons_map_to_stripe_codes_or_need_words():
    assert parse_reason("duplicate", "").stripe_code == "duplicate"
    other = parse_reason("other", "Goodwill gesture")
    assert other.stripe_code is None and "Goodwill gesture" in other.text
    with pytest.raises(OperationsError, match="why"):
        parse_reason("other", "")
    with pytest.raises(OperationsError, match="reason"):
        parse_reason("because", "")


def test_notes_are_trimmed_and_limited():
    assert parse_note("  hello ") == "hello"
    with pytest.raises(OperationsError):
        parse_note("   ")
    with pytest.raises(OperationsError, match="500"):
        parse_note("x" * 501)
