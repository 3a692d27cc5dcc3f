"""Which emails each order change owes, and the cause key that makes each one happen once.

Called by the services that make the change, in their transaction; nothing here sends.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shop.mail.models import EmailKind
from shop.mail.outbox import enqueue
from shop.orders.models import Order, OrderStatus, Refund

K = EmailKind


def _to_shopper(
    session: Session, cause_key: str, kind: EmailKind, order: Order, **data: Any
) -> int | None:
    return enqueue(session, cause_key, kind, to=order.email or "", order_id=order.id, data=data)


def _to_staff(
    session: Session, cause_key: str, kind: EmailKind, order: Order, **data: Any
) -> int | None:
    return enqueue(session, cause_key, kind, to=None, order_id=order.id, data=data)


def order_paid(session: Session, order: Order) -> None:
    """Payment received: a confirmation for the shopper, an alert for staff.

    An order that went to review gets the needs-review alert instead of the new-order one;
    the shopper paid either way, so they are told either way.
    """
    _to_shopper(session, f"order-paid:{order.id}", K.ORDER_CONFIRMATION, order)
    if order.status is OrderStatus.NEEDS_REVIEW:
        reason = order.review_reason or ""
        _to_staff(session, f"needs-review:{order.id}", K.NEEDS_REVIEW_ALERT, order, reason=reason)
    else:
        _to_staff(session, f"new-order:{order.id}", K.NEW_ORDER_ALERT, order)


def payment_failed(session: Session, order: Order) -> None:
    """A delayed payment failed and the order was cancelled."""
    _to_shopper(session, f"payment-failed:{order.id}", K.PAYMENT_FAILED, order)


def shipment_sent(session: Session, order: Order, shipment_id: int) -> None:
    """One parcel left: one email per shipment."""
    _to_shopper(
        session, f"shipment:{shipment_id}", K.SHIPPING_NOTICE, order, shipment_id=shipment_id
    )


def refund_succeeded(session: Session, order: Order, refund: Refund) -> None:
    """Money went back: one email per Stripe refund, whoever started it."""
    if refund.status != "succeeded":
        return  # pending refunds are told about when Stripe says they went through
    _to_shopper(
        session,
        f"refund:{refund.stripe_refund_id}",
        K.REFUND_NOTICE,
        order,
        refund=refund.stripe_refund_id,
        amount=refund.amount,
    )
