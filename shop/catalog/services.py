"""Catalog queries and the rules for showing prices and stock."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from shop.catalog.models import Product, PublishStatus, Variant

#: At or below this many units a product page says "only N left".
LOW_STOCK_THRESHOLD = 5


class StockLevel(enum.StrEnum):
    """How much of a variant a shopper can still buy."""

    #: Plenty available.
    IN_STOCK = "in_stock"
    #: A few left; worth telling the shopper.
    LOW = "low"
    #: Nothing available to buy.
    SOLD_OUT = "sold_out"


@dataclass(frozen=True)
class StockState:
    """A variant's stock as a shopper sees it."""

    level: StockLevel
    available: int

    @property
    def label(self) -> str:
        """Short text for the product page."""
        if self.level is StockLevel.SOLD_OUT:
            return "Sold out"
        if self.level is StockLevel.LOW:
            return f"Only {self.available} left"
        return "In stock"


def stock_state(variant: Variant) -> StockState:
    """Classify a variant's available stock."""
    available = variant.available
    if available <= 0:
        return StockState(StockLevel.SOLD_OUT, 0)
    if available <= LOW_STOCK_THRESHOLD:
        return StockState(StockLevel.LOW, available)
    return StockState(StockLevel.IN_STOCK, available)


def buyable_variants(product: Product) -> list[Variant]:
    """Active variants in display order."""
    return [v for v in product.variants if v.active]


def price_from(product: Product) -> Variant | None:
    """The cheapest active variant, for "from $X" prices; None if nothing is for sale."""
    variants = buyable_variants(product)
    return min(variants, key=lambda v: (v.price_amount, v.position)) if variants else None


def default_variant(product: Product) -> Variant | None:
    """The variant preselected on the product page: the first one still in stock."""
    variants = buyable_variants(product)
    in_stock = [v for v in variants if v.available > 0]
    choices = in_stock or variants
    return choices[0] if choices else None


def _published() -> sa.Select[Product]:
    return (
        sa.select(Product)
        .where(Product.status == PublishStatus.PUBLISHED)
        .options(selectinload(Product.variants), selectinload(Product.images))
    )


def list_published_products(session: Session) -> list[Product]:
    """Published products, featured first, then by position and name."""
    query = _published().order_by(Product.featured.desc(), Product.position, Product.name)
    return list(session.scalars(query))


def get_published_product(session: Session, slug: str) -> Product | None:
    """A published product by slug, with variants and images loaded."""
    return session.scalar(_published().where(Product.slug == slug))


def published_products_by_slug(session: Session, slugs: Iterable[str]) -> dict[str, Product]:
    """Published products for the given slugs, keyed by slug (unknown slugs are absent)."""
    wanted = set(slugs)
    if not wanted:
        return {}
    return {p.slug: p for p in session.scalars(_published().where(Product.slug.in_(wanted)))}


def hero_product(session: Session) -> Product | None:
    """The product the home page leads with: the first featured published product."""
    products = list_published_products(session)
    return products[0] if products else None
