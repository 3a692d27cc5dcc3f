"""A shopper buys in the browser; an operator finds the order, ships part and refunds part."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy.orm import Session

from shop.accounts.models import Role
from shop.accounts.services import create_staff
from shop.stripe_emulator import EmulatorServer
from tests.browser.conftest import DESKTOP, PHONE, LiveServer, guarded_pages, shop_with_payments

pytestmark = pytest.mark.browser
axe = Axe()
OPERATOR = "ops@balmorex.example"
PASSWORD = "correct horse battery staple"
#: Set to a folder to keep screenshots of the operator pages.
SHOTS = os.environ.get("SHOP_SCREENSHOT_DIR", "")


def _operator_account(session: Session) -> None:
    create_staff(session, OPERATOR, PASSWORD, Role.OPERATOR)


@pytest.fixture(scope="module")
def payments(database_url: str) -> Iterator[tuple[LiveServer, EmulatorServer]]:
    """The sample shop with an operator account, and the emulator, wired together."""
    with shop_with_payments(database_url, _operator_account) as servers:
        yield servers


@pytest.fixture
def open_page(browser: Any, payments: tuple[LiveServer, EmulatorServer]) -> Iterator[Any]:
    """A fresh browser page; only the shop and the emulator may be contacted."""
    live, emulator = payments
    with guarded_pages(browser, live.url, emulator.url) as new_page:
        yield new_page


def assert_accessible(page: Any) -> None:
    violations = axe.run(page).response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]][:2]) for v in violations]


def buy_two_pros(page: Any, base: str) -> tuple[str, str]:
    page.goto(f"{base}/shop/balmorex-pro")
    page.get_by_role("radio", name=re.compile("^Graphite")).check()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Pay with test card 4242 4242 4242 4242").click()
    number = re.search(r"BMX-[A-Z0-9]{8}", page.locator("main").inner_text()).group(0)
    page.get_by_role("link", name="View your order page").click()
    return number, page.url


def shoot(page: Any, name: str) -> None:
    """Keep screenshots at both widths when SHOP_SCREENSHOT_DIR is set."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for label, viewport in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_an_operator_ships_part_and_refunds_part_of_a_browser_order(open_page, payments):
    live, _emulator = payments
    shopper = open_page(PHONE)
    number, order_page = buy_two_pros(shopper, live.url)
    assert "Paid" in shopper.locator("main").inner_text()

    admin = open_page(DESKTOP)
    admin.goto(f"{live.url}/admin/orders")
    admin.get_by_label("Email").fill(OPERATOR)
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    assert admin.url.startswith(f"{live.url}/admin/orders")
    admin.get_by_label("Order number or email").fill(number)
    admin.get_by_role("button", name="Show orders").click()
    assert_accessible(admin)
    shoot(admin, "orders-list")
    admin.get_by_role("link", name=number).click()
    assert admin.get_by_role("heading", level=1).inner_text() == f"Order {number}"
    assert_accessible(admin)
    shoot(admin, "order-detail")

    ship = admin.get_by_role("region", name="Ship")
    ship.get_by_label("Carrier").fill("UPS")
    ship.get_by_label("Tracking number").fill("1Z999AA10123456784")
    ship.get_by_label(re.compile("^Balmorex Pro")).fill("1")
    ship.get_by_role("button", name="Record shipment").click()
    assert "Shipment recorded." in admin.get_by_role("status").first.inner_text()

    refund = admin.get_by_role("region", name="Refund")
    refund.get_by_label(re.compile("^Amount")).fill("20.00")
    refund.get_by_role("button", name="Refund").click()
    assert "Refunded $20.00" in admin.get_by_role("status").first.inner_text()
    timeline = admin.get_by_role("region", name="Timeline").inner_text()
    assert "Shipped 1 \N{MULTIPLICATION SIGN} Balmorex Pro (Graphite) with UPS" in timeline
    assert "Refund of $20.00" in timeline
    assert_accessible(admin)
    shoot(admin, "order-detail-after")

    shopper.goto(order_page)
    text = shopper.locator("main").inner_text()
    assert "UPS, tracking number 1Z999AA10123456784" in text
    assert "$20.00 back to your card" in text
    assert "Partially refunded" in text
    assert_accessible(shopper)
