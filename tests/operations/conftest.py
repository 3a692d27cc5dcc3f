"""Operations fixtures: real paid orders made through the shop and the Stripe emulator."""

# ruff: noqa: F811  (fixtures imported from the checkout and backoffice conftests)
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from shop.accounts.models import Role, StaffUser
from shop.checkout.gateway import StripeGateway
from shop.orders.models import Order, OrderStatus
from shop.stripe_emulator import EmulatorServer
from tests.backoffice.conftest import login_as, make_staff  # noqa: F401  (fixtures)
from tests.checkout.conftest import (  # noqa: F401  (fixtures)
    Shopper,
    app_overrides,
    emulator,
    live,
    stripe,
)


@pytest.fixture
def gateway(app: Flask) -> StripeGateway:
    """The app's Stripe gateway, pointed at the emulator."""
    found: StripeGateway = app.extensions["stripe_gateway"]
    return found


@pytest.fixture
def operator(make_staff: Callable[..., StaffUser]) -> StaffUser:
    """An operator account for service calls."""
    return make_staff(Role.OPERATOR, "ops@balmorex.example")


@pytest.fixture
def checkout(app: Flask, seeded: Session) -> Callable[..., tuple[Shopper, str]]:
    """Fill a fresh shopper's cart and start checkout; returns the shopper and session id."""

    def start(*items: tuple[str, int]) -> tuple[Shopper, str]:
        shopper = Shopper(app.test_client(), seeded)
        for sku, quantity in items or (("BMX-PRO-SND", 2),):
            assert shopper.add(sku, quantity).status_code in (200, 303)
        return shopper, shopper.checkout_session_id()

    return start


@pytest.fixture
def paid_order(
    checkout: Callable[..., tuple[Shopper, str]], stripe: EmulatorServer
) -> Callable[..., Order]:
    """An order paid on the emulator's page and confirmed by the success page."""

    def make(*items: tuple[str, int], email: str = "ana@example.com", **pay: Any) -> Order:
        shopper, session_id = checkout(*items)
        stripe.pay(session_id, email=email, shipping_option=0, **pay)
        assert shopper.client.get(f"/checkout/success?session_id={session_id}").status_code == 200
        order = shopper.order(session_id)
        assert order.status is OrderStatus.PAID, order.status
        return order

    return make


@pytest.fixture
def pending_order(checkout: Callable[..., tuple[Shopper, str]]) -> Callable[..., Order]:
    """An order whose checkout is open and unpaid."""

    def make(*items: tuple[str, int]) -> Order:
        shopper, session_id = checkout(*items)
        return shopper.order(session_id)

    return make


def reload(db: Session, order: Order) -> Order:
    """The order as the database has it now."""
    db.expire_all()
    found = db.scalar(sa.select(Order).where(Order.id == order.id))
    assert found is not None
    return found
