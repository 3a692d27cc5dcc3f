"""What an operator may type as a stock change, a reason or a price."""

from __future__ import annotations

import pytest

from shop.inventory.inputs import InventoryError, parse_delta, parse_price, parse_reason


@pytest.mark.parametrize(
    ("raw", "expected"), [("12", 12), ("+5", 5), ("-3", -3), (" 7 ", 7), ("\u22122", -2)]
)
def test_deltas_are_signed_whole_numbers(raw, expected):
    assert parse_delta(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "0", "1.5", "abc", "1e3", "--1", "100001", "-100001"])
def test_bad_deltas_are_refused(raw):
    with pytest.raises(InventoryError):
        parse_delta(raw)


def test_reasons_are_required_trimmed_and_short():
    assert parse_reason("  received   delivery \n") == "received delivery"
    for raw in ("", "   ", None, "x" * 201):
        with pytest.raises(InventoryError):
            parse_reason(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("129.00", 12900), ("129", 12900), ("0.5", 50), ("0", 0), ("1,299.99", 129999),
     ("100000.00", 10_000_000), (" 19.9 ", 1990)],
)  # fmt: skip
def test_prices_are_parsed_with_decimal_into_minor_units(raw, expected):
    assert parse_price(raw, "USD") == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [("-1.00", "negative"), ("12.345", "at most 2 decimal"), ("abc", "number"),
     ("100000.01", "too high"), ("", "Enter the new price"), ("1e5", "number"),
     ("NaN", "number"), ("$12", "number"), ("0.1.2", "number")],
)  # fmt: skip
def test_bad_prices_are_refused_with_a_reason(raw, message):
    with pytest.raises(InventoryError, match=message):
        parse_price(raw, "USD")


def test_zero_decimal_currencies_take_whole_units():
    assert parse_price("1500", "JPY") == 1500
    with pytest.raises(InventoryError, match="at most 0 decimal"):
        parse_price("1500.5", "JPY")
