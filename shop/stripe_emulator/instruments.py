"""Test payment instruments (cards, bank debits) and how their failures are reported."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from shop.stripe_emulator.objects import fingerprint, new_id

JSON = dict[str, Any]


@dataclass(frozen=True)
class PaymentInstrument:
    """A test card or bank account the hosted page lets the shopper pick."""

    kind: str  # "card" or "sepa_debit"
    last4: str
    succeeds: bool

    def details(self) -> JSON:
        """`payment_method_details` as a charge shows them."""
        if self.kind == "card":
            return {"card": self._card(), "type": "card"}
        return {
            "sepa_debit": {
                "bank_code": "37040044",
                "branch_code": "",
                "country": "DE",
                "fingerprint": fingerprint("sepa" + self.last4),
                "last4": self.last4,
                "mandate": new_id("mandate"),
            },
            "type": "sepa_debit",
        }

    def _card(self) -> JSON:
        return {
            "amount_authorized": None,
            "authorization_code": None,
            "brand": "visa",
            "checks": {
                "address_line1_check": None,
                "address_postal_code_check": None,
                "cvc_check": "pass",
            },
            "country": "US",
            "exp_month": 12,
            "exp_year": time.gmtime().tm_year + 3,
            "extended_authorization": {"status": "disabled"},
            "fingerprint": fingerprint("card" + self.last4),
            "funding": "credit",
            "incremental_authorization": {"status": "unavailable"},
            "installments": None,
            "last4": self.last4,
            "mandate": None,
            "multicapture": {"status": "unavailable"},
            "network": "visa",
            "network_token": {"used": False},
            "network_transaction_id": secrets.token_hex(8),
            "overcapture": {"maximum_amount_capturable": 0, "status": "unavailable"},
            "regulated_status": "unregulated",
            "three_d_secure": None,
            "wallet": None,
        }


CARD_SUCCESS = PaymentInstrument("card", "4242", succeeds=True)
CARD_DECLINED = PaymentInstrument("card", "0002", succeeds=False)
BANK_SUCCESS = PaymentInstrument("sepa_debit", "3000", succeeds=True)
BANK_FAILURE = PaymentInstrument("sepa_debit", "3001", succeeds=False)

DECLINE_MESSAGE = "Your card was declined."
BANK_FAILURE_MESSAGE = "The customer's account has insufficient funds to cover this payment."


def payment_method(pm_id: str, instrument: PaymentInstrument, billing: JSON, now: int) -> JSON:
    """The PaymentMethod object embedded in `last_payment_error`."""
    details = instrument.details()[instrument.kind]
    return {
        "id": pm_id,
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": billing,
        instrument.kind: details,
        "created": now,
        "customer": None,
        "livemode": False,
        "metadata": {},
        "type": instrument.kind,
    }


def failure_code(instrument: PaymentInstrument) -> str:
    """The decline code a failed payment with `instrument` reports."""
    return "card_declined" if instrument.kind == "card" else "insufficient_funds"


def failure_message(instrument: PaymentInstrument) -> str:
    """The message a failed payment with `instrument` reports."""
    return DECLINE_MESSAGE if instrument.kind == "card" else BANK_FAILURE_MESSAGE


def outcome(instrument: PaymentInstrument, status: str) -> JSON | None:
    """A charge's `outcome` hash for `status` (none while pending)."""
    if status == "pending":
        return None
    base: JSON = {
        "advice_code": None,
        "network_advice_code": None,
        "network_decline_code": None,
        "risk_level": "normal",
        "risk_score": 23,
    }
    if status == "succeeded":
        return {
            **base,
            "network_status": "approved_by_network",
            "reason": None,
            "seller_message": "Payment complete.",
            "type": "authorized",
        }
    return {
        **base,
        "network_status": "declined_by_network",
        "reason": "generic_decline" if instrument.kind == "card" else "insufficient_funds",
        "seller_message": "The bank did not return any further details with this decline.",
        "type": "issuer_declined",
    }


def payment_error(charge_obj: JSON, method: JSON, instrument: PaymentInstrument) -> JSON:
    """`last_payment_error` after a decline (a card_error, as Stripe reports it)."""
    code = failure_code(instrument)
    return {
        "charge": charge_obj["id"],
        "code": code,
        "decline_code": "generic_decline" if instrument.kind == "card" else None,
        "doc_url": "https://stripe.com/docs/error-codes/" + code.replace("_", "-"),
        "message": failure_message(instrument),
        "payment_method": method,
        "type": "card_error",
    }
