"""Fulfilment: moving an order forward from what Stripe says, once, whoever asks.

Called from the webhook and from the success page, possibly at the same moment in two
workers. Every move is a conditional UPDATE (see `move_order`), so exactly one caller
performs each step and its side effects; the others see it done and do nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shop.cart.services import clear_cart
from shop.checkout.gateway import SessionState, StripeGateway
from shop.db import utcnow
from shop.mail import notices
from shop.money import format_money
from shop.orders.models import Order, OrderStatus
from shop.orders.services import (
    PAID_STATUSES,
    commit_order_stock,
    move_order,
    order_by_checkout_session,
    record_event,
    release_order_stock,
)

S = OrderStatus


def fulfil_checkout(session: Session, gateway: StripeGateway, session_id: str) -> Order | None:
    """Read the Checkout Session from Stripe and move its order forward if it was paid."""
    order = order_by_checkout_session(session, session_id)
    if order is None:
        return None
    if order.status in PAID_STATUSES:
        return order  # nothing left to learn from Stripe
    return apply_session_state(session, order, gateway.checkout_state(session_id))


def apply_session_state(session: Session, order: Order, state: SessionState) -> Order:
    """Bring the order in line with a Checkout Session's state; never backwards."""
    if state.status == "expired":
        expire_order(session, order)
    elif state.status == "complete" and state.payment_status in ("paid", "no_payment_required"):
        _mark_paid(session, order, state)
    elif state.status == "complete":
        _mark_processing(session, order, state)
    return order


def mismatch(order: Order, state: SessionState) -> str | None:
    """Why Stripe's amounts cannot be trusted for this order, or None if they agree."""
    if state.currency != order.currency:
        return f"Stripe charged in {state.currency}, the order is in {order.currency}."
    if state.amount_subtotal != order.subtotal_amount:
        charged = format_money(state.amount_subtotal, order.currency)
        expected = format_money(order.subtotal_amount, order.currency)
        return f"Stripe's subtotal {charged} differs from the order's {expected}."
    expected_total = (
        state.amount_subtotal - state.amount_discount + state.amount_shipping + state.amount_tax
    )
    if state.amount_total != expected_total:
        return "Stripe's total does not add up from subtotal, discount, shipping and tax."
    return None


def _payment_details(state: SessionState) -> dict[str, Any]:
    return {
        "email": state.email,
        "shipping_name": state.shipping_name,
        "shipping_address": state.shipping_address,
        "shipping_amount": state.amount_shipping,
        "discount_amount": state.amount_discount,
        "tax_amount": state.amount_tax,
        "total_amount": state.amount_total,
        "stripe_payment_intent_id": state.payment_intent_id,
    }


def _mark_paid(session: Session, order: Order, state: SessionState) -> None:
    problem = mismatch(order, state)
    late = order.status in (S.CANCELLED, S.EXPIRED)
    if late and not problem:
        problem = f"Paid after the order was {order.status.value}; check stock before shipping."
    target = S.NEEDS_REVIEW if problem else S.PAID
    values = _payment_details(state) | {"paid_at": utcnow(), "review_reason": problem}
    if problem:
        # Keep our own amounts when Stripe's disagree; the operator sees both in the timeline.
        values = {k: v for k, v in values.items() if not k.endswith("_amount")}
    if not move_order(session, order, target, **values):
        return  # another worker got here first, or the order is already further along
    paid = format_money(state.amount_total, state.currency or order.currency)
    record_event(
        order,
        "payment_received",
        f"Payment of {paid} received.",
        public=True,
        data={"session": state.id, "payment_intent": state.payment_intent_id},
    )
    if problem:
        record_event(order, "needs_review", problem, data={"stripe_total": state.amount_total})
    if not commit_order_stock(session, order):
        reason = "Paid after stock ran out; restock or refund."
        if order.status is S.PAID:
            move_order(session, order, S.NEEDS_REVIEW, review_reason=reason)
        record_event(order, "needs_review", reason)
    if order.cart_token:
        clear_cart(session, order.cart_token)
    notices.order_paid(session, order)  # confirmation, and a new-order or review alert
    session.flush()


def _mark_processing(session: Session, order: Order, state: SessionState) -> None:
    values = _payment_details(state)
    values = {k: v for k, v in values.items() if not k.endswith("_amount")}
    if not move_order(session, order, S.PAYMENT_PROCESSING, **values):
        return
    record_event(
        order,
        "payment_processing",
        "Order placed; the payment is still being processed by the bank.",
        public=True,
    )
    if order.cart_token:
        clear_cart(session, order.cart_token)
    session.flush()


def fail_payment(session: Session, order: Order) -> None:
    """A delayed payment failed: cancel the unpaid order and give its stock back."""
    # Only an unpaid order can fail; a paid one never moves back.
    if not move_order(
        session, order, S.CANCELLED, only_from=(S.PENDING_PAYMENT, S.PAYMENT_PROCESSING)
    ):
        return
    release_order_stock(session, order)
    record_event(
        order, "payment_failed", "The payment failed, so the order was cancelled.", public=True
    )
    notices.payment_failed(session, order)
    session.flush()


def expire_order(session: Session, order: Order) -> None:
    """The checkout ran out unpaid: mark the order expired and give its stock back."""
    if not move_order(session, order, S.EXPIRED):
        return
    release_order_stock(session, order)
    record_event(order, "checkout_expired", "Checkout expired without payment; stock released.")
    session.flush()
