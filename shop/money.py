"""Money: integer minor units plus a currency code, formatted in one place."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units (cents) of one currency; never a float."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError("money amounts are integers in minor units")
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise ValueError(f"not a currency code: {self.currency!r}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, quantity: int) -> Money:
        return Money(self.amount * quantity, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")


def to_decimal(amount: int, currency: str) -> Decimal:
    """Minor units as a Decimal in major units (1299 USD -> 12.99)."""
    return Decimal(amount).scaleb(-get_currency_precision(currency.upper()))


def format_money(amount: int, currency: str, locale: str = "en_US") -> str:
    """Display form of an amount, e.g. 12900 USD -> "$129.00"."""
    return format_currency(to_decimal(amount, currency), currency.upper(), locale=locale)
