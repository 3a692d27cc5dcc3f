"""Refunds: through the API (the shop) or the dashboard (a test control), always immediate."""

from __future__ import annotations

import copy
from typing import Any

from shop.stripe_emulator import payment_objects as po
from shop.stripe_emulator.errors import StripeError, invalid, not_found, refused
from shop.stripe_emulator.listing import created_matches, paginate
from shop.stripe_emulator.reference import format_amount
from shop.stripe_emulator.store import RequestRef, Store

JSON = dict[str, Any]


def create_refund(store: Store, params: JSON, request: RequestRef | None) -> JSON:
    """Refund all or part of a paid charge, named by `payment_intent` or `charge`."""
    if "payment_intent" not in params and "charge" not in params:
        raise StripeError(
            400,
            "One of the following params should be provided for this request: "
            "payment_intent or charge.",
            code="parameter_missing",
        )
    with store.lock:
        charge = _refundable_charge(store, params)
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise refused(
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = params.get("amount", remaining)
        if amount > remaining:
            currency = charge["currency"]
            raise refused(
                f"Refund amount ({format_amount(amount, currency)}) is greater than unrefunded "
                f"amount on charge ({format_amount(remaining, currency)})",
                param="amount",
                code="amount_too_large",
            )
        now = store.clock.now_int()
        refund = po.refund(charge, amount, params.get("reason"), params.get("metadata", {}), now)
        store.refunds[refund["id"]] = refund
        previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        store.emit("charge.refunded", charge, request, previous)
        store.emit("refund.created", refund, request)
        return copy.deepcopy(refund)


def _refundable_charge(store: Store, params: JSON) -> JSON:
    if "payment_intent" in params:
        intent = store.get(
            store.payment_intents, "payment_intent", params["payment_intent"], "payment_intent"
        )
        if intent["status"] != "succeeded" or intent["latest_charge"] is None:
            raise refused(
                f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                param="payment_intent",
                code="payment_intent_unexpected_state",
            )
        charge = store.charges[intent["latest_charge"]]
        if params.get("charge", charge["id"]) != charge["id"]:
            raise invalid("The charge does not belong to this PaymentIntent.", "charge")
        return charge
    charge = store.get(store.charges, "charge", params["charge"], "charge")
    if charge["status"] != "succeeded":
        raise refused(
            f"Charge {charge['id']} has not succeeded, so it cannot be refunded.",
            param="charge",
            code="charge_not_refundable",
        )
    return charge


def refund_from_dashboard(store: Store, payment_intent_id: str, amount: int | None) -> JSON:
    """A refund made outside the shop (as if in the Stripe Dashboard): no API request."""
    params: JSON = {"payment_intent": payment_intent_id}
    if amount is not None:
        if amount <= 0:
            raise invalid("This value must be greater than or equal to 1.", "amount")
        params["amount"] = amount
    with store.lock:
        if payment_intent_id not in store.payment_intents:
            raise not_found("payment_intent", payment_intent_id, "payment_intent")
        return create_refund(store, params, None)


def list_refunds(store: Store, params: JSON) -> JSON:
    """`GET /v1/refunds` filtered by charge, payment intent and creation time."""

    def keep(refund: JSON) -> bool:
        return (
            params.get("payment_intent", refund["payment_intent"]) == refund["payment_intent"]
            and params.get("charge", refund["charge"]) == refund["charge"]
            and created_matches(refund["created"], params.get("created"))
        )

    with store.lock:
        return paginate(list(store.refunds.values()), params, "/v1/refunds", "refund", keep)
