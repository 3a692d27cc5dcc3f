"""The shopper's own order page, reached by an unguessable link."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from shop.db import get_session
from shop.orders.services import order_by_token

bp = Blueprint("orders", __name__)


@bp.get("/orders/<token>")
def detail(token: str) -> Response:
    """Status, lines, totals, address and public timeline of one order."""
    order = order_by_token(get_session(), token)
    if order is None:
        abort(404)
    response = Response(render_template("orders/detail.html", order=order))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
