"""Internal notes on an order, and closing a review, both kept in the order's timeline."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shop.accounts.models import StaffUser
from shop.accounts.services import audit
from shop.operations.inputs import OperationsError
from shop.orders.models import Order, OrderEvent, OrderStatus
from shop.orders.services import move_order, record_event


def add_note(session: Session, order: Order, text: str, actor: StaffUser) -> OrderEvent:
    """A note only staff see (the shopper's page shows public events only)."""
    event = record_event(order, "note", text, public=False, actor=actor.email)
    session.flush()
    audit(session, actor, "order.note", order.number, after={"event": event.id})
    return event


def resolve_review(session: Session, order: Order, text: str, actor: StaffUser) -> None:
    """An operator checked a flagged order and found it fine: it becomes a paid order."""
    if order.status is not OrderStatus.NEEDS_REVIEW:
        raise OperationsError("This order is not waiting for review.")
    reason = order.review_reason
    if not move_order(
        session, order, OrderStatus.PAID, only_from=(OrderStatus.NEEDS_REVIEW,), review_reason=None
    ):
        raise OperationsError("The order changed meanwhile; reload it.", 409)
    record_event(order, "reviewed", f"Reviewed and cleared: {text}"[:500], actor=actor.email)
    session.flush()
    audit(
        session,
        actor,
        "order.review",
        order.number,
        before={"status": "needs_review", "reason": reason},
        after={"status": order.status.value, "note": text},
    )
