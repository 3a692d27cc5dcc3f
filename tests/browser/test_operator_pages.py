"""Operator pages in Chromium: dashboard, stock, reconcile and outbox pass axe, on both sizes."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from shop.accounts.models import Role
from shop.accounts.services import create_staff
from shop.catalog.models import Variant
from shop.content.models import Article
from shop.db import utcnow
from shop.insights.models import ArticleReading
from shop.mail.models import EmailKind, OutboxEmail, OutboxStatus
from shop.mail.outbox import enqueue
from shop.orders.models import Order, OrderLine, OrderStatus, StockHold
from shop.reconcile.models import ReconcileRun
from tests.browser.conftest import DESKTOP, PHONE, LiveServer

pytestmark = pytest.mark.browser
axe = Axe()
PASSWORD = "correct horse battery staple"
#: Set to a folder to keep screenshots of the operator pages.
SHOTS = os.environ.get("SHOP_SCREENSHOT_DIR", "")
OPERATOR_PAGES = ["/admin", "/admin/stock", "/admin/reconcile", "/admin/outbox"]


def _sales(session: Any) -> None:
    """A month of paid orders so the chart and tables have something to show."""
    variants = session.scalars(sa.select(Variant).order_by(Variant.id)).all()
    articles = session.scalars(sa.select(Article).order_by(Article.id)).all()
    now = utcnow()
    for day in range(30):
        for n in range(1 + day % 3):
            variant = variants[(day + n) % len(variants)]
            quantity = 1 + (day + n) % 3
            total = variant.price_amount * quantity
            paid = now - timedelta(days=day, hours=n)
            order = Order(
                number=f"BMX-B{secrets.token_hex(3).upper()}",
                access_token=secrets.token_urlsafe(32),
                status=OrderStatus.PAID if day < 3 else OrderStatus.FULFILLED,
                stock_hold=StockHold.COMMITTED,
                currency="USD",
                subtotal_amount=total,
                total_amount=total,
                created_at=paid - timedelta(minutes=3),
                paid_at=paid,
                lines=[
                    OrderLine(
                        variant_id=variant.id,
                        product_name=variant.product.name,
                        variant_name=variant.name,
                        sku=variant.sku,
                        unit_amount=variant.price_amount,
                        quantity=quantity,
                    )
                ],
            )
            session.add(order)
            session.flush()
            article = articles[(day + n) % len(articles)]
            session.add(
                ArticleReading(order_id=order.id, article_id=article.id, article_slug=article.slug)
            )
    _emails(session, order)
    session.add(
        ReconcileRun(
            started_by="operator@balmorex.example",
            sessions_checked=42,
            findings=[
                {
                    "kind": "paid_in_stripe_not_here",
                    "detail": "Stripe took $129.00; the order is pending_payment.",
                    "session_id": "cs_test_a1b2c3",
                    "order_number": "BMX-LOST0001",
                    "order_status": "pending_payment",
                },
                {
                    "kind": "no_order",
                    "detail": "Session open/unpaid of $25.00; no order has it.",
                    "session_id": "cs_test_d4e5f6",
                    "order_number": None,
                    "order_status": None,
                },
            ],
        )
    )


def _emails(session: Any, order: Order) -> None:
    """A sent email and one the mail server keeps refusing, for the outbox page."""
    sent = enqueue(session, f"order-paid:{order.id}", EmailKind.ORDER_CONFIRMATION,
                   to="ana@example.com", order_id=order.id)  # fmt: skip
    stuck = enqueue(session, f"new-order:{order.id}", EmailKind.NEW_ORDER_ALERT, order_id=order.id)
    for email_id, values in (
        (sent, {"status": OutboxStatus.SENT, "attempts": 1, "sent_at": utcnow()}),
        (stuck, {"attempts": 2, "last_error": "The mail server answered 451 Try again later"}),
    ):
        session.execute(sa.update(OutboxEmail).where(OutboxEmail.id == email_id).values(values))


@pytest.fixture(scope="module")
def operator_shop(live_shop: LiveServer) -> LiveServer:
    """The sample shop with an operator, a month of sales and a reconciliation result."""
    with live_shop.app.extensions["db_sessionmaker"]() as session:
        create_staff(session, "operator@balmorex.example", PASSWORD, Role.OPERATOR)
        _sales(session)
        session.commit()
    return live_shop


@pytest.fixture
def operator_page(page_factory: Any, operator_shop: LiveServer) -> Iterator[Any]:
    """Sign in as the operator in a fresh browser context of the given size."""

    def open_as_operator(viewport: dict[str, int]) -> Any:
        page = page_factory(viewport)
        page.goto(f"{operator_shop.url}/admin/login")
        page.get_by_label("Email").fill("operator@balmorex.example")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        assert page.url == f"{operator_shop.url}/admin"
        return page

    yield open_as_operator


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_operator_pages_have_no_accessibility_violations(
    operator_page, operator_shop, page_factory, viewport
):
    page = operator_page(viewport)
    for path in OPERATOR_PAGES:
        response = page.goto(operator_shop.url + path)
        assert response.status == 200, path
        if path == "/admin":
            page.get_by_text("Show the numbers as a table").click()  # open it for axe too
        violations = axe.run(page).response["violations"]
        assert not violations, (path, [(v["id"], [n["target"] for n in v["nodes"]][:3])
                                       for v in violations])  # fmt: skip
        if SHOTS:
            name = path.strip("/").replace("/", "-")
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            shot = Path(SHOTS) / f"{name}-{viewport['width']}.png"
            page.screenshot(path=str(shot), full_page=True)
    assert page_factory.outside_requests == []


def test_the_stock_forms_work_in_the_browser(operator_page, operator_shop):
    page = operator_page(PHONE)
    page.goto(f"{operator_shop.url}/admin/stock")
    first = page.locator("tbody tr").first
    sku = first.locator("code").inner_text()
    first.locator("summary").click()
    first.get_by_label("Change stock by").fill("-100000")
    first.get_by_label("Reason").fill("count correction")
    first.get_by_role("button", name="Adjust stock").click()
    assert "can be removed" in page.get_by_role("alert").first.inner_text()
    violations = axe.run(page).response["violations"]
    assert not violations, [v["id"] for v in violations]
    row = page.locator("tbody tr", has=page.locator("code", has_text=sku))
    row.get_by_label("Change stock by").fill("3")
    row.get_by_label("Reason").fill("received delivery")
    row.get_by_role("button", name="Adjust stock").click()
    assert f"{sku}: +3 (received delivery)" in page.locator("main").inner_text()


WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .filter(e => !e.closest('.table-wrap'))
    .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)"""


def test_operator_pages_fit_a_phone_without_sideways_scrolling(operator_page, operator_shop):
    page = operator_page(PHONE)
    for path in OPERATOR_PAGES:
        page.goto(operator_shop.url + path)
        assert page.evaluate(WIDER_THAN_THE_SCREEN) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
