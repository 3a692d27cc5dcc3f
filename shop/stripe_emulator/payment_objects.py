"""Builders of payment intents, charges and refunds, shaped like Stripe's."""

from __future__ import annotations

import secrets
from typing import Any

from shop.stripe_emulator.instruments import (
    PaymentInstrument,
    failure_code,
    failure_message,
    outcome,
)
from shop.stripe_emulator.objects import new_id

JSON = dict[str, Any]


def payment_intent(currency: str, amount: int, data: JSON, now: int) -> JSON:
    """The PaymentIntent a Checkout Session creates from `payment_intent_data` on submit."""
    pi_id = new_id("pi")
    return {
        "id": pi_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": None,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": data.get("capture_method", "automatic_async"),
        "client_secret": f"{pi_id}_secret_{new_id('x')[2:]}",
        "confirmation_method": "automatic",
        "created": now,
        "currency": currency,
        "customer": None,
        "customer_account": None,
        "description": data.get("description"),
        "excluded_payment_method_types": None,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": dict(data.get("metadata", {})),
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "processing": None,
        "receipt_email": data.get("receipt_email"),
        "review": None,
        "setup_future_usage": data.get("setup_future_usage"),
        "shipping": None,
        "source": None,
        "statement_descriptor": data.get("statement_descriptor"),
        "statement_descriptor_suffix": data.get("statement_descriptor_suffix"),
        "status": "requires_payment_method",
        "transfer_data": None,
        "transfer_group": None,
    }


def charge(
    intent: JSON,
    instrument: PaymentInstrument,
    status: str,
    billing: JSON,
    now: int,
    receipt_base: str,
) -> JSON:
    """A charge for `intent` paid with `instrument`; status succeeded, pending or failed."""
    ch_id = new_id("ch")
    succeeded = status == "succeeded"
    failed = status == "failed"
    return {
        "id": ch_id,
        "object": "charge",
        "amount": intent["amount"],
        "amount_captured": intent["amount"] if succeeded else 0,
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": new_id("txn") if succeeded else None,
        "billing_details": billing,
        "calculated_statement_descriptor": "BALMOREX",
        "captured": succeeded,
        "created": now,
        "currency": intent["currency"],
        "customer": None,
        "description": intent["description"],
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": failure_code(instrument) if failed else None,
        "failure_message": failure_message(instrument) if failed else None,
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(intent["metadata"]),
        "on_behalf_of": None,
        "outcome": outcome(instrument, status),
        "paid": succeeded,
        "payment_intent": intent["id"],
        "payment_method": intent["payment_method"],
        "payment_method_details": instrument.details(),
        "radar_options": {},
        "receipt_email": intent["receipt_email"],
        "receipt_number": None,
        "receipt_url": f"{receipt_base}/receipts/payment/{ch_id}" if succeeded else None,
        "refunded": False,
        "review": None,
        "shipping": intent["shipping"],
        "source": None,
        "source_transfer": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": status,
        "transfer_data": None,
        "transfer_group": None,
    }


def refund(charge_obj: JSON, amount: int, reason: str | None, metadata: JSON, now: int) -> JSON:
    """A refund that succeeded immediately."""
    kind = charge_obj["payment_method_details"]["type"]
    destination: JSON = {"type": kind, kind: {}}
    if kind == "card":
        destination["card"] = {
            "reference": secrets.token_hex(6),
            "reference_status": "pending",
            "reference_type": "acquirer_reference_number",
            "type": "refund",
        }
    return {
        "id": new_id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": new_id("txn"),
        "charge": charge_obj["id"],
        "created": now,
        "currency": charge_obj["currency"],
        "customer": None,
        "description": None,
        "destination_details": destination,
        "metadata": metadata,
        "payment_intent": charge_obj["payment_intent"],
        "payment_method": charge_obj["payment_method"],
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }


def settle_charge(charge_obj: JSON, instrument: PaymentInstrument, receipt_base: str) -> None:
    """Finish a pending (bank debit) charge the way Stripe does days later."""
    status = "succeeded" if instrument.succeeds else "failed"
    charge_obj.update(
        status=status,
        outcome=outcome(instrument, status),
        paid=instrument.succeeds,
        captured=instrument.succeeds,
        amount_captured=charge_obj["amount"] if instrument.succeeds else 0,
        balance_transaction=new_id("txn") if instrument.succeeds else None,
        failure_code=None if instrument.succeeds else failure_code(instrument),
        failure_message=None if instrument.succeeds else failure_message(instrument),
        receipt_url=f"{receipt_base}/receipts/payment/{charge_obj['id']}"
        if instrument.succeeds
        else None,
    )
