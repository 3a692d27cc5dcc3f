"""After paying: the success page and the webhook each fulfil the order, exactly once."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from shop.cart.models import CartItem
from shop.orders.models import OrderEvent, OrderStatus, StockHold
from tests.checkout.conftest import wait_until


def paid_events(shopper, order) -> int:
    shopper.db.expire_all()
    return shopper.db.scalar(
        sa.select(sa.func.count())
        .select_from(OrderEvent)
        .where(OrderEvent.order_id == order.id, OrderEvent.kind == "payment_received")
    )


def test_success_page_alone_fulfils_the_order_from_stripe(shopper, stripe):
    shopper.add("BMX-PRO-SND", 2)
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id, email="ana@example.com", shipping_option=0)
    page = shopper.client.get(f"/checkout/success?session_id={session_id}")
    html = page.get_data(as_text=True)
    order = shopper.order(session_id)
    assert page.status_code == 200
    assert "Thank you for your order" in html and order.number in html
    assert order.status is OrderStatus.PAID and order.email == "ana@example.com"
    assert order.stock_hold is StockHold.COMMITTED
    assert order.shipping_address["country"] in ("US", "CA")
    sand = shopper.variant("BMX-PRO-SND")
    shopper.db.refresh(sand)
    assert (sand.stock_on_hand, sand.stock_reserved) == (2, 0)
    assert shopper.db.scalar(sa.select(sa.func.count()).select_from(CartItem)) == 0
    assert f'/orders/{order.access_token}"' in html


def test_webhook_alone_fulfils_when_the_shopper_closed_the_tab(shopper, stripe, live):
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id)
    order = wait_until(
        lambda: (o := shopper.order(session_id)).status is OrderStatus.PAID and o,
        what="the webhook to mark the order paid",
    )
    assert paid_events(shopper, order) == 1


def test_webhook_and_success_page_racing_fulfil_once(shopper, stripe, live):
    shopper.add("BMX-PRO-GRF", 2)
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id)
    responses = []
    threads = [
        threading.Thread(
            target=lambda: responses.append(
                shopper.client.application.test_client().get(
                    f"/checkout/success?session_id={session_id}"
                )
            )
        )
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stripe.wait_for_deliveries(1, event_type="checkout.session.completed", ok=True)
    order = shopper.order(session_id)
    assert all(r.status_code == 200 for r in responses)
    assert order.status is OrderStatus.PAID
    assert paid_events(shopper, order) == 1
    graphite = shopper.variant("BMX-PRO-GRF")
    shopper.db.refresh(graphite)
    assert (graphite.stock_on_hand, graphite.stock_reserved) == (38, 0)


def test_delayed_payment_waits_then_succeeds(shopper, stripe, live):
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id, outcome="delayed_success")
    html = shopper.client.get(f"/checkout/success?session_id={session_id}").get_data(as_text=True)
    assert "Your order is placed" in html and "Payment processing" in html
    order = shopper.order(session_id)
    assert order.status is OrderStatus.PAYMENT_PROCESSING
    assert order.stock_hold is StockHold.RESERVED
    stripe.settle(session_id)
    wait_until(lambda: shopper.order(session_id).status is OrderStatus.PAID, what="settlement")
    assert shopper.order(session_id).stock_hold is StockHold.COMMITTED


def test_delayed_payment_that_fails_cancels_and_releases_stock(shopper, stripe, live):
    shopper.add("BMX-PRO-SND", 2)
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id, outcome="delayed_failure")
    wait_until(
        lambda: shopper.order(session_id).status is OrderStatus.PAYMENT_PROCESSING,
        what="the completed webhook",
    )
    stripe.settle(session_id)
    wait_until(lambda: shopper.order(session_id).status is OrderStatus.CANCELLED, what="failure")
    sand = shopper.variant("BMX-PRO-SND")
    shopper.db.refresh(sand)
    assert (sand.stock_on_hand, sand.stock_reserved) == (4, 0)


def test_expired_checkout_releases_the_stock(shopper, stripe, live):
    shopper.add("BMX-PRO-SND", 3)
    session_id = shopper.checkout_session_id()
    stripe.expire_now(session_id)
    wait_until(lambda: shopper.order(session_id).status is OrderStatus.EXPIRED, what="expiry")
    sand = shopper.variant("BMX-PRO-SND")
    shopper.db.refresh(sand)
    assert sand.stock_reserved == 0


def test_a_declined_card_leaves_the_order_waiting(shopper, stripe, live):
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    result = stripe.pay(session_id, outcome="declined")
    assert result["error"]
    html = shopper.client.get(f"/checkout/success?session_id={session_id}").get_data(as_text=True)
    assert "We're confirming your payment" in html
    assert shopper.order(session_id).status is OrderStatus.PENDING_PAYMENT


def test_amount_mismatch_is_flagged_for_review_not_fulfilled(shopper, stripe):
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    order = shopper.order(session_id)
    order.subtotal_amount = 100  # as if our record and Stripe's charge disagreed
    order.total_amount = 100
    shopper.db.commit()
    stripe.pay(session_id)
    shopper.client.get(f"/checkout/success?session_id={session_id}")
    order = shopper.order(session_id)
    assert order.status is OrderStatus.NEEDS_REVIEW
    assert "subtotal" in order.review_reason
    assert order.total_amount == 100  # Stripe's amounts were not copied over ours


def test_success_page_with_a_malformed_or_unknown_session(shopper):
    assert shopper.client.get("/checkout/success").status_code == 400
    assert shopper.client.get("/checkout/success?session_id=<script>").status_code == 400
    assert shopper.client.get("/checkout/success?session_id=cs_test_nope").status_code == 404


def test_success_page_when_stripe_is_unreachable_still_shows_the_order(shopper, stripe):
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id)
    stripe.add_fault(kind="api_error", path_prefix="/v1/checkout/sessions", status=500, times=3)
    page = shopper.client.get(f"/checkout/success?session_id={session_id}")
    assert page.status_code == 200
    assert "couldn't reach our payment provider" in page.get_data(as_text=True)


def test_cancelling_on_stripe_returns_to_the_cart_as_it_was(shopper, stripe):
    shopper.add("BMX-PRO-HEAT", 2)
    shopper.checkout_session_id()
    response = shopper.client.get("/checkout/cancelled")
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart")
    html = shopper.client.get("/cart").get_data(as_text=True)
    assert "Checkout cancelled" in html and "BMX-PRO-HEAT" in html
