"""The cart follows the shopper in a signed cookie, shows in the header; GETs never write."""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeSerializer

from tests.cart.conftest import flashes

CART_SQL = re.compile(r"\bcart(_item)?\b", re.IGNORECASE)
WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def test_the_cart_is_still_there_after_closing_the_browser(app, shopper, seeded, variant_id):
    shopper.add(variant_id("BMX-PRO-SND"), 2)
    cookie = shopper.client.get_cookie("cart")
    assert cookie is not None

    next_week = app.test_client()  # no session cookie, only the cart cookie
    next_week.set_cookie("cart", cookie.value)
    page = next_week.get("/cart").get_data(as_text=True)
    assert "SKU BMX-PRO-SND" in page
    assert "Subtotal (2 items)</span> <span>$258.00" in page


def test_the_cart_cookie_lasts_60_days_and_scripts_cannot_read_it(shopper, seeded, variant_id):
    response = shopper.add(variant_id("BMX-PRO-SND"), 1)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("cart=")]
    assert "Max-Age=5184000" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # the test site runs on plain http


def test_the_cart_cookie_is_secure_when_sessions_are(app, shopper, seeded, variant_id):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = shopper.add(variant_id("BMX-PRO-SND"), 1)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("cart=")]
    assert "Secure" in cookie


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: "not-a-signed-value",
        lambda token: token + "x",
        lambda token: URLSafeSerializer("another-secret", salt="cart").dumps(token),
        lambda token: URLSafeSerializer("test-secret-key-for-the-suite", salt="cart").dumps(7),
    ],
    ids=["garbage", "tampered", "other-key", "not-a-token"],
)
def test_a_forged_cart_cookie_shows_an_empty_cart_without_an_error(
    app, shopper, seeded, variant_id, forge
):
    shopper.add(variant_id("BMX-PRO-SND"), 1)
    real = shopper.client.get_cookie("cart")
    assert real is not None
    intruder = app.test_client()
    intruder.set_cookie("cart", forge(real.value))
    for path in ("/cart", "/"):
        response = intruder.get(path)
        assert response.status_code == 200
        assert 'class="count"' not in response.get_data(as_text=True)
    assert "Your cart is empty." in intruder.get("/cart").get_data(as_text=True)


def test_the_header_shows_how_many_items_are_in_the_cart(client, shopper, seeded, variant_id):
    assert 'class="count"' not in client.get("/").get_data(as_text=True)
    shopper.add(variant_id("BMX-PRO-SND"), 2)
    shopper.add(variant_id("BMX-PRO-GRF"), 1)
    home = client.get("/").get_data(as_text=True)
    assert '<a href="/cart" class="nav-cart">Cart <span class="count">3</span></a>' in home
    cart = shopper.cart_page()
    assert 'aria-current="page">Cart <span class="count">3</span>' in cart


def test_browsing_without_a_cart_costs_no_cart_queries(client, seeded, count_queries):
    for path in ("/", "/shop/balmorex-pro", "/learn/stress-and-muscle-tension"):
        assert client.get(path).status_code == 200
    assert [s for s in count_queries() if CART_SQL.search(s)] == []


def test_with_a_cart_the_badge_costs_one_query_per_page(
    client, shopper, seeded, variant_id, count_queries
):
    shopper.add(variant_id("BMX-PRO-SND"), 1)
    before = len(count_queries())
    client.get("/shop/balmorex-pro")
    assert len([s for s in count_queries()[before:] if CART_SQL.search(s)]) == 1


def test_looking_at_cart_addresses_never_changes_anything(
    client, shopper, seeded, variant_id, stored, count_queries
):
    shopper.add(variant_id("BMX-PRO-SND"), 2, follow=True)
    [line] = shopper.line_ids()
    before = len(count_queries())
    assert client.get("/cart").status_code == 200
    assert client.get(f"/cart/items?variant_id={variant_id('BMX-PRO-GRF')}").status_code == 405
    assert client.get(f"/cart/items/{line}?quantity=0").status_code == 405
    assert client.get(f"/cart/items/{line}/remove").status_code == 405
    assert [s for s in count_queries()[before:] if WRITE_SQL.match(s)] == []
    assert stored() == (1, 1)
    page = shopper.cart_page()
    assert 'value="2" required' in page
    assert flashes(page) == []


def test_a_refused_first_add_sets_no_cart_cookie(client, shopper, seeded, variant_id):
    response = shopper.add(variant_id("BMX-PRO-SND"), "abc")
    assert not any(c.startswith("cart=") for c in response.headers.getlist("Set-Cookie"))
    assert client.get_cookie("cart") is None
