"""What operators type into order forms, parsed into plain values or a clear message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision

from shop.orders.models import Order

#: Carriers offered in the fulfilment form; any other name up to MAX_CARRIER is accepted too.
CARRIERS = ("UPS", "USPS", "FedEx", "DHL", "Canada Post")
MAX_CARRIER = 60
MAX_TRACKING = 60
MAX_NOTE = 500
MAX_REASON_NOTE = 200
TRACKING = re.compile(r"[A-Za-z0-9 -]+")
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
AMOUNT = re.compile(r"[0-9]{1,9}(?:\.[0-9]+)?")

#: Refund reasons Stripe knows, and "other" with the operator's own words.
REFUND_REASONS = {
    "requested_by_customer": "Requested by the customer",
    "duplicate": "Duplicate payment",
    "fraudulent": "Fraudulent payment",
    "other": "Other",
}


class OperationsError(Exception):
    """An operator action that cannot be done as asked; `message` says why and what to do."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def parse_amount(raw: str, currency: str) -> int:
    """Major units typed by a person ("12.50", "$12.50", "1,200") as minor units (1250)."""
    text = (raw or "").strip().replace(",", "").removeprefix("$").strip()
    if not text:
        raise OperationsError("Enter an amount to refund, for example 12.50.")
    if text.startswith("-"):
        raise OperationsError("A refund amount can't be negative.")
    if not AMOUNT.fullmatch(text):
        raise OperationsError(f"“{raw.strip()[:20]}” is not an amount; write it like 12.50.")
    places = get_currency_precision(currency.upper())
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already rules this out
        raise OperationsError("That is not an amount; write it like 12.50.") from None
    if -value.as_tuple().exponent > places:  # type: ignore[operator]
        raise OperationsError(f"Use at most {places} decimal places.")
    minor = int(value.scaleb(places))
    if minor <= 0:
        raise OperationsError("A refund must be more than zero.")
    return minor


def parse_carrier(raw: str) -> str:
    """A carrier name: one of CARRIERS or free text up to MAX_CARRIER characters."""
    carrier = " ".join((raw or "").split())
    if not carrier:
        raise OperationsError("Choose or type the carrier.")
    if len(carrier) > MAX_CARRIER:
        raise OperationsError(f"Keep the carrier name to {MAX_CARRIER} characters.")
    return carrier


def parse_tracking(raw: str) -> str:
    """A tracking number: letters, digits, spaces and dashes, up to MAX_TRACKING."""
    tracking = " ".join((raw or "").split())
    if not tracking:
        raise OperationsError("Enter the tracking number.")
    if len(tracking) > MAX_TRACKING:
        raise OperationsError(f"Keep the tracking number to {MAX_TRACKING} characters.")
    if not TRACKING.fullmatch(tracking):
        raise OperationsError("A tracking number may only hold letters, digits, spaces and dashes.")
    return tracking


def parse_quantities(form: Mapping[str, str], order: Order, prefix: str) -> dict[int, int]:
    """Per-line quantities from fields named `<prefix><line id>`; blanks count as 0."""
    chosen: dict[int, int] = {}
    for line in order.lines:
        raw = (form.get(f"{prefix}{line.id}") or "").strip()
        if not raw:
            continue
        if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
            raise OperationsError(f"Quantities are whole numbers; check the line {line.sku}.")
        if int(raw):
            chosen[line.id] = int(raw)
    return chosen


@dataclass(frozen=True)
class RefundReason:
    """Stripe's reason code (or None for "other") and the words kept on our records."""

    stripe_code: str | None
    text: str


def parse_reason(code: str, note: str) -> RefundReason:
    """A refund reason from the form's choice and optional explanation."""
    code = (code or "").strip()
    if code not in REFUND_REASONS:
        raise OperationsError("Choose a reason for the refund.")
    note = " ".join((note or "").split())
    if len(note) > MAX_REASON_NOTE:
        raise OperationsError(f"Keep the explanation to {MAX_REASON_NOTE} characters.")
    if code == "other" and not note:
        raise OperationsError("Say in a few words why you are refunding.")
    label = REFUND_REASONS[code]
    text = f"{label}: {note}" if note else label
    return RefundReason(None if code == "other" else code, text)


def parse_nonce(raw: str) -> str:
    """The refund form's one-time value; a missing or mangled one means a stale form."""
    nonce = (raw or "").strip()
    if not NONCE.fullmatch(nonce):
        raise OperationsError("This refund form is out of date. Reload the page and try again.")
    return nonce


def parse_note(raw: str) -> str:
    """An internal note: trimmed, not empty, at most MAX_NOTE characters."""
    note = (raw or "").strip()
    if not note:
        raise OperationsError("Write something in the note first.")
    if len(note) > MAX_NOTE:
        raise OperationsError(f"Keep notes to {MAX_NOTE} characters; this one has {len(note)}.")
    return note
