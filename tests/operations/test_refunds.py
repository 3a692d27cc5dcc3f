"""Refunds through Stripe: once per form, never more than was paid, stock back on request."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shop.catalog.models import Variant
from shop.checkout.gateway import PaymentError
from shop.inventory.models import StockMovement
from shop.operations.inputs import OperationsError, parse_reason
from shop.operations.models import RefundRequest
from shop.operations.refunds import DuplicateRefund, RefundOrder, refund_order
from shop.orders.models import Order, OrderStatus, Refund
from tests.checkout.conftest import wait_until
from tests.operations.conftest import reload

NONCE = "n" * 24


def ask(amount: int, nonce: str = NONCE, restock: dict[int, int] | None = None) -> RefundOrder:
    return RefundOrder(nonce, amount, parse_reason("requested_by_customer", ""), restock or {})


def refund_count(db, order) -> int:
    return db.scalar(sa.select(sa.func.count()).where(Refund.order_id == order.id))


def test_partial_then_full_refund(paid_order, gateway, operator, seeded, stripe):
    db = seeded
    order = paid_order(("BMX-PRO-SND", 2))  # $258.00, free shipping
    refund_order(db, gateway, order, ask(2000, "a" * 20), operator)
    db.commit()
    order = reload(db, order)
    assert (order.status, order.refunded_amount) == (OrderStatus.PARTIALLY_REFUNDED, 2000)
    assert any(e.kind == "refund" and e.public and "$20.00" in e.message for e in order.events)
    assert any(e.kind == "refund_note" and not e.public for e in order.events)

    refund_order(db, gateway, order, ask(order.total_amount - 2000, "b" * 20), operator)
    db.commit()
    order = reload(db, order)
    assert (order.status, order.refunded_amount) == (OrderStatus.REFUNDED, order.total_amount)
    assert len(stripe.store.refunds) == 2 and refund_count(db, order) == 2


def test_more_than_what_is_left_is_refused_before_stripe(
    paid_order, gateway, operator, seeded, stripe
):
    order = paid_order(("BMX-PRO-GRF", 1))
    with pytest.raises(OperationsError, match=r"\$129.01 is more than the \$129.00 left"):
        refund_order(seeded, gateway, order, ask(order.total_amount + 1), operator)
    assert stripe.store.refunds == {}


def test_an_unpaid_order_cannot_be_refunded(pending_order, gateway, operator, seeded, stripe):
    order = pending_order(("BMX-PRO-GRF", 1))
    with pytest.raises(OperationsError, match="pending payment has no payment to refund"):
        refund_order(seeded, gateway, order, ask(100), operator)
    assert stripe.store.refunds == {}


def test_the_same_form_submitted_twice_refunds_once(paid_order, gateway, operator, seeded, stripe):
    order = paid_order(("BMX-PRO-GRF", 1))
    refund_order(seeded, gateway, order, ask(1000), operator)
    seeded.commit()
    with pytest.raises(DuplicateRefund, match="already made"):
        refund_order(seeded, gateway, reload(seeded, order), ask(1000), operator)
    seeded.rollback()
    assert len(stripe.store.refunds) == 1 and refund_count(seeded, order) == 1
    assert reload(seeded, order).refunded_amount == 1000


def test_two_workers_submitting_the_same_form_refund_once(
    app, paid_order, gateway, operator, seeded, stripe
):
    order = paid_order(("BMX-PRO-GRF", 1))
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        with app.extensions["db_sessionmaker"]() as session:
            mine = session.get(Order, order.id)
            start.wait()
            try:
                refund_order(session, gateway, mine, ask(1500), operator)
                session.commit()
                outcomes.append("refunded")
            except (DuplicateRefund, IntegrityError):
                session.rollback()
                outcomes.append("duplicate")

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["duplicate", "refunded"]
    assert len(stripe.store.refunds) == 1
    assert refund_count(seeded, order) == 1
    assert reload(seeded, order).refunded_amount == 1500


def test_stripe_down_records_nothing(paid_order, gateway, operator, seeded, stripe):
    order = paid_order(("BMX-PRO-GRF", 1))
    stripe.add_fault(kind="api_error", status=500, path_prefix="/v1/refunds", method="POST")
    with pytest.raises(PaymentError):
        refund_order(seeded, gateway, order, ask(1000), operator)
    seeded.rollback()
    order = reload(seeded, order)
    assert (order.status, order.refunded_amount) == (OrderStatus.PAID, 0)
    assert refund_count(seeded, order) == 0
    assert seeded.scalar(sa.select(sa.func.count()).select_from(RefundRequest)) == 0


def test_an_answer_lost_after_stripe_refunded_is_safe_to_retry(
    paid_order, gateway, operator, seeded, stripe
):
    order = paid_order(("BMX-PRO-GRF", 1))
    stripe.add_fault(kind="api_error", status=500, path_prefix="/v1/refunds", phase="after")
    with pytest.raises(PaymentError):
        refund_order(seeded, gateway, order, ask(1000), operator)
    seeded.rollback()
    refund_order(seeded, gateway, reload(seeded, order), ask(1000), operator)  # same form
    seeded.commit()
    assert len(stripe.store.refunds) == 1
    assert reload(seeded, order).refunded_amount == 1000


def test_stripe_refusing_is_passed_on_with_its_reason(
    paid_order, gateway, operator, seeded, stripe
):
    order = paid_order(("BMX-PRO-GRF", 1))
    stripe.dashboard_refund(order.stripe_payment_intent_id, 12000)  # webhook not delivered
    with pytest.raises(PaymentError) as refused:
        refund_order(seeded, gateway, order, ask(5000), operator)
    assert "greater than unrefunded amount" in (refused.value.detail or "")


def test_restock_puts_refunded_units_back_on_the_shelf(
    paid_order, gateway, operator, seeded, stripe
):
    order = paid_order(("BMX-PRO-SND", 2))
    sand = seeded.scalar(sa.select(Variant).where(Variant.sku == "BMX-PRO-SND"))
    assert sand.stock_on_hand == 2
    line = order.lines[0]
    refund_order(seeded, gateway, order, ask(12900, restock={line.id: 1}), operator)
    seeded.commit()
    seeded.refresh(sand)
    assert sand.stock_on_hand == 3
    movements = seeded.scalars(sa.select(StockMovement).where(StockMovement.variant_id == sand.id))
    assert [(m.delta, m.reason, m.staff_email, m.on_hand_after) for m in movements] == [
        (1, f"Restocked by refund of {order.number}", operator.email, 3)
    ]
    with pytest.raises(OperationsError, match="Only 1 of BMX-PRO-SND can go back to stock"):
        refund_order(
            seeded, gateway, reload(seeded, order), ask(100, "c" * 20, {line.id: 2}), operator
        )
    seeded.rollback()
    seeded.refresh(sand)
    assert sand.stock_on_hand == 3


def test_a_refund_made_in_stripes_dashboard_reaches_the_timeline(paid_order, seeded, stripe, live):
    order = paid_order(("BMX-PRO-GRF", 1))
    stripe.dashboard_refund(order.stripe_payment_intent_id, 2500)
    refunded = wait_until(
        lambda: (o := reload(seeded, order)).refunded_amount == 2500 and o,
        what="the refund webhook",
    )
    assert refunded.status is OrderStatus.PARTIALLY_REFUNDED
    assert any(e.kind == "refund" and "$25.00" in e.message for e in refunded.events)
