"""Builders of Stripe-shaped objects (field names and nesting as in Stripe's API reference)."""

from __future__ import annotations

import hashlib
import secrets
import string
from typing import Any

from shop.stripe_emulator.reference import API_VERSION

JSON = dict[str, Any]

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    """A Stripe-looking id: `pi_3Qx...` (test-mode sessions get `cs_test_a1...`)."""
    return f"{prefix}_{''.join(secrets.choice(_ALPHABET) for _ in range(length))}"


def new_session_id() -> str:
    """A Checkout Session id in Stripe's test-mode format."""
    return "cs_test_a1" + "".join(secrets.choice(_ALPHABET) for _ in range(56))


def fingerprint(seed: str) -> str:
    """A stable 16-character fingerprint, like Stripe's card and bank fingerprints."""
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return "".join(_ALPHABET[int(digest[i : i + 2], 16) % len(_ALPHABET)] for i in range(0, 32, 2))


def address(
    line1: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    country: str | None = None,
    line2: str | None = None,
    state: str | None = None,
) -> JSON:
    """A Stripe address hash."""
    return {
        "city": city,
        "country": country,
        "line1": line1,
        "line2": line2,
        "postal_code": postal_code,
        "state": state,
    }


def list_object(url: str, data: list[JSON], has_more: bool) -> JSON:
    """Stripe's list envelope."""
    return {"object": "list", "data": data, "has_more": has_more, "url": url}


def product(
    name: str, description: str | None, metadata: JSON, images: list[str], now: int
) -> JSON:
    """The product Stripe creates behind `price_data[product_data]`."""
    return {
        "id": new_id("prod", 14),
        "object": "product",
        "active": True,
        "created": now,
        "default_price": None,
        "description": description,
        "images": images,
        "livemode": False,
        "marketing_features": [],
        "metadata": metadata,
        "name": name,
        "package_dimensions": None,
        "shippable": None,
        "statement_descriptor": None,
        "tax_code": None,
        "type": "service",
        "unit_label": None,
        "updated": now,
        "url": None,
    }


def price(
    currency: str, unit_amount: int, unit_amount_decimal: str, product_id: str, now: int
) -> JSON:
    """An inline (inactive, one-time) price as created from `price_data`."""
    return {
        "id": new_id("price"),
        "object": "price",
        "active": False,
        "billing_scheme": "per_unit",
        "created": now,
        "currency": currency,
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": None,
        "metadata": {},
        "nickname": None,
        "product": product_id,
        "recurring": None,
        "tax_behavior": "unspecified",
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "one_time",
        "unit_amount": unit_amount,
        "unit_amount_decimal": unit_amount_decimal,
    }


def line_item(
    price_obj: JSON, quantity: int, amount: int, description: str, metadata: JSON
) -> JSON:
    """A Checkout line item (`object: item`) before any discount."""
    return {
        "id": new_id("li"),
        "object": "item",
        "adjustable_quantity": None,
        "amount_discount": 0,
        "amount_subtotal": amount,
        "amount_tax": 0,
        "amount_total": amount,
        "currency": price_obj["currency"],
        "description": description,
        "metadata": metadata,
        "price": price_obj,
        "quantity": quantity,
    }


def shipping_rate(data: JSON, now: int) -> JSON:
    """A shipping rate created from `shipping_options[][shipping_rate_data]`."""
    estimate = data.get("delivery_estimate")
    return {
        "id": new_id("shr"),
        "object": "shipping_rate",
        "active": True,
        "created": now,
        "delivery_estimate": {
            "maximum": estimate.get("maximum") if estimate else None,
            "minimum": estimate.get("minimum") if estimate else None,
        }
        if estimate
        else None,
        "display_name": data["display_name"],
        "fixed_amount": {
            "amount": data["fixed_amount"]["amount"],
            "currency": data["fixed_amount"]["currency"],
        },
        "livemode": False,
        "metadata": data.get("metadata", {}),
        "tax_behavior": data.get("tax_behavior", "unspecified"),
        "tax_code": data.get("tax_code"),
        "type": "fixed_amount",
    }


def event(
    event_type: str,
    obj: JSON,
    now: int,
    request_id: str | None,
    idempotency_key: str | None,
    previous: JSON | None = None,
) -> JSON:
    """An event wrapping a snapshot of `obj`."""
    data: JSON = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": now,
        "data": data,
        "livemode": False,
        "pending_webhooks": 0,
        "request": {"id": request_id, "idempotency_key": idempotency_key},
        "type": event_type,
    }
