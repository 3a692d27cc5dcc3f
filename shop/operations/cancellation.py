"""Calling off an unpaid order: end its Stripe checkout first, then give the stock back."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shop.accounts.models import StaffUser
from shop.accounts.services import audit
from shop.checkout.gateway import PaymentError, StripeGateway
from shop.operations.inputs import OperationsError
from shop.orders.models import Order, OrderStatus
from shop.orders.services import move_order, record_event, release_order_stock

S = OrderStatus

ALREADY_PAID = (
    "Stripe says this checkout was already completed, so the order can't be cancelled. "
    "Refresh in a moment: the payment will show up, and then you can refund it."
)


def _expire_at_stripe(gateway: StripeGateway, order: Order) -> None:
    if not order.stripe_session_id:
        return  # the checkout never reached Stripe
    try:
        state = gateway.expire_checkout(order.stripe_session_id, f"cancel-{order.number}")
    except PaymentError:
        # Stripe refuses to expire a session that is not open: find out why.
        state = gateway.checkout_state(order.stripe_session_id)
    if state.status == "complete":
        raise OperationsError(ALREADY_PAID, 409)
    if state.status != "expired":
        raise OperationsError("Stripe did not end the checkout; try again in a moment.", 502)


def cancel_order(session: Session, gateway: StripeGateway, order: Order, actor: StaffUser) -> None:
    """Cancel an order waiting for payment, so it can no longer be paid, and release stock."""
    if order.status is not S.PENDING_PAYMENT:
        raise OperationsError(
            "Only an order waiting for payment can be cancelled; this one is "
            f"{order.status.value.replace('_', ' ')}. Paid orders are refunded instead."
        )
    _expire_at_stripe(gateway, order)
    if not move_order(session, order, S.CANCELLED, only_from=(S.PENDING_PAYMENT,)):
        raise OperationsError(
            f"The order changed meanwhile (now {order.status.value.replace('_', ' ')}); reload it.",
            409,
        )
    released = release_order_stock(session, order)
    record_event(
        order,
        "cancelled",
        "Cancelled by the shop before payment; nothing was charged.",
        public=True,
        actor=actor.email,
    )
    audit(
        session,
        actor,
        "order.cancel",
        order.number,
        before={"status": S.PENDING_PAYMENT.value},
        after={"status": order.status.value, "stock_released": released},
    )
