"""Shipments and refund requests made by operators from the backoffice."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from shop.db import Base, utcnow
from shop.orders.models import Order, OrderLine


class Shipment(Base):
    """A parcel sent to the shopper: carrier, tracking number and which units it holds."""

    __tablename__ = "shipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"))
    carrier: Mapped[str] = mapped_column(sa.String(60))
    tracking_number: Mapped[str] = mapped_column(sa.String(60))
    actor: Mapped[str] = mapped_column(sa.String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # A backref keeps the orders domain free of imports from this package, while the
    # shopper's order page can still list `order.shipments`.
    order: Mapped[Order] = relationship(
        backref=backref("shipments", order_by="Shipment.id", cascade="all, delete-orphan")
    )
    lines: Mapped[list[ShipmentLine]] = relationship(
        back_populates="shipment", order_by="ShipmentLine.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("carrier <> ''", name="carrier_not_empty"),
        sa.CheckConstraint("tracking_number <> ''", name="tracking_not_empty"),
        sa.Index("ix_shipment_order", "order_id", "id"),
    )


class ShipmentLine(Base):
    """How many units of one order line went into a shipment."""

    __tablename__ = "shipment_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipment.id", ondelete="CASCADE"))
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_line.id", ondelete="CASCADE"))
    quantity: Mapped[int]

    shipment: Mapped[Shipment] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()

    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.Index("ix_shipment_line_shipment", "shipment_id"),
    )


class RefundRequest(Base):
    """An operator's refund form submission, claimed once per form nonce.

    The unique (order, nonce) pair is what makes a double-clicked refund one refund: the
    second submission waits on the first's row and then fails, before it reaches Stripe.
    """

    __tablename__ = "refund_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(sa.String(64))
    amount: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(300))
    stripe_refund_id: Mapped[str | None] = mapped_column(sa.String(255))
    actor: Mapped[str] = mapped_column(sa.String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("order_id", "nonce", name="uq_refund_request_order_nonce"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )


#: Case-insensitive email search on the orders list (lower(email) LIKE 'prefix%'); pattern
#: ops let PostgreSQL use it for LIKE under any collation, not only "C".
ORDER_EMAIL_INDEX = sa.Index(
    "ix_order_email_lower",
    sa.func.lower(Order.email).label("email_lower"),
    postgresql_ops={"email_lower": "text_pattern_ops"},
)
