"""Stripe webhook events: recorded once, then turned into order changes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.checkout.fulfilment import expire_order, fail_payment, fulfil_checkout
from shop.checkout.gateway import RefundState, StripeGateway, WebhookEvent
from shop.mail import notices
from shop.money import format_money
from shop.orders.models import Order, OrderStatus, Refund, StripeEvent
from shop.orders.services import move_order, order_by_checkout_session, record_event

FULFIL_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
REFUND_EVENTS = {"refund.created", "refund.updated", "refund.failed"}


def record_stripe_event(session: Session, event: WebhookEvent) -> bool:
    """Store the event id; False if it was already stored (a repeated delivery).

    On PostgreSQL a second worker inserting the same id waits for the first to commit and
    then fails on the primary key, so only one of them ever handles the event.
    """
    exists = session.get(StripeEvent, event.id)
    if exists is not None:
        return False
    session.add(StripeEvent(id=event.id, type=event.type, object_id=event.object_id))
    session.flush()
    return True


def handle_event(session: Session, gateway: StripeGateway, event: WebhookEvent) -> str:
    """Apply one verified event; returns a short outcome for the event log."""
    if event.type in FULFIL_EVENTS and event.object_id:
        order = fulfil_checkout(session, gateway, event.object_id)
        return f"order {order.number}: {order.status.value}" if order else "no matching order"
    if event.type in ("checkout.session.async_payment_failed", "checkout.session.expired"):
        order = order_by_checkout_session(session, event.object_id or "")
        if order is None:
            return "no matching order"
        if event.type.endswith("expired"):
            expire_order(session, order)
        else:
            fail_payment(session, order)
        return f"order {order.number}: {order.status.value}"
    if event.type == "charge.refunded":
        intent = event.data.get("payment_intent")
        if not isinstance(intent, str):
            return "charge without payment intent"
        return sync_refunds(session, intent, gateway.refunds_for(intent))
    if event.type in REFUND_EVENTS:
        refund = RefundState(
            id=str(event.data.get("id")),
            amount=int(event.data.get("amount") or 0),
            status=str(event.data.get("status") or ""),
            payment_intent_id=event.data.get("payment_intent"),
            reason=event.data.get("reason"),
        )
        if not refund.payment_intent_id:
            return "refund without payment intent"
        return sync_refunds(session, refund.payment_intent_id, [refund])
    return "ignored"


def sync_refunds(session: Session, payment_intent_id: str, refunds: list[RefundState]) -> str:
    """Record refunds made here or in Stripe's dashboard and update the order's totals."""
    order = session.scalar(
        sa.select(Order).where(Order.stripe_payment_intent_id == payment_intent_id)
    )
    if order is None:
        return "no order for payment intent"
    known = {r.stripe_refund_id: r for r in order.refunds}
    for refund in refunds:
        if refund.amount <= 0:
            continue
        row = known.get(refund.id)
        if row is None:
            row = Refund(
                stripe_refund_id=refund.id,
                amount=refund.amount,
                status=refund.status,
                reason=refund.reason,
            )
            order.refunds.append(row)
            known[refund.id] = row
            amount = format_money(refund.amount, order.currency)
            record_event(
                order,
                "refund",
                f"Refund of {amount} ({refund.status}).",
                public=True,
                data={"refund": refund.id},
            )
        else:
            row.status = refund.status
        notices.refund_succeeded(session, order, row)  # once per refund id, when it succeeded
    session.flush()
    refunded = min(
        sum(r.amount for r in order.refunds if r.status == "succeeded"), order.total_amount
    )
    if refunded > order.refunded_amount:
        target = (
            OrderStatus.REFUNDED
            if refunded >= order.total_amount
            else OrderStatus.PARTIALLY_REFUNDED
        )
        if not move_order(session, order, target, refunded_amount=refunded):
            order.refunded_amount = refunded
        session.flush()
    return f"order {order.number}: refunded {order.refunded_amount}"
