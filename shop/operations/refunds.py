"""Refunding an order through Stripe, once per submitted form, optionally restocking units.

A refund form carries a nonce made when it was rendered. The nonce makes both the Stripe
idempotency key and a unique RefundRequest row, so the same form submitted twice (a double
click, a retry, two workers) reaches Stripe once and records one Refund.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.accounts.models import StaffUser
from shop.accounts.services import audit
from shop.checkout.events import sync_refunds
from shop.checkout.gateway import PaymentError, StripeGateway
from shop.inventory.inputs import InventoryError
from shop.inventory.services import adjust_stock
from shop.money import format_money
from shop.operations.fulfilment import TIMES
from shop.operations.inputs import OperationsError, RefundReason
from shop.operations.models import RefundRequest
from shop.orders.models import Order, OrderLine, OrderStatus, Refund, StockHold
from shop.orders.services import record_event

S = OrderStatus

#: Orders that hold money we can give back.
REFUNDABLE = frozenset({S.PAID, S.FULFILLED, S.PARTIALLY_REFUNDED, S.NEEDS_REVIEW})


class DuplicateRefund(OperationsError):
    """The same refund form was submitted again; the first submission stands."""


@dataclass(frozen=True)
class RefundOrder:
    """A refund as asked for on the form."""

    nonce: str
    amount: int
    reason: RefundReason
    #: Order line id -> units to put back on the shelf.
    restock: dict[int, int] = field(default_factory=dict)


def refundable_amount(order: Order) -> int:
    """What is left to refund: the total less what was refunded already."""
    return max(order.total_amount - order.refunded_amount, 0)


def idempotency_key(order: Order, nonce: str) -> str:
    """The Stripe idempotency key for one refund form of one order."""
    return f"refund-{order.number}-{nonce}"


def find_request(session: Session, order: Order, nonce: str) -> RefundRequest | None:
    """The refund already made from this form, if any."""
    return session.scalar(
        sa.select(RefundRequest).where(
            RefundRequest.order_id == order.id, RefundRequest.nonce == nonce
        )
    )


def _check_refundable(order: Order, amount: int) -> None:
    if order.status not in REFUNDABLE or not order.stripe_payment_intent_id:
        raise OperationsError(
            f"An order that is {order.status.value.replace('_', ' ')} has no payment to refund."
        )
    left = refundable_amount(order)
    if left <= 0:
        raise OperationsError("This order has been refunded in full already.")
    if amount > left:
        raise OperationsError(
            f"{format_money(amount, order.currency)} is more than the "
            f"{format_money(left, order.currency)} left to refund on this order."
        )


def _restock_units(order: Order, wanted: dict[int, int]) -> list[tuple[OrderLine, int]]:
    if not wanted:
        return []
    if order.stock_hold is not StockHold.COMMITTED:
        raise OperationsError("This order's units never left the shelf, so none can be restocked.")
    lines = {line.id: line for line in order.lines}
    units = []
    for line_id, quantity in wanted.items():
        line = lines.get(line_id)
        if line is None:
            raise OperationsError("One of the lines to restock is not on this order.")
        if line.variant_id is None:
            raise OperationsError(f"{line.sku} is no longer in the catalog; restock it by hand.")
        left = line.quantity - line.restocked_quantity
        if quantity > left:
            raise OperationsError(
                f"Only {left} of {line.sku} can go back to stock, not {quantity}."
            )
        units.append((line, quantity))
    return units


def _restock(session: Session, line: OrderLine, quantity: int, order: Order, actor: str) -> None:
    # Both updates are conditional and atomic: a line is never restocked beyond what it sold.
    claimed = session.execute(
        sa.update(OrderLine)
        .where(
            OrderLine.id == line.id,
            OrderLine.restocked_quantity + quantity <= OrderLine.quantity,
        )
        .values(restocked_quantity=OrderLine.restocked_quantity + quantity),
        execution_options={"synchronize_session": False},
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise OperationsError(f"{line.sku} was restocked meanwhile; reload and try again.", 409)
    # Through the stock ledger, so the units show in the option's stock history.
    try:
        adjust_stock(
            session, line.variant_id or 0, quantity, f"Restocked by refund of {order.number}", actor
        )
    except InventoryError as error:
        raise OperationsError(error.message, error.status) from None
    session.refresh(line, ["restocked_quantity"])


def refund_order(
    session: Session, gateway: StripeGateway, order: Order, request: RefundOrder, actor: StaffUser
) -> Refund:
    """Refund through Stripe and record it; nothing is recorded if Stripe refuses or fails.

    Raises DuplicateRefund if this form was used before, and lets IntegrityError through when
    another worker is making the same refund at this moment (the caller rolls back).
    """
    if find_request(session, order, request.nonce) is not None:
        raise DuplicateRefund("That refund was already made; nothing more was refunded.", 409)
    _check_refundable(order, request.amount)
    units = _restock_units(order, request.restock)
    claim = RefundRequest(
        order_id=order.id,
        nonce=request.nonce,
        amount=request.amount,
        reason=request.reason.text,
        actor=actor.email,
    )
    session.add(claim)
    session.flush()  # a second submission of this form waits here, then fails
    for line, quantity in units:
        _restock(session, line, quantity, order, actor.email)
    intent = order.stripe_payment_intent_id or ""
    state = gateway.refund(
        intent, request.amount, request.reason.stripe_code, idempotency_key(order, request.nonce)
    )
    claim.stripe_refund_id = state.id
    session.refresh(order)
    session.expire(order, ["refunds"])  # the webhook may have recorded it already
    sync_refunds(session, intent, [state])
    amount = format_money(state.amount, order.currency)
    restocked = ", ".join(f"{n}{TIMES}{line.sku}" for line, n in units)
    record_event(
        order,
        "refund_note",
        f"Refund of {amount} made by {actor.email}. Reason: {request.reason.text}."
        + (f" Back in stock: {restocked}." if restocked else ""),
        actor=actor.email,
        data={"refund": state.id},
    )
    audit(
        session,
        actor,
        "order.refund",
        order.number,
        after={
            "refund": state.id,
            "amount": state.amount,
            "reason": request.reason.text,
            "restocked": {line.sku: n for line, n in units},
            "status": order.status.value,
        },
    )
    refund = session.scalar(sa.select(Refund).where(Refund.stripe_refund_id == state.id))
    assert refund is not None  # recorded just above, or by the webhook before us
    return refund


def stripe_failure_message(error: PaymentError) -> str:
    """What to tell the operator when Stripe refuses or can't be reached."""
    if error.detail:
        return f"Stripe refused the refund: {error.detail} Nothing was refunded."
    return (
        "Stripe didn't confirm the refund, so nothing was recorded here. Press “Refund” on "
        "this form again in a moment: it repeats the same request and can't refund twice."
    )
