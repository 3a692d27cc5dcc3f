"""What a cart holds as the shopper sees it: lines priced from the database now, and totals."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from shop.cart.models import Cart, CartItem
from shop.catalog.models import Product, ProductImage, PublishStatus, Variant

#: A line's note when its product or option was taken off sale.
NO_LONGER_AVAILABLE = "No longer available"


def for_sale(variant: Variant) -> bool:
    """True when shoppers may buy this variant: active, and its product published."""
    return variant.active and variant.product.status == PublishStatus.PUBLISHED


def cart_item_count(session: Session, token: str) -> int:
    """Units in the cart named by `token`, in one query (for the header badge)."""
    total = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(CartItem.quantity), 0))
        .join(Cart, Cart.id == CartItem.cart_id)
        .where(Cart.token == token)
    )
    return int(total or 0)


@dataclass(frozen=True)
class CartLine:
    """A cart line as the shopper sees it, priced from the database now."""

    item_id: int
    variant_id: int
    product_slug: str
    product_name: str
    variant_name: str
    sku: str
    unit_amount: int
    currency: str
    quantity: int
    available: int
    image: ProductImage | None
    problem: str | None
    #: False once the product is unpublished, so its page must not be linked.
    product_listed: bool = True

    @property
    def line_total(self) -> int:
        """Unit price times quantity, in minor units."""
        return self.unit_amount * self.quantity


@dataclass(frozen=True)
class CartSummary:
    """Every line of a cart and the totals shown with them."""

    lines: list[CartLine]
    currency: str

    @property
    def subtotal(self) -> int:
        """Sum of the line totals, in minor units."""
        return sum(line.line_total for line in self.lines)

    @property
    def count(self) -> int:
        """Units in the cart."""
        return sum(line.quantity for line in self.lines)

    @property
    def is_empty(self) -> bool:
        """True when the cart has no lines."""
        return not self.lines

    @property
    def has_problems(self) -> bool:
        """True when any line cannot be bought as it stands."""
        return any(line.problem for line in self.lines)


def _problem(item: CartItem, currency: str) -> str | None:
    variant = item.variant
    if not for_sale(variant):
        return NO_LONGER_AVAILABLE
    if variant.currency != currency:
        return f"Not sold in {currency}"
    if variant.available <= 0:
        return "Sold out"
    if item.quantity > variant.available:
        return f"Only {variant.available} left"
    return None


def summarize_cart(session: Session, cart: Cart | None, currency: str) -> CartSummary:
    """The cart's lines in the order they were added, with live prices and stock."""
    if cart is None:
        return CartSummary(lines=[], currency=currency)
    items = session.scalars(
        sa.select(CartItem)
        .where(CartItem.cart_id == cart.id)
        .order_by(CartItem.id)
        .options(
            joinedload(CartItem.variant).joinedload(Variant.product).selectinload(Product.images)
        )
        # Stock and prices may have changed in this session through bulk updates; read them anew.
        .execution_options(populate_existing=True)
    )
    lines = []
    for item in items:
        variant, product = item.variant, item.variant.product
        lines.append(
            CartLine(
                item_id=item.id,
                variant_id=variant.id,
                product_slug=product.slug,
                product_name=product.name,
                variant_name=variant.name,
                sku=variant.sku,
                unit_amount=variant.price_amount,
                currency=variant.currency,
                quantity=item.quantity,
                available=variant.available,
                image=product.images[0] if product.images else None,
                problem=_problem(item, currency),
                product_listed=product.status == PublishStatus.PUBLISHED,
            )
        )
    return CartSummary(lines=lines, currency=currency)
