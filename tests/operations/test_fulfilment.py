"""Operators ship paid orders, in one parcel or several; nothing else can be shipped."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.accounts.models import AuditEntry
from shop.operations.fulfilment import ShipmentRequest, fulfil_order
from shop.operations.inputs import OperationsError
from shop.orders.models import OrderStatus
from tests.operations.conftest import reload


def test_shipping_part_then_the_rest_fulfils_the_order(paid_order, operator, seeded):
    db = seeded
    order = paid_order(("BMX-PRO-SND", 2), ("BMX-CSE-GRF", 1))
    pro, _case = order.lines
    fulfil_order(db, order, ShipmentRequest("UPS", "1Z999AA10123456784", {pro.id: 1}), operator)
    db.commit()
    order = reload(db, order)
    assert order.status is OrderStatus.PAID
    assert [line.fulfilled_quantity for line in order.lines] == [1, 0]
    shipped = [e for e in order.events if e.kind == "shipped"]
    assert shipped[0].public
    assert shipped[0].message == (
        "Shipped 1 \N{MULTIPLICATION SIGN} Balmorex Pro (Sand) with UPS, "
        "tracking 1Z999AA10123456784."
    )

    fulfil_order(db, order, ShipmentRequest("USPS", "9400 1000", {}), operator)  # the rest
    db.commit()
    order = reload(db, order)
    assert order.status is OrderStatus.FULFILLED
    assert [line.fulfilled_quantity for line in order.lines] == [2, 1]
    assert [s.carrier for s in order.shipments] == ["UPS", "USPS"]
    actions = db.scalars(sa.select(AuditEntry.action).where(AuditEntry.target == order.number))
    assert list(actions) == ["order.fulfil", "order.fulfil"]


def test_more_than_is_left_to_ship_is_refused(paid_order, operator, seeded):
    order = paid_order(("BMX-PRO-SND", 2))
    line = order.lines[0]
    with pytest.raises(OperationsError, match="Only 2 of BMX-PRO-SND are left to ship, not 3"):
        fulfil_order(seeded, order, ShipmentRequest("UPS", "1Z", {line.id: 3}), operator)


def test_a_line_of_another_order_is_refused(paid_order, operator, seeded):
    order = paid_order(("BMX-PRO-SND", 1))
    with pytest.raises(OperationsError, match="not on this order"):
        fulfil_order(seeded, order, ShipmentRequest("UPS", "1Z", {999999: 1}), operator)


def test_unpaid_and_cancelled_orders_cannot_be_shipped(pending_order, operator, seeded):
    order = pending_order(("BMX-PRO-GRF", 1))
    with pytest.raises(OperationsError, match="pending payment can't be shipped"):
        fulfil_order(seeded, order, ShipmentRequest("UPS", "1Z", {}), operator)
    order.status = OrderStatus.CANCELLED
    seeded.commit()
    with pytest.raises(OperationsError, match="cancelled can't be shipped"):
        fulfil_order(seeded, order, ShipmentRequest("UPS", "1Z", {}), operator)
    assert reload(seeded, order).lines[0].fulfilled_quantity == 0


def test_a_fully_shipped_order_says_so(paid_order, operator, seeded):
    order = paid_order(("BMX-PRO-GRF", 1))
    fulfil_order(seeded, order, ShipmentRequest("UPS", "1Z", {}), operator)
    seeded.commit()
    with pytest.raises(OperationsError, match="already shipped"):
        fulfil_order(seeded, reload(seeded, order), ShipmentRequest("UPS", "1Z", {}), operator)
