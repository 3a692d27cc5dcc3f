"""A shopper reads, chooses, pays on the (emulated) Stripe page and follows their order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from shop.orders.models import Order, OrderStatus
from shop.stripe_emulator import EmulatorServer
from tests.browser.conftest import DESKTOP, PHONE, LiveServer, guarded_pages, shop_with_payments

pytestmark = pytest.mark.browser
axe = Axe()


@pytest.fixture(scope="module")
def payments(database_url: str) -> Iterator[tuple[LiveServer, EmulatorServer]]:
    """The sample shop and the emulator, wired to each other over loopback HTTP."""
    with shop_with_payments(database_url) as servers:
        yield servers


@pytest.fixture
def shop_page(browser: Any, payments: tuple[LiveServer, EmulatorServer]) -> Iterator[Any]:
    """A fresh browser page; only the shop and the emulator may be contacted."""
    live, emulator = payments
    with guarded_pages(browser, live.url, emulator.url) as open_page:
        yield open_page


def assert_accessible(page: Any, javascript: bool = True) -> None:
    if not javascript:
        return  # axe is a script; journeys with JavaScript off are checked by the others
    violations = axe.run(page).response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]][:2]) for v in violations]


def order_for(live: LiveServer, number: str) -> Order:
    with live.app.extensions["db_sessionmaker"]() as session:
        return session.scalar(sa.select(Order).where(Order.number == number))


def fill_cart_from_article(page: Any, base: str) -> None:
    page.goto(f"{base}/learn/massage-for-upper-and-mid-back-pain")
    block = page.get_by_role("group", name="Shop this: Balmorex Pro").first
    block.get_by_role("link", name="See options for Balmorex Pro").click()
    page.get_by_role("radio", name=re.compile("^Pro \\+ heat head")).check()
    page.get_by_role("button", name="Add to cart").click()
    assert page.url == f"{base}/cart"
    quantity = page.get_by_label(re.compile("^Quantity"))
    quantity.fill("2")
    page.get_by_role("button", name=re.compile("^Update")).click()
    assert "$298.00" in page.locator("main").inner_text()


@pytest.mark.parametrize(
    ("viewport", "javascript"),
    [(PHONE, False), (PHONE, True), (DESKTOP, True)],
    ids=["phone-no-js", "phone", "desktop"],
)
def test_read_choose_pay_and_follow_the_order(shop_page, payments, viewport, javascript):
    live, emulator = payments
    page = shop_page(viewport, javascript)
    fill_cart_from_article(page, live.url)
    assert_accessible(page, javascript)
    page.get_by_role("button", name="Checkout").click()
    assert page.url.startswith(f"{emulator.url}/c/pay/cs_test_")
    assert "$298.00" in page.locator("body").inner_text()
    page.get_by_role("button", name="Pay with test card 4242 4242 4242 4242").click()

    assert page.url.startswith(f"{live.url}/checkout/success?session_id=cs_test_")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your order"
    number = re.search(r"BMX-[A-Z0-9]{8}", page.locator("main").inner_text()).group(0)
    assert_accessible(page, javascript)

    page.get_by_role("link", name="View your order page").click()
    assert re.fullmatch(rf"{live.url}/orders/[\w-]{{40,}}", page.url)
    text = page.locator("main").inner_text()
    assert f"Order {number}" in text and "Paid" in text and "BMX-PRO-HEAT" in text
    assert "$298.00" in text  # free standard shipping over $75
    assert_accessible(page, javascript)
    assert order_for(live, number).status is OrderStatus.PAID
    assert page.get_by_role("link", name="Cart").inner_text().strip() == "Cart"  # emptied


def test_a_declined_card_can_be_retried_and_a_cancel_keeps_the_cart(shop_page, payments):
    live, _emulator = payments
    page = shop_page(PHONE)
    page.goto(f"{live.url}/shop/balmorex-travel-case")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Card declined (4000 0000 0000 0002)").click()
    assert "declined" in page.get_by_role("alert").inner_text().lower()
    page.get_by_role("link", name="Cancel and go back").click()
    assert page.url == f"{live.url}/cart"
    main = page.locator("main").inner_text()
    assert "Checkout cancelled" in main and "Balmorex Travel Case" in main
    assert_accessible(page)
