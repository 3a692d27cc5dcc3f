"""Order models: Order, OrderLine, OrderEvent and Refund."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, enum_column, utcnow


class OrderStatus(enum.StrEnum):
    """Where an order stands; transitions live in shop.orders.services."""

    #: Checkout started; stock reserved; waiting for Stripe.
    PENDING_PAYMENT = "pending_payment"
    #: Checkout finished with a payment that settles later (bank debit).
    PAYMENT_PROCESSING = "payment_processing"
    #: Money received; ready to ship.
    PAID = "paid"
    #: Shipped.
    FULFILLED = "fulfilled"
    #: Some of the money went back to the shopper.
    PARTIALLY_REFUNDED = "partially_refunded"
    #: All of the money went back to the shopper.
    REFUNDED = "refunded"
    #: Payment failed or the order was called off before payment.
    CANCELLED = "cancelled"
    #: The Checkout Session ran out without payment.
    EXPIRED = "expired"
    #: Paid, but something did not add up; an operator must look.
    NEEDS_REVIEW = "needs_review"


class StockHold(enum.StrEnum):
    """What the order did with the stock of its lines."""

    #: Units held for the open checkout.
    RESERVED = "reserved"
    #: Units taken off the shelf because the order was paid.
    COMMITTED = "committed"
    #: Hold given back (expired, cancelled, failed).
    RELEASED = "released"


class Order(Base):
    """A purchase, from checkout to delivery or refund."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    access_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus, "order_status"), default=OrderStatus.PENDING_PAYMENT
    )
    stock_hold: Mapped[StockHold] = mapped_column(
        enum_column(StockHold, "stock_hold"), default=StockHold.RESERVED
    )
    review_reason: Mapped[str | None] = mapped_column(sa.String(300))
    email: Mapped[str | None] = mapped_column(sa.String(320))
    currency: Mapped[str] = mapped_column(sa.String(3))
    subtotal_amount: Mapped[int]
    shipping_amount: Mapped[int] = mapped_column(default=0)
    discount_amount: Mapped[int] = mapped_column(default=0)
    tax_amount: Mapped[int] = mapped_column(default=0)
    total_amount: Mapped[int]
    refunded_amount: Mapped[int] = mapped_column(default=0)
    shipping_name: Mapped[str | None] = mapped_column(sa.String(200))
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    shipping_method: Mapped[str | None] = mapped_column(sa.String(120))
    cart_token: Mapped[str | None] = mapped_column(sa.String(64))
    cart_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    stripe_session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    stripe_session_url: Mapped[str | None] = mapped_column(sa.Text)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    checkout_expires_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id", cascade="all, delete-orphan"
    )
    refunds: Mapped[list[Refund]] = relationship(
        back_populates="order", order_by="Refund.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("subtotal_amount >= 0", name="subtotal_not_negative"),
        sa.CheckConstraint("total_amount >= 0", name="total_not_negative"),
        sa.CheckConstraint("refunded_amount >= 0", name="refunded_not_negative"),
        sa.CheckConstraint("refunded_amount <= total_amount", name="refund_within_total"),
        sa.Index("ix_order_status_created", "status", "created_at", "id"),
        sa.Index("ix_order_created", "created_at", "id"),
        # The orders list sorted by total, with or without a status, a page at a time.
        sa.Index("ix_order_total", "total_amount", "id"),
        sa.Index("ix_order_status_total", "status", "total_amount", "id"),
        sa.Index("ix_order_cart", "cart_token", "status"),
        # The operators' search is a prefix match on the number (LIKE 'BMX-12%'); pattern
        # ops let PostgreSQL serve it from an index under any collation.
        sa.Index(
            "ix_order_number_pattern", "number", postgresql_ops={"number": "varchar_pattern_ops"}
        ),
    )


class OrderLine(Base):
    """One product line, with name, SKU and price copied at the time of purchase."""

    __tablename__ = "order_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"))
    variant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("variant.id", ondelete="SET NULL"))
    product_name: Mapped[str] = mapped_column(sa.String(120))
    variant_name: Mapped[str] = mapped_column(sa.String(120))
    sku: Mapped[str] = mapped_column(sa.String(64))
    unit_amount: Mapped[int]
    quantity: Mapped[int]
    #: Units an operator has shipped (see shop.operations.fulfilment).
    fulfilled_quantity: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    #: Units put back on the shelf after a refund (see shop.operations.refunds).
    restocked_quantity: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))

    order: Mapped[Order] = relationship(back_populates="lines")

    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_amount >= 0", name="unit_amount_not_negative"),
        sa.CheckConstraint(
            "fulfilled_quantity >= 0 AND fulfilled_quantity <= quantity",
            name="fulfilled_within_quantity",
        ),
        sa.CheckConstraint(
            "restocked_quantity >= 0 AND restocked_quantity <= quantity",
            name="restocked_within_quantity",
        ),
        sa.Index("ix_order_line_order", "order_id"),
    )

    @property
    def line_total(self) -> int:
        """Unit price times quantity, in minor units."""
        return self.unit_amount * self.quantity

    @property
    def unshipped_quantity(self) -> int:
        """Units still to ship."""
        return self.quantity - (self.fulfilled_quantity or 0)


class OrderEvent(Base):
    """One entry of an order's timeline."""

    __tablename__ = "order_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(60))
    message: Mapped[str] = mapped_column(sa.String(500))
    #: Whether the shopper sees this entry on their order page.
    public: Mapped[bool] = mapped_column(default=False)
    actor: Mapped[str] = mapped_column(sa.String(120), default="system")
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")

    __table_args__ = (sa.Index("ix_order_event_order", "order_id", "id"),)


class Refund(Base):
    """Money returned through Stripe, whether started here or in Stripe's dashboard."""

    __tablename__ = "refund"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"))
    stripe_refund_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    amount: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(30))
    reason: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="refunds")

    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)


class StripeEvent(Base):
    """A webhook event received from Stripe; the unique id makes delivery idempotent."""

    __tablename__ = "stripe_event"

    id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(120))
    object_id: Mapped[str | None] = mapped_column(sa.String(255))
    outcome: Mapped[str] = mapped_column(sa.String(200), default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
