"""Stock can't be oversold; a shopper sees only their own order; keys are checked."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from shop.catalog.models import Variant
from shop.catalog.stock import reserve_stock
from shop.checkout.setup import check_stripe_key
from shop.config import ConfigError
from shop.orders.models import OrderStatus


def test_more_buyers_than_stock_never_oversell(app, make_product):
    product = make_product(variants=[("Last few", 1000, 5)])
    variant_id = product.variants[0].id
    factory = sessionmaker(app.extensions["db_engine"])
    barrier = threading.Barrier(12)
    wins: list[bool] = []
    lock = threading.Lock()

    def buyer() -> None:
        with factory() as session:
            barrier.wait()
            for _attempt in range(20):
                try:
                    won = reserve_stock(session, variant_id, 1)
                    session.commit()
                    break
                except sa.exc.OperationalError:  # SQLite: database busy, try again
                    session.rollback()
            else:
                won = False
            with lock:
                wins.append(won)

    threads = [threading.Thread(target=buyer) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with factory() as session:
        variant = session.get(Variant, variant_id)
        assert (variant.stock_on_hand, variant.stock_reserved) == (5, 5)
    assert wins.count(True) == 5


def test_concurrent_checkouts_for_the_last_units(shopper, stripe, app):
    from tests.checkout.conftest import Shopper

    shoppers = [Shopper(app.test_client(), shopper.db) for _ in range(6)]
    for each in shoppers:
        each.add("BMX-PRO-SND", 1)  # 4 in stock, 6 carts
    results: list[str] = []
    barrier = threading.Barrier(len(shoppers))

    def go(each: Shopper) -> None:
        token = each.token()
        barrier.wait()
        response = each.client.post("/checkout", data={"csrf_token": token})
        location = response.headers["Location"]
        if location.endswith("/cart"):
            page = each.client.get("/cart").get_data(as_text=True)
            location += " " + (re.search(r'role="alert"[^>]*>(.*?)<', page, re.S) or [None, "?"])[1]
        results.append(location)

    threads = [threading.Thread(target=go, args=(s,)) for s in shoppers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    to_stripe = [r for r in results if "/c/pay/" in r]
    assert len(to_stripe) == 4, results
    assert len([r for r in results if "sold out" in r]) == 2, results
    sand = shopper.variant("BMX-PRO-SND")
    shopper.db.refresh(sand)
    assert sand.stock_reserved == 4 and sand.available == 0


def test_the_order_page_shows_status_to_its_token_holder_only(shopper, stripe):
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id)
    shopper.client.get(f"/checkout/success?session_id={session_id}")
    order = shopper.order(session_id)
    assert order.status is OrderStatus.PAID
    page = shopper.client.get(f"/orders/{order.access_token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert order.number in html and "Paid" in html and "BMX-PRO-GRF" in html
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert shopper.client.get(f"/orders/{order.access_token[:-1]}x").status_code == 404
    assert shopper.client.get(f"/orders/{order.number}").status_code == 404
    assert shopper.client.get("/orders/" + "a" * 300).status_code == 404


@pytest.mark.parametrize("key", ["sk_test_abc", "rk_test_abc"])
def test_test_keys_are_accepted(key):
    check_stripe_key(key, allow_live=False)


@pytest.mark.parametrize("key", ["sk_live_abc", "rk_live_abc", "pk_test_abc", "nonsense"])
def test_live_and_malformed_keys_refuse_to_start(key):
    with pytest.raises(ConfigError):
        check_stripe_key(key, allow_live=False)


def test_live_keys_start_only_when_explicitly_allowed():
    check_stripe_key("sk_live_abc", allow_live=True)


def test_the_app_refuses_a_live_key_at_start_up(database_url):
    from tests.conftest import build_test_app

    with pytest.raises(ConfigError, match="live key"):
        build_test_app(database_url, STRIPE_SECRET_KEY="sk_live_x", STRIPE_WEBHOOK_SECRET="w")


def test_storefront_shows_the_local_emulator_notice(client):
    html = client.get("/").get_data(as_text=True)
    assert "Test payments: local Stripe emulator" in html
