"""Checkout Sessions: creation (with Stripe's cross-field rules), listing and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shop.stripe_emulator import objects
from shop.stripe_emulator.errors import invalid, missing, not_found, only_one_of, refused
from shop.stripe_emulator.forms import child
from shop.stripe_emulator.listing import created_matches, paginate
from shop.stripe_emulator.reference import MINIMUM_CHARGE, format_amount
from shop.stripe_emulator.session_objects import session_object
from shop.stripe_emulator.store import RequestRef, SessionRecord, Store

JSON = dict[str, Any]

MIN_LIFETIME = 30 * 60
MAX_LIFETIME = 24 * 60 * 60


@dataclass(frozen=True)
class _Line:
    """A validated line item, before ids are assigned."""

    product_data: JSON
    currency: str
    unit_amount: int
    unit_amount_decimal: str
    quantity: int
    metadata: JSON

    @property
    def amount(self) -> int:
        exact = Decimal(self.unit_amount_decimal) * self.quantity
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def create_session(store: Store, params: JSON, request: RequestRef) -> JSON:
    """Create an open Checkout Session from cleaned `params`; returns the stored object."""
    now = store.clock.now_int()
    _check_supported(params)
    lines = _lines(params)
    currency = lines[0].currency
    if params.get("currency", currency) != currency:
        raise invalid("The currency must match the currency of the line items.", "currency")
    rates = _shipping_rates(params, currency)
    subtotal = sum(line.amount for line in lines)
    minimum = MINIMUM_CHARGE.get(currency, 50)
    if 0 < subtotal < minimum:
        raise invalid(
            "The Checkout Session's total amount due must add up to at least "
            f"{format_amount(minimum, currency)} {currency}",
            code="amount_too_small",
        )
    expires_at = params.get("expires_at", now + MAX_LIFETIME)
    if expires_at < now + MIN_LIFETIME:
        raise invalid(
            "The `expires_at` timestamp must be at least 30 minutes from Checkout Session "
            "creation.",
            "expires_at",
        )
    if expires_at > now + MAX_LIFETIME:
        raise invalid(
            "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
            "expires_at",
        )
    with store.lock:
        items = [_line_item(store, line, now) for line in lines]
        shipping = [objects.shipping_rate(rate, now) for rate in rates]
        for rate in shipping:
            store.shipping_rates[rate["id"]] = rate
        session = session_object(params, currency, subtotal, shipping, expires_at, now)
        session["url"] = f"{store.settings.public_url}/c/pay/{session['id']}"
        store.sessions[session["id"]] = SessionRecord(
            session, items, params.get("payment_intent_data", {})
        )
        return session


def _check_supported(params: JSON) -> None:
    if params["mode"] != "payment":
        raise invalid(
            f"The local Stripe emulator only supports mode=payment (got {params['mode']}).",
            "mode",
        )
    if params.get("ui_mode", "hosted") != "hosted":
        raise invalid("The local Stripe emulator only supports ui_mode=hosted.", "ui_mode")
    if "customer" in params:
        raise not_found("customer", params["customer"], "customer")
    if "allow_promotion_codes" in params and "discounts" in params:
        raise only_one_of("allow_promotion_codes", "discounts")
    if params.get("payment_intent_data", {}).get("capture_method") == "manual":
        raise invalid(
            "The local Stripe emulator does not model manual capture.",
            "payment_intent_data[capture_method]",
        )


def _lines(params: JSON) -> list[_Line]:
    if not params.get("line_items"):
        raise missing("line_items")
    lines: list[_Line] = []
    for index, item in enumerate(params["line_items"]):
        path = child("line_items", index)
        if "price" in item and "price_data" in item:
            raise only_one_of(child(path, "price"), child(path, "price_data"))
        if "price" in item:
            raise not_found("price", item["price"], child(path, "price"))
        if "price_data" not in item:
            raise missing(child(path, "price_data"))
        data, data_path = item["price_data"], child(path, "price_data")
        if "recurring" in data:
            raise invalid(
                "You must use `mode=subscription` for recurring prices.",
                child(data_path, "recurring"),
            )
        if "product" in data:
            raise not_found("product", data["product"], child(data_path, "product"))
        if "product_data" not in data:
            raise missing(child(data_path, "product_data"))
        if "unit_amount" in data and "unit_amount_decimal" in data:
            raise only_one_of(
                child(data_path, "unit_amount"), child(data_path, "unit_amount_decimal")
            )
        if "unit_amount" not in data and "unit_amount_decimal" not in data:
            raise missing(child(data_path, "unit_amount"))
        if "quantity" not in item:
            raise missing(child(path, "quantity"))
        if lines and data["currency"] != lines[0].currency:
            raise invalid(
                "All line items must use the same currency.", child(data_path, "currency")
            )
        exact = data.get("unit_amount_decimal", Decimal(data.get("unit_amount", 0)))
        lines.append(
            _Line(
                product_data=data["product_data"],
                currency=data["currency"],
                unit_amount=int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
                unit_amount_decimal=str(exact),
                quantity=item["quantity"],
                metadata=item.get("metadata", {}),
            )
        )
    return lines


def _shipping_rates(params: JSON, currency: str) -> list[JSON]:
    rates: list[JSON] = []
    for index, option in enumerate(params.get("shipping_options", [])):
        path = child("shipping_options", index)
        if "shipping_rate" in option:
            raise not_found("shipping rate", option["shipping_rate"], child(path, "shipping_rate"))
        if "shipping_rate_data" not in option:
            raise missing(child(path, "shipping_rate_data"))
        data = option["shipping_rate_data"]
        data_path = child(path, "shipping_rate_data")
        if "fixed_amount" not in data:
            raise missing(child(data_path, "fixed_amount"))
        if data["fixed_amount"]["currency"] != currency:
            raise invalid(
                "The shipping rate currency must match the Checkout Session currency "
                f"({currency}).",
                child(child(data_path, "fixed_amount"), "currency"),
            )
        rates.append(data)
    return rates


def _line_item(store: Store, line: _Line, now: int) -> JSON:
    data = line.product_data
    product = objects.product(
        data["name"], data.get("description"), data.get("metadata", {}), data.get("images", []), now
    )
    store.products[product["id"]] = product
    price = objects.price(
        line.currency, line.unit_amount, line.unit_amount_decimal, product["id"], now
    )
    return objects.line_item(price, line.quantity, line.amount, data["name"], line.metadata)


def expire_session(store: Store, session_id: str, request: RequestRef | None) -> JSON:
    """Expire an open session (the API's expire endpoint and the test control)."""
    with store.lock:
        record = store.session(session_id)
        status = record.obj["status"]
        if status != "open":
            raise refused(
                'Only Checkout Sessions with a status in ["open"] can be expired. '
                f"This Checkout Session has a status of `{status}`."
            )
        _expire(store, record, request)
        return record.obj


def expire_overdue(store: Store) -> int:
    """Expire every open session whose `expires_at` has passed; returns how many."""
    with store.lock:
        now = store.clock.now()
        overdue = [
            r
            for r in store.sessions.values()
            if r.obj["status"] == "open" and r.obj["expires_at"] <= now
        ]
        for record in overdue:
            _expire(store, record, None)
        return len(overdue)


def _expire(store: Store, record: SessionRecord, request: RequestRef | None) -> None:
    session = record.obj
    session["status"] = "expired"
    session["url"] = None
    intent = store.payment_intents.get(session["payment_intent"] or "")
    if intent is not None and intent["status"] == "requires_payment_method":
        # A declined attempt left an intent behind; Stripe cancels it with the session.
        intent.update(
            status="canceled", canceled_at=store.clock.now_int(), cancellation_reason="abandoned"
        )
        store.emit("payment_intent.canceled", intent, request)
    store.emit("checkout.session.expired", session, request)


def list_sessions(store: Store, params: JSON) -> JSON:
    """`GET /v1/checkout/sessions` with Stripe's filters."""

    def keep(session: JSON) -> bool:
        email = params.get("customer_details", {}).get("email")
        details = session["customer_details"] or {}
        return (
            created_matches(session["created"], params.get("created"))
            and params.get("status", session["status"]) == session["status"]
            and params.get("payment_intent", session["payment_intent"]) == session["payment_intent"]
            and (email is None or details.get("email") == email)
            and "customer" not in params
            and "payment_link" not in params
            and "subscription" not in params
        )

    with store.lock:
        sessions = [record.obj for record in store.sessions.values()]
        return paginate(sessions, params, "/v1/checkout/sessions", "checkout.session", keep)


def list_line_items(store: Store, session_id: str, params: JSON) -> JSON:
    """`GET /v1/checkout/sessions/{id}/line_items`, in the order they were sent."""
    with store.lock:
        record = store.session(session_id)
        url = f"/v1/checkout/sessions/{session_id}/line_items"
        # Line items list in creation order, so reverse before the newest-first paginator.
        page = paginate(list(reversed(record.line_items)), params, url, "line_item")
        return page
