"""Pressing "Checkout": a pending order, held stock and a 303 to Stripe's page."""

from __future__ import annotations

import sqlalchemy as sa

from shop.orders.models import Order, OrderStatus, StockHold


def test_checkout_holds_stock_and_sends_the_shopper_to_stripe(shopper, stripe):
    shopper.add("BMX-PRO-SND", 2)
    response = shopper.checkout()
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"{stripe.url}/c/pay/cs_test_")
    session_id = response.headers["Location"].rsplit("/", 1)[1]
    order = shopper.order(session_id)
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert order.stock_hold is StockHold.RESERVED
    assert (order.subtotal_amount, order.currency) == (25800, "USD")
    assert [(line.sku, line.quantity, line.unit_amount) for line in order.lines] == [
        ("BMX-PRO-SND", 2, 12900)
    ]
    sand = shopper.variant("BMX-PRO-SND")
    shopper.db.refresh(sand)
    assert (sand.stock_on_hand, sand.stock_reserved, sand.available) == (4, 2, 2)


def test_the_session_is_priced_from_the_database_not_the_form(shopper, stripe):
    shopper.add("BMX-PRO-HEAT", 1, price="1", amount="1", unit_amount="1", currency="jpy")
    session_id = shopper.checkout_session_id()
    session = next(e for e in [stripe.store.session(session_id).obj])
    assert (session["amount_subtotal"], session["currency"]) == (14900, "usd")
    assert session["metadata"]["order_number"] == shopper.order(session_id).number
    assert session["client_reference_id"] == str(shopper.order(session_id).id)
    assert session["shipping_address_collection"]["allowed_countries"] == ["US", "CA"]
    # Over the free-shipping threshold: standard is free, express is charged.
    assert sorted(o["shipping_amount"] for o in session["shipping_options"]) == [0, 1495]


def test_checkout_sets_an_expiry_of_at_least_thirty_minutes(shopper, stripe):
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    obj = stripe.store.session(session_id).obj
    assert obj["expires_at"] - obj["created"] >= 30 * 60


def test_exactly_one_stripe_call_per_click_and_a_double_click_reuses_it(shopper, stripe):
    shopper.add("BMX-PRO-GRF")
    first = shopper.checkout()
    second = shopper.checkout()
    assert first.headers["Location"] == second.headers["Location"]
    assert len(stripe.store.sessions) == 1
    assert shopper.db.scalar(sa.select(sa.func.count()).select_from(Order)) == 1


def test_empty_cart_cannot_check_out(shopper, stripe):
    response = shopper.checkout()
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart")
    page = shopper.client.get("/cart").get_data(as_text=True)
    assert "Your cart is empty" in page
    assert shopper.db.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
    assert len(stripe.store.sessions) == 0


def _assert_nothing_held(shopper, sku: str, on_hand: int) -> None:
    variant = shopper.variant(sku)
    shopper.db.refresh(variant)
    assert (variant.stock_on_hand, variant.stock_reserved) == (on_hand, 0)


def test_stripe_down_leaves_the_cart_intact_and_nothing_held(shopper, stripe):
    shopper.add("BMX-PRO-SND", 1)
    stripe.add_fault(kind="api_error", path_prefix="/v1/checkout/sessions", status=500, times=5)
    response = shopper.checkout()
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart")
    page = shopper.client.get("/cart").get_data(as_text=True)
    assert "please try again" in page.lower()
    assert "BMX-PRO-SND" in page
    _assert_nothing_held(shopper, "BMX-PRO-SND", 4)
    order = shopper.db.scalar(sa.select(Order))
    assert order.status is OrderStatus.CANCELLED and order.stock_hold is StockHold.RELEASED


def test_stripe_too_slow_times_out_with_a_clear_message(shopper, stripe):
    shopper.add("BMX-PRO-GRF", 1)
    stripe.add_fault(kind="api_delay", seconds=5, path_prefix="/v1/checkout/sessions", times=1)
    response = shopper.checkout()
    assert response.headers["Location"].endswith("/cart")
    page = shopper.client.get("/cart").get_data(as_text=True)
    assert "reach our payment provider" in page
    _assert_nothing_held(shopper, "BMX-PRO-GRF", 40)


def test_checkout_refuses_when_stock_ran_out_since_the_cart_was_filled(shopper, stripe):
    shopper.add("BMX-PRO-SND", 3)
    sand = shopper.variant("BMX-PRO-SND")
    sand.stock_on_hand = 2
    shopper.db.commit()
    response = shopper.checkout()
    assert response.headers["Location"].endswith("/cart")
    assert shopper.db.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
    assert len(stripe.store.sessions) == 0


def test_checkout_without_csrf_token_is_refused(shopper, stripe):
    shopper.add("BMX-PRO-GRF")
    response = shopper.client.post("/checkout")
    assert response.status_code == 400
    assert len(stripe.store.sessions) == 0


def test_checkout_is_post_only(shopper):
    assert shopper.client.get("/checkout").status_code == 405
