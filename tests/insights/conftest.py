"""Insights fixtures: orders placed straight into the database, in any state, on any day."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from shop.catalog.models import Variant
from shop.db import utcnow
from shop.orders.models import Order, OrderLine, OrderStatus, StockHold

_numbers = itertools.count(1)


@pytest.fixture
def make_order(db: Session) -> Callable[..., Order]:
    """An order of `lines` [(variant, quantity)], paid `days_ago` unless the status says not."""

    def make(
        lines: list[tuple[Variant, int]],
        status: OrderStatus = OrderStatus.PAID,
        days_ago: float = 0,
        shipping: int = 0,
        now: datetime | None = None,
    ) -> Order:
        moment = (now or utcnow()) - timedelta(days=days_ago)
        subtotal = sum(v.price_amount * q for v, q in lines)
        order = Order(
            number=f"BMX-T{next(_numbers):07d}",
            access_token=secrets.token_urlsafe(32),
            status=status,
            stock_hold=StockHold.COMMITTED,
            currency="USD",
            subtotal_amount=subtotal,
            shipping_amount=shipping,
            total_amount=subtotal + shipping,
            created_at=moment - timedelta(minutes=5),
            paid_at=moment if status is not OrderStatus.PENDING_PAYMENT else None,
            lines=[
                OrderLine(
                    variant_id=v.id, product_name=v.product.name, variant_name=v.name,
                    sku=v.sku, unit_amount=v.price_amount, quantity=q,
                )
                for v, q in lines
            ],
        )  # fmt: skip
        db.add(order)
        db.commit()
        return order

    return make
