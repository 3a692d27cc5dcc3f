"""Operators adjust stock (with a reason) and change prices; every change keeps history."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from shop.accounts.models import Role
from shop.accounts.services import audit
from shop.backoffice.access import allow, register_nav, staff
from shop.backoffice.blueprint import bp
from shop.catalog.models import Variant
from shop.db import get_session
from shop.inventory import services
from shop.inventory.inputs import (
    MAX_REASON,
    InventoryError,
    parse_delta,
    parse_price,
    parse_reason,
)
from shop.money import format_money, to_decimal

register_nav("backoffice.stock", "Stock & prices", Role.OPERATOR)


def _variant(variant_id: int) -> Variant:
    try:
        return services.get_variant(get_session(), variant_id)
    except InventoryError as error:
        abort(error.status, description=error.message)


def _on_history_page() -> bool:
    return request.form.get("return_to") == "history"


def _back(variant: Variant) -> ResponseReturnValue:
    if _on_history_page():
        return redirect(url_for("backoffice.stock_history", variant_id=variant.id), 303)
    return redirect(url_for("backoffice.stock", _anchor=f"variant-{variant.id}"), 303)


def _refused(variant: Variant, error: InventoryError, form: str) -> ResponseReturnValue:
    """Show the page the form came from again, with the message next to the form."""
    get_session().rollback()
    state: dict[str, Any] = {
        "error": {"variant_id": variant.id, "form": form, "message": error.message},
        "typed": {k: request.form.get(k, "")[:300] for k in ("delta", "reason", "price")},
    }
    status = error.status if error.status in (400, 409) else 400
    if _on_history_page():
        return _history_page(variant, **state), status
    return _list_page(**state), status


def price_text(variant: Variant) -> str:
    """A variant's price as typed in the form: major units, e.g. "129.00"."""
    return str(to_decimal(variant.price_amount, variant.currency))


def _list_page(**state: Any) -> str:
    return render_template(
        "backoffice/stock/index.html",
        variants=services.stock_rows(get_session()),
        max_reason=MAX_REASON,
        price_text=price_text,
        **state,
    )


def _history_page(variant: Variant, **state: Any) -> str:
    db = get_session()
    return render_template(
        "backoffice/stock/history.html",
        variant=variant,
        movements=services.movements(db, variant.id),
        prices=services.price_changes(db, variant.id),
        max_reason=MAX_REASON,
        price_text=price_text,
        **state,
    )


@bp.get("/stock")
@allow(Role.OPERATOR)
def stock() -> ResponseReturnValue:
    """Every variant with its price and stock, and forms to change them."""
    return _list_page()


@bp.get("/stock/<int:variant_id>")
@allow(Role.OPERATOR)
def stock_history(variant_id: int) -> ResponseReturnValue:
    """One variant's stock movements and price changes, newest first."""
    return _history_page(_variant(variant_id))


@bp.post("/stock/<int:variant_id>/adjust")
@allow(Role.OPERATOR)
def stock_adjust(variant_id: int) -> ResponseReturnValue:
    """Add or remove units with a reason; never below what open checkouts hold."""
    db = get_session()
    variant = _variant(variant_id)
    try:
        delta = parse_delta(request.form.get("delta"))
        reason = parse_reason(request.form.get("reason"))
        user = staff()
        done = services.adjust_stock(db, variant.id, delta, reason, user.email)
    except InventoryError as error:
        return _refused(variant, error, "adjust")
    after = done.movement.on_hand_after
    audit(
        db, user, "stock.adjust", variant.sku,
        {"on_hand": done.on_hand_before},
        {"on_hand": after, "delta": delta, "reason": reason},
    )  # fmt: skip
    db.commit()
    flash(f"{variant.sku}: {delta:+d} ({reason}). Now {after} on hand.", "success")
    return _back(variant)


@bp.post("/stock/<int:variant_id>/price")
@allow(Role.OPERATOR)
def stock_price(variant_id: int) -> ResponseReturnValue:
    """Change a variant's price, typed in major units (129.00)."""
    db = get_session()
    variant = _variant(variant_id)
    try:
        amount = parse_price(request.form.get("price"), variant.currency)
        user = staff()
        change = services.change_price(db, variant, amount, user.email)
    except InventoryError as error:
        return _refused(variant, error, "price")
    new = format_money(amount, variant.currency)
    if change is None:
        flash(f"{variant.sku} already costs {new}; nothing changed.", "info")
        return _back(variant)
    old = format_money(change.old_amount, variant.currency)
    audit(
        db, user, "price.change", variant.sku,
        {"price": str(to_decimal(change.old_amount, variant.currency))},
        {"price": str(to_decimal(amount, variant.currency)), "currency": variant.currency},
    )  # fmt: skip
    db.commit()
    flash(f"{variant.sku}: price changed from {old} to {new}.", "success")
    return _back(variant)
