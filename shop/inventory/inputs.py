"""Reading what an operator typed: stock deltas, reasons and prices.

Every function raises `InventoryError` with a message that says what to type instead.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision

#: A single adjustment larger than this is almost certainly a typo.
MAX_DELTA = 100_000
MAX_REASON = 200
#: Prices above this (in major units) are refused as absurd for this shop.
MAX_PRICE = Decimal("100000.00")

_DELTA = re.compile(r"[+-]?\d{1,9}")
_PRICE = re.compile(r"\d{1,12}(?:\.\d+)?")


class InventoryError(Exception):
    """A stock or price change that cannot be made; `message` says why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def parse_delta(raw: str | None) -> int:
    """A signed whole number of units, not zero, e.g. "+12", "-3" or "5"."""
    text = (raw or "").strip().replace("\u2212", "-")  # a typographic minus counts too
    if not text:
        raise InventoryError("Enter how many units to add (e.g. 12) or remove (e.g. -3).")
    if not _DELTA.fullmatch(text):
        raise InventoryError("The change must be a whole number such as 12 or -3.")
    delta = int(text)
    if delta == 0:
        raise InventoryError("A change of 0 changes nothing; enter a number of units.")
    if abs(delta) > MAX_DELTA:
        raise InventoryError(f"Change stock by at most {MAX_DELTA:,} units at a time.")
    return delta


def parse_reason(raw: str | None) -> str:
    """The reason for an adjustment: required, one line, at most 200 characters."""
    text = " ".join((raw or "").split())
    if not text:
        raise InventoryError(
            "Say why the stock changes (e.g. received delivery, damaged, count correction)."
        )
    if len(text) > MAX_REASON:
        raise InventoryError(f"Keep the reason to {MAX_REASON} characters or fewer.")
    return text


def parse_price(raw: str | None, currency: str) -> int:
    """A price in major units ("129.00") as minor units (12900), parsed with Decimal."""
    text = (raw or "").strip().replace(",", "")
    places = get_currency_precision(currency.upper())
    if not text:
        raise InventoryError("Enter the new price, e.g. 129.00.")
    if text.startswith(("-", "\u2212")):
        raise InventoryError("A price can't be negative.")
    if not _PRICE.fullmatch(text):
        raise InventoryError("Enter the price as a number such as 129.00, without a currency sign.")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InventoryError("Enter the price as a number such as 129.00.") from None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise InventoryError(f"{currency.upper()} prices have at most {places} decimal places.")
    if value > MAX_PRICE:
        raise InventoryError(f"That price is too high; the most the shop accepts is {MAX_PRICE}.")
    return int(value.scaleb(places))
