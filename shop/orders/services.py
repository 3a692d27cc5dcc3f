"""Order operations: create, move forward, hold and release stock, read for display."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from shop.catalog.stock import commit_reserved_stock, release_stock, take_stock
from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus, StockHold

S = OrderStatus

#: Where each status may go next. Payment is the truth: a late payment on a cancelled or
#: expired order is never dropped, it goes to review.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PENDING_PAYMENT: frozenset(
        {S.PAYMENT_PROCESSING, S.PAID, S.NEEDS_REVIEW, S.CANCELLED, S.EXPIRED}
    ),
    S.PAYMENT_PROCESSING: frozenset({S.PAID, S.NEEDS_REVIEW, S.CANCELLED}),
    S.PAID: frozenset({S.FULFILLED, S.PARTIALLY_REFUNDED, S.REFUNDED, S.NEEDS_REVIEW}),
    S.NEEDS_REVIEW: frozenset({S.PAID, S.FULFILLED, S.PARTIALLY_REFUNDED, S.REFUNDED, S.CANCELLED}),
    S.FULFILLED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.REFUNDED, S.FULFILLED}),
    S.REFUNDED: frozenset(),
    S.CANCELLED: frozenset({S.NEEDS_REVIEW}),
    S.EXPIRED: frozenset({S.NEEDS_REVIEW}),
}

#: Statuses in which the shop has the shopper's money.
PAID_STATUSES = frozenset({S.PAID, S.FULFILLED, S.PARTIALLY_REFUNDED, S.REFUNDED, S.NEEDS_REVIEW})

_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class NewLine:
    """A line to put on a new order, priced from the database."""

    variant_id: int
    product_name: str
    variant_name: str
    sku: str
    unit_amount: int
    quantity: int


def new_order_number() -> str:
    """A short public order number without look-alike characters, e.g. BMX-7K3P9QDA."""
    return "BMX-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))


def create_order(
    session: Session,
    lines: Iterable[NewLine],
    currency: str,
    *,
    cart_token: str | None = None,
    cart_fingerprint: str | None = None,
    checkout_expires_at: datetime | None = None,
) -> Order:
    """A pending order with snapshot lines; its stock is expected to be reserved already."""
    order_lines = [
        OrderLine(
            variant_id=line.variant_id,
            product_name=line.product_name,
            variant_name=line.variant_name,
            sku=line.sku,
            unit_amount=line.unit_amount,
            quantity=line.quantity,
        )
        for line in lines
    ]
    subtotal = sum(line.line_total for line in order_lines)
    order = Order(
        number=new_order_number(),
        access_token=secrets.token_urlsafe(32),
        status=S.PENDING_PAYMENT,
        stock_hold=StockHold.RESERVED,
        currency=currency,
        subtotal_amount=subtotal,
        total_amount=subtotal,
        lines=order_lines,
        cart_token=cart_token,
        cart_fingerprint=cart_fingerprint,
        checkout_expires_at=checkout_expires_at,
    )
    session.add(order)
    session.flush()
    return order


def record_event(
    order: Order,
    kind: str,
    message: str,
    *,
    public: bool = False,
    actor: str = "system",
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Add an entry to the order's timeline."""
    event = OrderEvent(kind=kind, message=message, public=public, actor=actor, data=data or {})
    order.events.append(event)
    return event


def move_order(
    session: Session,
    order: Order,
    target: OrderStatus,
    *,
    only_from: Iterable[OrderStatus] | None = None,
    **values: Any,
) -> bool:
    """Move an order to `target` if allowed from where it is now, atomically.

    The UPDATE names the allowed starting statuses, so of two workers racing to make the
    same move only one succeeds; the loser gets False and must not repeat side effects.
    `only_from` narrows the allowed starting statuses further.
    """
    sources = [status for status, targets in TRANSITIONS.items() if target in targets]
    if only_from is not None:
        sources = [status for status in sources if status in set(only_from)]
    result = session.execute(
        sa.update(Order)
        .where(Order.id == order.id, Order.status.in_(sources))
        .values(status=target, **values),
        execution_options={"synchronize_session": False},
    )
    moved = bool(result.rowcount == 1)  # type: ignore[attr-defined]
    session.refresh(order)
    return moved


def _claim_hold(session: Session, order: Order, source: StockHold, target: StockHold) -> bool:
    result = session.execute(
        sa.update(Order)
        .where(Order.id == order.id, Order.stock_hold == source)
        .values(stock_hold=target),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _variant_quantities(order: Order) -> list[tuple[int, int]]:
    return [(line.variant_id, line.quantity) for line in order.lines if line.variant_id]


def release_order_stock(session: Session, order: Order) -> bool:
    """Give the order's held units back to the shelf, once."""
    if not _claim_hold(session, order, StockHold.RESERVED, StockHold.RELEASED):
        return False
    for variant_id, quantity in _variant_quantities(order):
        release_stock(session, variant_id, quantity)
    session.refresh(order)
    return True


def commit_order_stock(session: Session, order: Order) -> bool:
    """Take the sold units off the shelf, once; False if some could not be had."""
    if _claim_hold(session, order, StockHold.RESERVED, StockHold.COMMITTED):
        take = commit_reserved_stock
    elif _claim_hold(session, order, StockHold.RELEASED, StockHold.COMMITTED):
        take = take_stock  # the hold ended before the payment arrived
    else:
        return True  # already committed by an earlier call
    complete = all(take(session, v, q) for v, q in _variant_quantities(order))
    session.refresh(order)
    return complete


def order_by_token(session: Session, token: str) -> Order | None:
    """The order behind a shopper's private link, with lines and timeline."""
    if not token or len(token) > 64:
        return None
    return session.scalar(
        sa.select(Order)
        .where(Order.access_token == token)
        .options(selectinload(Order.lines), selectinload(Order.events))
    )


def order_by_checkout_session(session: Session, session_id: str) -> Order | None:
    """The order created for a Stripe Checkout Session."""
    return session.scalar(
        sa.select(Order)
        .where(Order.stripe_session_id == session_id)
        .options(selectinload(Order.lines), selectinload(Order.events))
    )


def open_order_for_cart(session: Session, cart_token: str, fingerprint: str) -> Order | None:
    """A still-pending order for exactly this cart, so a double click reuses its session."""
    return session.scalar(
        sa.select(Order)
        .where(
            Order.cart_token == cart_token,
            Order.cart_fingerprint == fingerprint,
            Order.status == S.PENDING_PAYMENT,
            Order.stripe_session_url.is_not(None),
        )
        .order_by(Order.id.desc())
        .limit(1)
    )


def stale_pending_orders(session: Session, now: datetime, limit: int = 50) -> list[Order]:
    """Pending orders whose checkout can no longer be paid (past its expiry)."""
    return list(
        session.scalars(
            sa.select(Order)
            .where(
                Order.status == S.PENDING_PAYMENT,
                Order.stock_hold == StockHold.RESERVED,
                Order.checkout_expires_at < now,
            )
            .options(selectinload(Order.lines))
            .order_by(Order.id)
            .limit(limit)
        )
    )
