"""The cart in Chromium: usable with JavaScript off, accessible and phone-sized in every state."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from shop.catalog.models import Variant
from shop.db import get_session
from tests.browser.conftest import DESKTOP, PHONE, LiveServer
from tests.browser.test_storefront_pages import describe

pytestmark = pytest.mark.browser

axe = Axe()
# Parts of a cart line reaching past the list's right edge (into the page margin or beyond).
STICKING_OUT = """() => {
  const list = document.querySelector('.cart-lines');
  if (!list) return [];
  const edge = list.getBoundingClientRect().right + 0.5;
  return [...list.querySelectorAll('.cart-line > *')]
    .filter(part => part.getBoundingClientRect().right > edge)
    .map(part => part.className);
}"""


def add_from_product_page(page: Any, live_shop: LiveServer, option: str) -> None:
    """Choose an option of the Balmorex Pro and press Add to cart."""
    page.goto(live_shop.url + "/shop/balmorex-pro")
    page.get_by_role("radio", name=option).check()
    page.get_by_role("button", name="Add to cart").click()


@contextmanager
def stock_of(live_shop: LiveServer, sku: str, on_hand: int) -> Iterator[None]:
    """Temporarily set a variant's stock in the served shop."""
    with live_shop.app.app_context():
        session = get_session()
        variant = session.query(Variant).filter_by(sku=sku).one()
        before, variant.stock_on_hand = variant.stock_on_hand, on_hand
        session.commit()
        try:
            yield
        finally:
            variant.stock_on_hand = before
            session.commit()


def words(text: str) -> str:
    """Text with its line breaks and runs of spaces folded to single spaces."""
    return " ".join(text.split())


def assert_accessible_and_phone_sized(page: Any, viewport: dict[str, int]) -> None:
    """No axe violations and no sideways scrolling."""
    violations = axe.run(page).response["violations"]
    assert not violations, f"{page.url}:\n{describe(violations)}"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert page.evaluate(STICKING_OUT) == []


def test_shopper_fills_and_empties_the_cart_with_javascript_off(page_factory, live_shop):
    page = page_factory(PHONE, javascript=False)
    add_from_product_page(page, live_shop, "Sand")
    assert page.url == live_shop.url + "/cart"
    assert page.get_by_role("status").inner_text() == "Added Balmorex Pro – Sand to your cart."
    assert page.get_by_role("link", name="Cart 1").is_visible()

    page.get_by_label("Quantity of Balmorex Pro – Sand").fill("2")
    page.get_by_role("button", name="Update Balmorex Pro – Sand").click()
    assert words(page.locator(".cart-subtotal").inner_text()) == "Subtotal (2 items) $258.00"
    assert page.get_by_role("button", name="Checkout").is_enabled()

    page.get_by_role("button", name="Remove Balmorex Pro – Sand").click()
    assert page.get_by_role("status").inner_text() == (
        "Removed Balmorex Pro – Sand from your cart."
    )
    assert page.get_by_text("Your cart is empty.").is_visible()
    assert page.get_by_role("button", name="Checkout").is_disabled()
    assert page.get_by_role("link", name="Browse the shop").get_attribute("href") == "/shop"


def test_a_refused_add_is_explained_on_the_product_page(page_factory, live_shop):
    page = page_factory(DESKTOP, javascript=False)
    for quantity in ("3", "2"):  # only 4 Sand are in stock
        page.goto(live_shop.url + "/shop/balmorex-pro")
        page.get_by_role("radio", name="Sand").check()
        page.get_by_label("Quantity").fill(quantity)
        page.get_by_role("button", name="Add to cart").click()
    assert page.url == live_shop.url + "/shop/balmorex-pro"
    assert page.get_by_role("alert").inner_text() == (
        "Only 4 of Balmorex Pro – Sand left, and your cart already has 3."
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_cart_page_is_accessible_empty_full_and_with_a_problem(page_factory, live_shop, viewport):
    page = page_factory(viewport)
    page.goto(live_shop.url + "/cart")
    assert_accessible_and_phone_sized(page, viewport)

    add_from_product_page(page, live_shop, "Sand")
    add_from_product_page(page, live_shop, "Pro + heat head")
    assert page.locator(".cart-line").count() == 2
    assert_accessible_and_phone_sized(page, viewport)

    with stock_of(live_shop, "BMX-PRO-SND", 0):
        page.goto(live_shop.url + "/cart")
        assert page.locator(".cart-problem").first.inner_text() == "Sold out"
        assert page.get_by_role("button", name="Checkout").is_disabled()
        assert_accessible_and_phone_sized(page, viewport)
    assert page_factory.outside_requests == []
