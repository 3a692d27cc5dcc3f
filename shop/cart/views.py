"""Cart pages: see the cart, add to it, change or remove a line. Plain forms, no JavaScript."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from shop.cart.cookie import read_cart_token, set_cart_cookie
from shop.cart.services import (
    NOT_IN_CART_MESSAGE,
    CartError,
    UnknownVariantError,
    add_item,
    cart_item_count,
    find_item,
    get_cart,
    get_or_create_cart,
    line_label,
    parse_quantity,
    parse_variant_id,
    published_slug_for_variant,
    remove_item,
    set_quantity,
    summarize_cart,
)
from shop.db import get_session
from shop.insights.attribution import followed_article_id

bp = Blueprint("cart", __name__, url_prefix="/cart")


@bp.get("")
def view() -> Response:
    """The cart: each line with its live price, quantity form and total, then checkout."""
    session = get_session()
    cart = get_cart(session, read_cart_token(request))
    summary = summarize_cart(session, cart, current_app.config["CURRENCY"])
    response = current_app.make_response(render_template("cart/cart.html", summary=summary))
    # A cart is personal: never let a shared cache hand it to someone else.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/items")
def add() -> Response:
    """Add a product option to the cart (creating the cart only once something goes in)."""
    session = get_session()
    try:
        variant_id = parse_variant_id(request.form.get("variant_id"))
    except CartError as error:
        abort(400, description=error.message)
    try:
        # A form without the field adds one; an empty or mistyped field is an error.
        quantity = parse_quantity(request.form.get("quantity", "1"))
        cart = get_or_create_cart(session, read_cart_token(request))
        article_id = followed_article_id(session, request.form.get("from_article"))
        item = add_item(session, cart, variant_id, quantity, article_id)
    except UnknownVariantError as error:
        session.rollback()
        abort(400, description=error.message)
    except CartError as error:
        session.rollback()
        flash(error.message, "error")
        return redirect(_back_to_form(variant_id), 303)
    label = line_label(item.variant)
    session.commit()
    flash(f"Added {label} to your cart.", "success")
    return _to_cart(cart.token)


@bp.post("/items/<int:item_id>")
def update(item_id: int) -> Response:
    """Change a line's quantity; 0 removes it."""
    session = get_session()
    cart = get_cart(session, read_cart_token(request))
    try:
        quantity = parse_quantity(request.form.get("quantity"), allow_zero=True)
        if cart is None:
            raise CartError(NOT_IN_CART_MESSAGE)
        label = line_label(find_item(cart, item_id).variant)
        item = set_quantity(session, cart, item_id, quantity)
    except CartError as error:
        session.rollback()
        flash(error.message, "error")
        return redirect(url_for("cart.view"), 303)
    session.commit()
    if item is None:
        flash(f"Removed {label} from your cart.", "success")
    else:
        flash(f"Updated {label} to {item.quantity}.", "success")
    return _to_cart(cart.token)


@bp.post("/items/<int:item_id>/remove")
def remove(item_id: int) -> Response:
    """Take a line out of the cart."""
    session = get_session()
    cart = get_cart(session, read_cart_token(request))
    try:
        if cart is None:
            raise CartError(NOT_IN_CART_MESSAGE)
        label = line_label(find_item(cart, item_id).variant)
        remove_item(session, cart, item_id)
    except CartError as error:
        session.rollback()
        flash(error.message, "error")
        return redirect(url_for("cart.view"), 303)
    session.commit()
    flash(f"Removed {label} from your cart.", "success")
    return _to_cart(cart.token)


def _to_cart(token: str) -> Response:
    response = redirect(url_for("cart.view"), 303)
    # Set on every change, so the 60 days count from the shopper's last visit.
    set_cart_cookie(response, token)
    return response


def _back_to_form(variant_id: int) -> str:
    """Where to show an error: the page the form was on, if it is one of ours."""
    referrer = urlsplit(request.referrer or "")
    path = referrer.path
    if (
        referrer.scheme in ("http", "https")
        and referrer.netloc == request.host
        and path.startswith("/")
        and not path.startswith("//")
        and "\\" not in path
    ):
        return path + (f"?{referrer.query}" if referrer.query else "")
    slug = published_slug_for_variant(get_session(), variant_id)
    return url_for("catalog.product", slug=slug) if slug else url_for("cart.view")


@bp.app_context_processor
def cart_badge() -> dict[str, Any]:
    """`cart_count` for the header; queries only when the browser has a cart cookie."""
    if not has_request_context():
        return {"cart_count": 0}
    token = read_cart_token(request)
    if token is None:
        return {"cart_count": 0}
    try:
        return {"cart_count": cart_item_count(get_session(), token)}
    except sa.exc.SQLAlchemyError:
        # The badge must not break a page, least of all the error page after a database fault.
        return {"cart_count": 0}
