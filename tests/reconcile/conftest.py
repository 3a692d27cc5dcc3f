"""Reconciliation fixtures: the emulator and shopper from the checkout tests, plus helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from shop.checkout.gateway import CheckoutLine, CheckoutRequest
from shop.checkout.setup import gateway
from shop.db import utcnow
from shop.orders.models import Order
from tests.backoffice.conftest import login_as, make_staff  # noqa: F401  (shared fixtures)
from tests.checkout.conftest import (  # noqa: F401  (shared fixtures)
    Shopper,
    app_overrides,
    emulator,
    shopper,
    stripe,
)


@pytest.fixture
def paid_elsewhere(shopper: Shopper, stripe) -> Callable[..., str]:  # noqa: F811
    """A checkout paid in Stripe whose webhook never arrived: the order is still pending."""

    def make(sku: str = "BMX-PRO-SND", quantity: int = 1) -> str:
        shopper.add(sku, quantity)
        session_id = shopper.checkout_session_id()
        stripe.pay(session_id, shipping_option=0)
        return session_id

    return make


@pytest.fixture
def set_order(shopper: Shopper) -> Callable[..., Order]:  # noqa: F811
    """Change an order behind the shop's back (as a bug or a manual edit would)."""

    def change(session_id: str, **values: object) -> Order:
        shopper.db.execute(
            sa.update(Order).where(Order.stripe_session_id == session_id).values(**values)
        )
        shopper.db.commit()
        return shopper.order(session_id)

    return change


@pytest.fixture
def open_bare_sessions(app: Flask) -> Callable[[int], list[str]]:
    """Open Checkout Sessions in Stripe that no order knows about."""

    def open_many(count: int) -> list[str]:
        ids = []
        with app.app_context():
            for n in range(count):
                request = CheckoutRequest(
                    order_id=900_000 + n,
                    order_number=f"BMX-GHOST{n:03d}",
                    currency="USD",
                    lines=[CheckoutLine("Ghost", 1000, 1, "GHOST")],
                    success_url="http://shop.test/ok?session_id={CHECKOUT_SESSION_ID}",
                    cancel_url="http://shop.test/cancel",
                    expires_at=utcnow() + timedelta(minutes=45),
                    shipping_countries=["US"],
                    shipping_choices=[],
                    allow_promotion_codes=False,
                )
                ids.append(gateway().open_checkout(request, f"ghost-{n}").id)
        return ids

    return open_many
