"""What an operator gives a reconciliation (a date, a session id) and what Stripe failures say."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from shop.checkout.gateway import PaymentError


class ReconcileError(ValueError):
    """Input a reconciliation cannot run with; `message` says what to type instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SESSION_ID = re.compile(r"cs_(test|live)_[A-Za-z0-9]{1,250}")


def parse_since(raw: str | None, today: date | None = None) -> date | None:
    """An optional YYYY-MM-DD date, not in the future."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise ReconcileError("Give the date as YYYY-MM-DD, e.g. 2026-11-01.") from None
    if day > (today or datetime.now(UTC).date()):
        raise ReconcileError("That date is in the future; nothing was created after it yet.")
    if day.year < 2010:
        raise ReconcileError("Stripe Checkout did not exist then; pick a later date.")
    return day


def stripe_problem(error: PaymentError) -> str:
    """What to tell an operator when Stripe fails during a check (not the shopper wording)."""
    if error.code == "connection":
        return (
            "Stripe could not be reached (no connection, or no answer in time). "
            "Nothing was checked or changed; try again later."
        )
    if error.code == "auth":
        return "Stripe refused our API key; check STRIPE_SECRET_KEY. Nothing was checked."
    detail = f" ({error.detail})" if error.detail else ""
    return f"Stripe answered with an error{detail}; nothing was changed. Try again later."
