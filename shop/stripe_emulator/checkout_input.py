"""What the shopper enters on the hosted page: defaults, validation and the resulting totals."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from shop.stripe_emulator.objects import address
from shop.stripe_emulator.reference import FALLBACK_ADDRESS, TEST_ADDRESSES
from shop.stripe_emulator.store import SessionRecord

JSON = dict[str, Any]

OUTCOMES = ("succeeded", "declined", "delayed_success", "delayed_failure")

# Promotion codes the emulator knows: code -> (promotion code id, coupon id, percent off).
PROMOTION_CODES = {"WELCOME10": ("promo_1EmuWelcome10Code", "WELCOME10", 10)}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class PaymentInputError(Exception):
    """Shopper input the hosted page refuses: the message to show and the field at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PaymentDetails:
    """One submission of the hosted payment form."""

    outcome: str
    email: str = ""
    name: str = ""
    line1: str = ""
    line2: str = ""
    city: str = ""
    postal_code: str = ""
    state: str = ""
    country: str = ""
    shipping_option: int = 0
    promotion_code: str = ""

    def address(self) -> JSON:
        """The entered address as a Stripe address hash."""
        return address(
            self.line1 or None,
            self.city or None,
            self.postal_code or None,
            self.country or None,
            self.line2 or None,
            self.state or None,
        )


@dataclass(frozen=True)
class Quote:
    """Totals for a submission: what Stripe shows before the shopper pays."""

    subtotal: int
    discount: int
    line_discounts: list[int]
    shipping_rate: str | None
    shipping: int
    promotion: tuple[str, str, int] | None

    @property
    def total(self) -> int:
        """Subtotal minus discount plus shipping."""
        return self.subtotal - self.discount + self.shipping


def prefilled(record: SessionRecord, outcome: str = "succeeded") -> PaymentDetails:
    """Test values for every field, so one click pays."""
    session = record.obj
    countries = allowed_countries(session)
    country = countries[0] if countries else "US"
    line1, city, postal_code, state = TEST_ADDRESSES.get(country, FALLBACK_ADDRESS)
    return PaymentDetails(
        outcome=outcome,
        email=session["customer_email"] or "jenny.rosen@example.com",
        name="Jenny Rosen",
        line1=line1,
        city=city,
        postal_code=postal_code,
        state=state,
        country=country,
    )


def with_overrides(details: PaymentDetails, **fields: Any) -> PaymentDetails:
    """`details` with the given non-empty fields replaced."""
    return replace(details, **{k: v for k, v in fields.items() if v not in (None, "")})


def allowed_countries(session: JSON) -> list[str]:
    """Countries the session ships to (empty when no address is collected)."""
    collection = session["shipping_address_collection"]
    return list(collection["allowed_countries"]) if collection else []


def check(record: SessionRecord, details: PaymentDetails) -> PaymentDetails:
    """Refuse incomplete or invalid shopper input; returns the details actually used."""
    session = record.obj
    if details.outcome not in OUTCOMES:
        raise PaymentInputError(f"Unknown payment outcome: {details.outcome}.", "action")
    email = session["customer_email"] or details.email.strip()
    if not _EMAIL.fullmatch(email):
        raise PaymentInputError("Enter a valid email address.", "email")
    details = replace(details, email=email, name=details.name.strip())
    countries = allowed_countries(session)
    if countries:
        for name in ("name", "line1", "city", "postal_code"):
            if not getattr(details, name).strip():
                raise PaymentInputError("Enter your name and full shipping address.", name)
        if details.country not in countries:
            raise PaymentInputError("We cannot ship to the selected country.", "country")
    if not 0 <= details.shipping_option < max(1, len(session["shipping_options"])):
        raise PaymentInputError("Choose one of the shipping options.", "shipping_option")
    return details


def quote(record: SessionRecord, details: PaymentDetails) -> Quote:
    """Totals for `details`: the chosen shipping option and promotion code applied."""
    session = record.obj
    promotion = None
    code = details.promotion_code.strip().upper()
    if code:
        if not session["allow_promotion_codes"] or code not in PROMOTION_CODES:
            raise PaymentInputError("This code is invalid.", "promotion_code")
        promotion = PROMOTION_CODES[code]
    percent = promotion[2] if promotion else 0
    # Stripe allocates a percentage discount line by line, rounding each line.
    line_discounts = [(item["amount_subtotal"] * percent + 50) // 100 for item in record.line_items]
    options = session["shipping_options"]
    option = options[details.shipping_option] if options else None
    return Quote(
        subtotal=session["amount_subtotal"],
        discount=sum(line_discounts),
        line_discounts=line_discounts,
        shipping_rate=option["shipping_rate"] if option else None,
        shipping=option["shipping_amount"] if option else 0,
        promotion=promotion,
    )
