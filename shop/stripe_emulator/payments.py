"""Paying a Checkout Session: card success and decline, delayed bank debits and their settlement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shop.stripe_emulator import instruments as ins
from shop.stripe_emulator import payment_objects as po
from shop.stripe_emulator.checkout_input import PaymentDetails, Quote, check, quote
from shop.stripe_emulator.objects import new_id
from shop.stripe_emulator.session_objects import shipping_cost
from shop.stripe_emulator.store import SessionRecord, Store

JSON = dict[str, Any]

INSTRUMENTS = {
    "succeeded": ins.CARD_SUCCESS,
    "declined": ins.CARD_DECLINED,
    "delayed_success": ins.BANK_SUCCESS,
    "delayed_failure": ins.BANK_FAILURE,
}


class SessionNotOpen(Exception):
    """The session is complete or expired, so it cannot be paid."""

    def __init__(self, status: str) -> None:
        super().__init__(f"This Checkout Session is {status}.")
        self.status = status


class NothingToSettle(Exception):
    """No delayed payment is waiting on this session."""


@dataclass(frozen=True)
class PaymentResult:
    """What happened when the shopper pressed a pay button."""

    outcome: str
    session: JSON
    error: str | None = None

    @property
    def redirect_url(self) -> str | None:
        """Where Stripe sends the shopper next: success_url with the session id filled in."""
        url = self.session["success_url"]
        if self.error or not url:
            return None
        return str(url).replace("{CHECKOUT_SESSION_ID}", self.session["id"])


def pay_session(store: Store, session_id: str, details: PaymentDetails) -> PaymentResult:
    """Submit the hosted payment form for `session_id`."""
    with store.lock:
        record = store.session(session_id)
        if record.obj["status"] != "open":
            raise SessionNotOpen(record.obj["status"])
        details = check(record, details)
        totals = quote(record, details)
        instrument = INSTRUMENTS[details.outcome]
        now = store.clock.now_int()
        billing = {
            "address": details.address(),
            "email": details.email,
            "name": details.name or None,
            "phone": None,
            "tax_id": None,
        }
        intent = _intent_for(store, record, totals.total)
        intent["payment_method"] = new_id("pm")
        if record.obj["shipping_address_collection"]:
            intent["shipping"] = {
                "address": details.address(),
                "carrier": None,
                "name": details.name,
                "phone": None,
                "tracking_number": None,
            }
        status = "failed" if details.outcome == "declined" else "pending"
        status = "succeeded" if details.outcome == "succeeded" else status
        charge = po.charge(intent, instrument, status, billing, now, store.settings.public_url)
        store.charges[charge["id"]] = charge
        intent["latest_charge"] = charge["id"]
        if details.outcome == "declined":
            method = ins.payment_method(intent["payment_method"], instrument, billing, now)
            intent.update(
                status="requires_payment_method",
                payment_method=None,
                last_payment_error=ins.payment_error(charge, method, instrument),
            )
            store.emit("charge.failed", charge)
            store.emit("payment_intent.payment_failed", intent)
            return PaymentResult(details.outcome, record.obj, ins.DECLINE_MESSAGE)
        _complete(record, details, totals, intent["id"])
        intent["last_payment_error"] = None
        if details.outcome == "succeeded":
            intent.update(status="succeeded", amount_received=intent["amount"])
            record.obj["payment_status"] = "paid"
            store.emit("charge.succeeded", charge)
            store.emit("payment_intent.succeeded", intent)
        else:
            intent["status"] = "processing"
            record.settle_at = store.clock.now() + store.settings.async_delay
            record.settle_success = instrument.succeeds
            store.emit("payment_intent.processing", intent)
            store.emit("charge.pending", charge)
        store.emit("checkout.session.completed", record.obj)
        return PaymentResult(details.outcome, record.obj)


def _intent_for(store: Store, record: SessionRecord, amount: int) -> JSON:
    # A retry after a decline reuses the session's intent, as Stripe Checkout does.
    existing = store.payment_intents.get(record.obj["payment_intent"] or "")
    if existing is not None:
        existing["amount"] = amount
        return existing
    now = store.clock.now_int()
    intent = po.payment_intent(record.obj["currency"], amount, record.payment_intent_data, now)
    store.payment_intents[intent["id"]] = intent
    record.obj["payment_intent"] = intent["id"]
    store.emit("payment_intent.created", intent)
    return intent


def _complete(
    record: SessionRecord, details: PaymentDetails, totals: Quote, intent_id: str
) -> None:
    session = record.obj
    shipping_details = None
    if session["shipping_address_collection"]:
        shipping_details = {"address": details.address(), "name": details.name}
    for item, discount in zip(record.line_items, totals.line_discounts, strict=True):
        item["amount_discount"] = discount
        item["amount_total"] = item["amount_subtotal"] - discount
    rate = totals.shipping_rate
    session.update(
        status="complete",
        url=None,
        payment_intent=intent_id,
        amount_total=totals.total,
        customer_details={
            "address": details.address(),
            "business_name": None,
            "email": details.email,
            "individual_name": None,
            "name": details.name or None,
            "phone": None,
            "tax_exempt": "none",
            "tax_ids": [],
        },
        collected_information={
            "business_name": None,
            "individual_name": None,
            "shipping_details": shipping_details,
        },
        shipping_cost=shipping_cost_for(rate, totals.shipping),
        total_details={
            "amount_discount": totals.discount,
            "amount_shipping": totals.shipping,
            "amount_tax": 0,
        },
        discounts=[{"coupon": totals.promotion[1], "promotion_code": totals.promotion[0]}]
        if totals.promotion
        else [],
    )


def shipping_cost_for(rate_id: str | None, amount: int) -> JSON | None:
    """`shipping_cost` for the chosen rate id."""
    if rate_id is None:
        return None
    return shipping_cost({"id": rate_id, "fixed_amount": {"amount": amount}})


def settle_session(store: Store, session_id: str) -> JSON:
    """Finish the session's delayed payment now (success or failure as chosen when paying)."""
    with store.lock:
        record = store.session(session_id)
        if record.settle_success is None:
            raise NothingToSettle(f"No delayed payment is pending on {session_id}.")
        _settle(store, record)
        return record.obj


def settle_due(store: Store) -> int:
    """Settle every delayed payment whose time has come; returns how many."""
    with store.lock:
        now = store.clock.now()
        due = [r for r in store.sessions.values() if r.settle_at is not None and r.settle_at <= now]
        for record in due:
            _settle(store, record)
        return len(due)


def _settle(store: Store, record: SessionRecord) -> None:
    success = bool(record.settle_success)
    record.settle_at = record.settle_success = None
    session = record.obj
    intent = store.payment_intents[session["payment_intent"]]
    charge = store.charges[intent["latest_charge"]]
    instrument = ins.BANK_SUCCESS if success else ins.BANK_FAILURE
    po.settle_charge(charge, instrument, store.settings.public_url)
    if success:
        intent.update(status="succeeded", amount_received=intent["amount"])
        session["payment_status"] = "paid"
        store.emit("charge.succeeded", charge)
        store.emit("payment_intent.succeeded", intent)
        store.emit("checkout.session.async_payment_succeeded", session)
        return
    method = ins.payment_method(
        intent["payment_method"], instrument, charge["billing_details"], charge["created"]
    )
    intent.update(
        status="requires_payment_method",
        payment_method=None,
        last_payment_error=ins.payment_error(charge, method, instrument),
    )
    store.emit("charge.failed", charge)
    store.emit("payment_intent.payment_failed", intent)
    store.emit("checkout.session.async_payment_failed", session)
