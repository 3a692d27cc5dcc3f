"""Shipping an order, in one parcel or several: carrier, tracking and which units went."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.accounts.models import StaffUser
from shop.accounts.services import audit
from shop.mail import notices
from shop.operations.inputs import OperationsError
from shop.operations.models import Shipment, ShipmentLine
from shop.orders.models import Order, OrderLine, OrderStatus
from shop.orders.services import move_order, record_event

S = OrderStatus
TIMES = " \N{MULTIPLICATION SIGN} "

#: Only orders whose money we hold and that nobody is still checking can be shipped.
SHIPPABLE = frozenset({S.PAID, S.PARTIALLY_REFUNDED})


@dataclass(frozen=True)
class ShipmentRequest:
    """What the operator asked to ship: carrier, tracking, and units per order line id."""

    carrier: str
    tracking_number: str
    #: Order line id -> units; empty means "everything not shipped yet".
    quantities: dict[int, int]


def _refuse_unshippable(order: Order) -> None:
    if order.status in SHIPPABLE:
        return
    if order.status is S.NEEDS_REVIEW:
        raise OperationsError("This order needs review first: mark it reviewed, then ship it.")
    if order.status is S.FULFILLED:
        raise OperationsError("Everything on this order has already shipped.")
    raise OperationsError(
        f"An order that is {order.status.value.replace('_', ' ')} can't be shipped; "
        "only paid orders can."
    )


def _units(order: Order, request: ShipmentRequest) -> list[tuple[OrderLine, int]]:
    lines = {line.id: line for line in order.lines}
    if not request.quantities:
        chosen = [(line, line.unshipped_quantity) for line in order.lines]
        return [(line, n) for line, n in chosen if n > 0]
    units = []
    for line_id, quantity in request.quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise OperationsError("One of those lines is not on this order.")
        if quantity > line.unshipped_quantity:
            raise OperationsError(
                f"Only {line.unshipped_quantity} of {line.sku} are left to ship, not {quantity}."
            )
        units.append((line, quantity))
    return units


def _claim_units(session: Session, line: OrderLine, quantity: int) -> bool:
    # Conditional on what is left, so two operators shipping at once can't overship a line.
    result = session.execute(
        sa.update(OrderLine)
        .where(
            OrderLine.id == line.id,
            OrderLine.fulfilled_quantity + quantity <= OrderLine.quantity,
        )
        .values(fulfilled_quantity=OrderLine.fulfilled_quantity + quantity),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def describe_units(units: list[tuple[OrderLine, int]]) -> str:
    """Units as a shopper reads them: "1 x Balmorex Pro (Sand)", with a real times sign."""
    return ", ".join(f"{n}{TIMES}{line.product_name} ({line.variant_name})" for line, n in units)


def fulfil_order(
    session: Session, order: Order, request: ShipmentRequest, actor: StaffUser
) -> Shipment:
    """Record a shipment; when nothing is left to ship the order becomes FULFILLED."""
    _refuse_unshippable(order)
    units = _units(order, request)
    if not units:
        raise OperationsError("Choose at least one item to ship.")
    for line, quantity in units:
        if not _claim_units(session, line, quantity):
            raise OperationsError(
                f"Someone shipped {line.sku} meanwhile; reload the order and try again.", 409
            )
    shipment = Shipment(
        order_id=order.id,
        carrier=request.carrier,
        tracking_number=request.tracking_number,
        actor=actor.email,
        lines=[ShipmentLine(order_line_id=line.id, quantity=n) for line, n in units],
    )
    session.add(shipment)
    session.flush()
    for line in order.lines:
        session.refresh(line, ["fulfilled_quantity"])
    what = describe_units(units)
    record_event(
        order,
        "shipped",
        f"Shipped {what} with {request.carrier}, tracking {request.tracking_number}.",
        public=True,
        actor=actor.email,
        data={"shipment": shipment.id},
    )
    notices.shipment_sent(session, order, shipment.id)
    session.flush()
    if all(line.unshipped_quantity == 0 for line in order.lines):
        move_order(session, order, S.FULFILLED, only_from=SHIPPABLE)
    audit(
        session,
        actor,
        "order.fulfil",
        order.number,
        after={
            "carrier": request.carrier,
            "tracking": request.tracking_number,
            "units": {line.sku: n for line, n in units},
            "status": order.status.value,
        },
    )
    return shipment
