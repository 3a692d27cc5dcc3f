"""Operators find orders, read one in full, and export a filtered list as CSV."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session, sessionmaker

from shop.accounts.models import Role
from shop.backoffice.access import allow, register_nav
from shop.backoffice.blueprint import bp
from shop.db import get_session
from shop.mail.timeline import EmailEntry, email_timeline
from shop.money import to_decimal
from shop.operations import queries
from shop.operations.export import ROW_KINDS, csv_chunks
from shop.operations.fulfilment import SHIPPABLE
from shop.operations.inputs import CARRIERS, REFUND_REASONS, OperationsError
from shop.operations.refunds import REFUNDABLE, refundable_amount
from shop.orders.models import Order, OrderEvent, OrderStatus

register_nav("backoffice.orders", "Orders", Role.OPERATOR)

STRIPE_DASHBOARD = "https://dashboard.stripe.com/test/payments/"


def _filter() -> tuple[queries.OrderFilter, tuple[int, int] | None]:
    try:
        return queries.parse_filter(request.args), queries.parse_cursor(request.args.get("after"))
    except OperationsError as error:
        abort(400, description=error.message)


@bp.get("/orders")
@allow(Role.OPERATOR)
def orders() -> ResponseReturnValue:
    """Orders by status, date and search, a page at a time, with counts per status."""
    flt, after = _filter()
    db = get_session()
    page = queries.list_orders(db, flt, after)
    review = queries.review_queue(db) if flt.is_default and after is None else []
    return render_template(
        "backoffice/orders/index.html",
        flt=flt,
        page=page,
        counts=queries.status_counts(db, flt),
        review=review,
        statuses=list(OrderStatus),
        sorts=queries.SORTS,
        first_page=after is None,
    )


def order_or_404(number: str) -> Order:
    """The order with this number, or a 404 page."""
    order = queries.order_by_number(get_session(), number)
    if order is None:
        abort(404, description=f"There is no order {number[:20]}.")
    return order


def render_detail(order: Order, status: int = 200, **state: Any) -> ResponseReturnValue:
    """The order page; `state` carries a failed form's message and typed values back."""
    state.setdefault("refund_nonce", secrets.token_urlsafe(24))
    entries: list[OrderEvent | EmailEntry] = [
        *order.events,
        *email_timeline(get_session(), order.id),
    ]
    timeline = sorted(entries, key=lambda e: (e.created_at, e.id), reverse=True)
    pi = order.stripe_payment_intent_id
    return render_template(
        "backoffice/orders/detail.html",
        order=order,
        timeline=timeline,
        shipments=queries.shipments_of(get_session(), order.id),
        stripe_link=STRIPE_DASHBOARD + pi if pi else None,
        can_ship=order.status in SHIPPABLE and any(line.unshipped_quantity for line in order.lines),
        can_refund=order.status in REFUNDABLE and bool(pi) and refundable_amount(order) > 0,
        can_cancel=order.status is OrderStatus.PENDING_PAYMENT,
        refundable=refundable_amount(order),
        refundable_major=str(to_decimal(refundable_amount(order), order.currency)),
        carriers=CARRIERS,
        reasons=REFUND_REASONS,
        form=state.pop("form", {}),
        **state,
    ), status


@bp.get("/orders/<number>")
@allow(Role.OPERATOR)
def order_detail(number: str) -> ResponseReturnValue:
    """One order: lines, amounts, customer, payment references, timeline and actions."""
    return render_detail(order_or_404(number))


def _export(flt: queries.OrderFilter, rows: str) -> Iterator[str]:
    # A session of its own, closed when the download ends or the client goes away, so a
    # long export never leaves the request's session (and its transaction) open.
    factory: sessionmaker[Session] = current_app.extensions["db_sessionmaker"]
    with factory() as session:
        yield from csv_chunks(session, flt, rows)


@bp.get("/orders/export")
@allow(Role.OPERATOR)
def orders_export() -> ResponseReturnValue:
    """The filtered orders as a CSV download, one row per order or per line."""
    flt, _page = _filter()  # the whole filter, not one page of it
    rows = request.args.get("rows") or "orders"
    if rows not in ROW_KINDS:
        abort(400, description="rows must be orders or lines.")
    name = f"orders-{datetime.now(UTC):%Y%m%d}.csv"
    response = Response(stream_with_context(_export(flt, rows)), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
