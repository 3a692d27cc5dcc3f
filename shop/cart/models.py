"""Cart models: Cart and CartItem."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.catalog.models import Variant
from shop.db import Base, utcnow


def new_cart_token() -> str:
    """An unguessable token that names a cart in the shopper's cookie."""
    return secrets.token_urlsafe(24)


class Cart(Base):
    """A shopper's cart; anyone holding its token can see and change it."""

    __tablename__ = "cart"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_cart_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Moved forward on every change, so abandoned carts can be found and pruned.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    items: Mapped[list[CartItem]] = relationship(
        back_populates="cart",
        order_by="CartItem.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class CartItem(Base):
    """One product option in a cart and how many of it; the price is always read live."""

    __tablename__ = "cart_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(sa.ForeignKey("cart.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variant.id", ondelete="CASCADE"))
    quantity: Mapped[int]
    #: The article whose "shop this" block or product link the shopper followed to add it.
    from_article_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("article.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    cart: Mapped[Cart] = relationship(back_populates="items")
    variant: Mapped[Variant] = relationship()

    __table_args__ = (
        sa.CheckConstraint("quantity > 0 AND quantity <= 99", name="quantity_in_range"),
        # Named in full: the naming convention would only mention cart_id.
        sa.UniqueConstraint("cart_id", "variant_id", name="uq_cart_item_cart_id_variant_id"),
        # Deleting a variant cascades here; without this index that is a full scan.
        sa.Index("ix_cart_item_variant", "variant_id"),
        sa.Index("ix_cart_item_from_article", "from_article_id"),
    )
