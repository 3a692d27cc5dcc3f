"""Cancelling unpaid orders at Stripe and here; notes and reviews in the timeline."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.accounts.models import AuditEntry
from shop.catalog.models import Variant
from shop.operations.cancellation import cancel_order
from shop.operations.inputs import OperationsError
from shop.operations.notes import add_note, resolve_review
from shop.orders.models import OrderStatus, StockHold
from tests.operations.conftest import reload


def sand(db) -> Variant:
    variant = db.scalar(sa.select(Variant).where(Variant.sku == "BMX-PRO-SND"))
    db.refresh(variant)
    return variant


def test_cancelling_an_unpaid_order_expires_the_checkout_and_releases_stock(
    pending_order, gateway, operator, seeded, stripe
):
    order = pending_order(("BMX-PRO-SND", 3))
    assert sand(seeded).stock_reserved == 3
    cancel_order(seeded, gateway, order, operator)
    seeded.commit()
    order = reload(seeded, order)
    assert (order.status, order.stock_hold) == (OrderStatus.CANCELLED, StockHold.RELEASED)
    assert sand(seeded).stock_reserved == 0
    assert stripe.store.session(order.stripe_session_id).obj["status"] == "expired"
    assert any(e.kind == "cancelled" and e.public for e in order.events)
    assert seeded.scalar(sa.select(AuditEntry.action).where(AuditEntry.target == order.number))


def test_an_order_already_paid_at_stripe_is_not_cancelled(
    pending_order, gateway, operator, seeded, stripe
):
    order = pending_order(("BMX-PRO-SND", 1))
    stripe.pay(order.stripe_session_id)  # the webhook hasn't told us yet
    with pytest.raises(OperationsError, match=r"already completed.*Refresh"):
        cancel_order(seeded, gateway, order, operator)
    seeded.rollback()
    order = reload(seeded, order)
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert sand(seeded).stock_reserved == 1


def test_paid_orders_are_refunded_not_cancelled(paid_order, gateway, operator, seeded):
    order = paid_order(("BMX-PRO-GRF", 1))
    with pytest.raises(OperationsError, match="refunded instead"):
        cancel_order(seeded, gateway, order, operator)


def test_notes_are_internal_and_signed(paid_order, operator, seeded):
    order = paid_order(("BMX-PRO-GRF", 1))
    event = add_note(seeded, order, "Customer called about the colour.", operator)
    seeded.commit()
    assert (event.kind, event.public, event.actor) == ("note", False, "ops@balmorex.example")


def test_clearing_a_review_makes_the_order_shippable(paid_order, operator, seeded):
    order = paid_order(("BMX-PRO-GRF", 1))
    order.status, order.review_reason = OrderStatus.NEEDS_REVIEW, "Totals differ."
    seeded.commit()
    resolve_review(seeded, order, "Checked the charge in Stripe: correct.", operator)
    seeded.commit()
    order = reload(seeded, order)
    assert (order.status, order.review_reason) == (OrderStatus.PAID, None)
    with pytest.raises(OperationsError, match="not waiting for review"):
        resolve_review(seeded, order, "again", operator)
