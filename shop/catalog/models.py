"""Catalog models: Product, Variant, ProductImage."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, enum_column, utcnow


class PublishStatus(enum.StrEnum):
    """Whether shoppers can see an item."""

    #: Only staff can see it.
    DRAFT = "draft"
    #: Visible on the storefront.
    PUBLISHED = "published"


class Product(Base):
    """Something the shop sells; its prices and stock live on its variants."""

    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    tagline: Mapped[str] = mapped_column(sa.String(200), default="")
    description_md: Mapped[str] = mapped_column(sa.Text, default="")
    highlights: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    faq: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    seo_title: Mapped[str] = mapped_column(sa.String(120), default="")
    seo_description: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[PublishStatus] = mapped_column(
        enum_column(PublishStatus, "publish_status"), default=PublishStatus.DRAFT
    )
    featured: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=100)
    #: Grows on every editorial change; saves name the version they started from.
    version: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))
    #: Unpublished edits of a published product (None: nothing pending).
    draft: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    variants: Mapped[list[Variant]] = relationship(
        back_populates="product", order_by="Variant.position", cascade="all, delete-orphan"
    )
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", order_by="ProductImage.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("slug <> ''", name="slug_not_empty"),
        sa.Index("ix_product_listing", "status", "featured", "position"),
    )


class Variant(Base):
    """One buyable version of a product, with its own SKU, price and stock."""

    __tablename__ = "variant"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    price_amount: Mapped[int]
    currency: Mapped[str] = mapped_column(sa.String(3))
    stock_on_hand: Mapped[int] = mapped_column(default=0)
    stock_reserved: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    product: Mapped[Product] = relationship(back_populates="variants")

    __table_args__ = (
        sa.CheckConstraint("price_amount >= 0", name="price_not_negative"),
        sa.CheckConstraint("stock_on_hand >= 0", name="stock_not_negative"),
        sa.CheckConstraint("stock_reserved >= 0", name="reserved_not_negative"),
        sa.CheckConstraint("stock_reserved <= stock_on_hand", name="reserved_within_stock"),
        sa.Index("ix_variant_product", "product_id", "position"),
    )

    @property
    def available(self) -> int:
        """Units a shopper can still buy: on hand minus those held by open checkouts."""
        return max(self.stock_on_hand - self.stock_reserved, 0)


class ProductImage(Base):
    """A product picture stored as WebP files in several widths."""

    __tablename__ = "product_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    alt: Mapped[str] = mapped_column(sa.String(300))
    stem: Mapped[str] = mapped_column(sa.String(80), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    widths: Mapped[list[int]] = mapped_column(sa.JSON)

    product: Mapped[Product] = relationship(back_populates="images")

    __table_args__ = (
        sa.CheckConstraint("alt <> ''", name="alt_required"),
        sa.Index("ix_product_image_product", "product_id", "position"),
    )
