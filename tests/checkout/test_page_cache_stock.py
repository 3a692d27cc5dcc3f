"""Stock labels on cached product pages follow checkouts holding and releasing units."""

from __future__ import annotations

import pytest

from shop.orders.models import OrderStatus
from tests.checkout.conftest import wait_until

SANDSTONE = "/shop/balmorex-pro?variant=BMX-PRO-SND"


@pytest.fixture
def app_overrides(app_overrides, tmp_path):
    return {**app_overrides, "PAGE_CACHE": True, "PAGE_CACHE_STAMP": tmp_path / "stamp"}


def visit(app, path):
    """A first-time visitor opens `path`."""
    return app.test_client().get(path)


def sandstone_label(app) -> str:
    html = visit(app, SANDSTONE).get_data(as_text=True)
    return "Sold out" if "Sold out" in html else ("Only 4 left" if "Only 4 left" in html else "")


def test_a_checkout_holding_the_last_units_flips_the_label_and_expiry_flips_it_back(
    app, shopper, stripe, live
):
    assert sandstone_label(app) == "Only 4 left"
    assert visit(app, SANDSTONE).headers["X-Cache"] == "hit"

    shopper.add("BMX-PRO-SND", 4)
    assert visit(app, SANDSTONE).headers["X-Cache"] == "hit"  # a cart holds nothing yet
    session_id = shopper.checkout_session_id()
    assert sandstone_label(app) == "Sold out"

    stripe.expire_now(session_id)
    wait_until(lambda: shopper.order(session_id).status is OrderStatus.EXPIRED, what="expiry")
    assert sandstone_label(app) == "Only 4 left"
