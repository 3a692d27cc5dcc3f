"""`expand[]`: replace ids (or absent includable fields) with full objects, as Stripe does."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from shop.stripe_emulator.checkout_input import PROMOTION_CODES
from shop.stripe_emulator.errors import invalid
from shop.stripe_emulator.objects import list_object
from shop.stripe_emulator.store import Store

JSON = dict[str, Any]
Resolver = Callable[[Store, JSON, Any, JSON], Any]

MAX_DEPTH = 4


def _by_id(table: str) -> Resolver:
    def resolve(store: Store, _parent: JSON, value: Any, _root: JSON) -> Any:
        if isinstance(value, str):
            found = getattr(store, table).get(value)
            return copy.deepcopy(found) if found is not None else value
        return value

    return resolve


def _session_line_items(store: Store, parent: JSON, value: Any, _root: JSON) -> Any:
    if isinstance(value, dict):
        return value
    record = store.sessions[parent["id"]]
    items = copy.deepcopy(record.line_items)
    url = f"/v1/checkout/sessions/{parent['id']}/line_items"
    # An expanded sub-list carries Stripe's default first page of 10.
    return list_object(url, items[:10], len(items) > 10)


def _charge_refunds(store: Store, parent: JSON, value: Any, _root: JSON) -> Any:
    refunds = [r for r in store.refunds.values() if r["charge"] == parent["id"]]
    refunds = copy.deepcopy(list(reversed(refunds)))
    return list_object(f"/v1/charges/{parent['id']}/refunds", refunds[:10], len(refunds) > 10)


def _discount_breakdown(store: Store, parent: JSON, value: Any, root: JSON) -> Any:
    # `total_details` sits directly on the session being expanded (or on a list element).
    sessions = root["data"] if root.get("object") == "list" else [root]
    session = next((s for s in sessions if s.get("total_details") is parent), None)
    discounts = []
    if session is not None:
        for discount in session["discounts"]:
            percent = next(
                (p for _, coupon, p in PROMOTION_CODES.values() if coupon == discount["coupon"]), 0
            )
            discounts.append(
                {
                    "amount": parent["amount_discount"],
                    "discount": {
                        "id": "di_" + session["id"][-20:],
                        "object": "discount",
                        "checkout_session": session["id"],
                        "coupon": {
                            "id": discount["coupon"],
                            "object": "coupon",
                            "amount_off": None,
                            "currency": None,
                            "duration": "once",
                            "livemode": False,
                            "metadata": {},
                            "name": discount["coupon"],
                            "percent_off": float(percent),
                            "valid": True,
                        },
                        "promotion_code": discount["promotion_code"],
                        "start": session["created"],
                    },
                }
            )
    return {"discounts": discounts, "taxes": []}


# (object type, field) -> resolver; object types of embedded hashes use pseudo names.
RESOLVERS: dict[tuple[str, str], Resolver] = {
    ("checkout.session", "line_items"): _session_line_items,
    ("checkout.session", "payment_intent"): _by_id("payment_intents"),
    ("shipping_cost", "shipping_rate"): _by_id("shipping_rates"),
    ("shipping_option", "shipping_rate"): _by_id("shipping_rates"),
    ("total_details", "breakdown"): _discount_breakdown,
    ("item", "price"): lambda _store, _parent, value, _root: value,
    ("price", "product"): _by_id("products"),
    ("payment_intent", "latest_charge"): _by_id("charges"),
    ("charge", "payment_intent"): _by_id("payment_intents"),
    ("charge", "refunds"): _charge_refunds,
    ("refund", "charge"): _by_id("charges"),
    ("refund", "payment_intent"): _by_id("payment_intents"),
}

# Embedded hashes (no `object` field) that an expand path may pass through.
CONTAINERS = {
    ("checkout.session", "shipping_cost"): "shipping_cost",
    ("checkout.session", "shipping_options"): "shipping_option",
    ("checkout.session", "total_details"): "total_details",
    ("list", "data"): "",
}


def expand(store: Store, obj: JSON, paths: list[str], in_list: bool = False) -> JSON:
    """Apply `expand[]` paths to a copy of `obj` (for lists, paths must start with `data.`)."""
    result = copy.deepcopy(obj)
    with store.lock:
        for path in paths:
            parts = path.split(".")
            if len(parts) > MAX_DEPTH + (1 if in_list else 0):
                raise invalid("You cannot expand more than 4 levels of a property.", "expand")
            _expand(store, result, parts, result.get("object", ""), path, result)
    return result


def _expand(store: Store, node: Any, parts: list[str], kind: str, path: str, root: JSON) -> None:
    if isinstance(node, list):
        for element in node:
            _expand(store, element, parts, kind, path, root)
        return
    if not isinstance(node, dict):
        return  # an id that stayed an id, or a null: nothing below it to expand
    kind = node.get("object", kind)
    field, rest = parts[0], parts[1:]
    resolver = RESOLVERS.get((kind, field))
    container = CONTAINERS.get((kind, field))
    if resolver is not None:
        if node.get(field) is not None or field in ("line_items", "refunds", "breakdown"):
            node[field] = resolver(store, node, node.get(field), root)
    elif container is None or (not rest):
        raise invalid(f"This property cannot be expanded ({path}).", "expand")
    if rest:
        _expand(store, node.get(field), rest, container or "", path, root)
