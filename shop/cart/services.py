"""Cart rules: what may go in a cart, in what quantity, and what it costs now."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from shop.cart.models import Cart, CartItem
from shop.cart.summary import (
    NO_LONGER_AVAILABLE,
    CartLine,
    CartSummary,
    cart_item_count,
    for_sale,
    summarize_cart,
)
from shop.catalog.models import Product, PublishStatus, Variant
from shop.db import utcnow

# The read side lives in shop.cart.summary; callers may import all of it from here.
__all__ = [
    "MAX_QUANTITY",
    "NO_LONGER_AVAILABLE",
    "CartError",
    "CartLine",
    "CartSummary",
    "UnknownVariantError",
    "add_item",
    "cart_item_count",
    "clear_cart",
    "find_item",
    "get_cart",
    "get_or_create_cart",
    "line_label",
    "parse_quantity",
    "parse_variant_id",
    "published_slug_for_variant",
    "remove_item",
    "set_quantity",
    "summarize_cart",
]

#: Most units of one product option a cart can hold (the database checks it too).
MAX_QUANTITY = 99

QUANTITY_MESSAGE = f"Enter a whole number of items between 1 and {MAX_QUANTITY}."
UPDATE_QUANTITY_MESSAGE = f"Enter a whole number between 0 and {MAX_QUANTITY} (0 removes the item)."
UNKNOWN_VARIANT_MESSAGE = "That product option doesn't exist."
UNAVAILABLE_MESSAGE = "That product option isn't available."
NOT_IN_CART_MESSAGE = "That item isn't in your cart."

# ASCII digits only (int() also reads other scripts' digits); ten is enough for 2**31 - 1.
_DIGITS = re.compile(r"[0-9]{1,10}", re.ASCII)
_MAX_ID = 2**31 - 1


class CartError(Exception):
    """A change to the cart that cannot be made; `message` is written for the shopper."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownVariantError(CartError):
    """The product option asked for does not exist at all (a broken or forged form)."""


def _whole_number(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if _DIGITS.fullmatch(text) else None


def parse_quantity(raw: str | None, *, allow_zero: bool = False) -> int:
    """A quantity typed by the shopper; 0 is accepted only where it means "remove"."""
    value = _whole_number(raw)
    if value is None or not (0 if allow_zero else 1) <= value <= MAX_QUANTITY:
        raise CartError(UPDATE_QUANTITY_MESSAGE if allow_zero else QUANTITY_MESSAGE)
    return value


def parse_variant_id(raw: str | None) -> int:
    """A variant id from a form, checked to be a positive database integer."""
    value = _whole_number(raw)
    if value is None or not 1 <= value <= _MAX_ID:
        raise UnknownVariantError(UNKNOWN_VARIANT_MESSAGE)
    return value


def get_cart(session: Session, token: str | None) -> Cart | None:
    """The cart named by `token`, if there is one."""
    if not token or len(token) > 64:
        return None
    return session.scalar(sa.select(Cart).where(Cart.token == token))


def get_or_create_cart(session: Session, token: str | None) -> Cart:
    """The cart named by `token`, or a new one with a fresh token (never the one given)."""
    cart = get_cart(session, token)
    if cart is None:
        cart = Cart()
        session.add(cart)
        session.flush()
    return cart


def line_label(variant: Variant) -> str:
    """How a cart line is named to the shopper, e.g. "Balmorex Pro – Sand"."""
    return f"{variant.product.name} – {variant.name}"


def find_item(cart: Cart, item_id: int) -> CartItem:
    """A line of this cart; a line of any other cart is treated as missing."""
    item = next((i for i in cart.items if i.id == item_id), None)
    if item is None:
        raise CartError(NOT_IN_CART_MESSAGE)
    return item


def published_slug_for_variant(session: Session, variant_id: int) -> str | None:
    """The slug of the published product a variant belongs to, to send the shopper back."""
    return session.scalar(
        sa.select(Product.slug)
        .join(Variant, Variant.product_id == Product.id)
        .where(Variant.id == variant_id, Product.status == PublishStatus.PUBLISHED)
    )


def _lock(session: Session, cart: Cart) -> None:
    # Writing the cart row first takes its lock, so two requests changing one cart (a double
    # click) run one after the other and the second sees the first's lines, on any database.
    session.execute(sa.update(Cart).where(Cart.id == cart.id).values(updated_at=utcnow()))
    session.expire(cart, ["items"])


def _check_stock(variant: Variant, wanted: int, already: int = 0) -> None:
    label, available = line_label(variant), variant.available
    if available <= 0:
        raise CartError(f"{label} is sold out.")
    if wanted > available:
        if already:
            raise CartError(
                f"Only {available} of {label} left, and your cart already has {already}."
            )
        raise CartError(f"Only {available} of {label} left.")
    if wanted > MAX_QUANTITY:
        raise CartError(f"A cart can hold up to {MAX_QUANTITY} of {label}.")


def _check_quantity(quantity: int, smallest: int = 1) -> None:
    if not smallest <= quantity <= MAX_QUANTITY:
        raise CartError(UPDATE_QUANTITY_MESSAGE if smallest == 0 else QUANTITY_MESSAGE)


def add_item(
    session: Session,
    cart: Cart,
    variant_id: int,
    quantity: int,
    from_article_id: int | None = None,
) -> CartItem:
    """Put `quantity` of a variant in the cart, merging with a line it already has.

    `from_article_id` names the article the shopper added it from; the latest one wins.
    """
    _check_quantity(quantity)
    variant = session.scalar(
        sa.select(Variant).where(Variant.id == variant_id).options(joinedload(Variant.product))
    )
    if variant is None:
        raise UnknownVariantError(UNKNOWN_VARIANT_MESSAGE)
    if not for_sale(variant):
        raise CartError(UNAVAILABLE_MESSAGE)
    _lock(session, cart)
    # Read the line fresh: a copy loaded before the lock may hold a quantity since changed.
    item = session.scalar(
        sa.select(CartItem)
        .where(CartItem.cart_id == cart.id, CartItem.variant_id == variant.id)
        .execution_options(populate_existing=True)
    )
    already = item.quantity if item else 0
    _check_stock(variant, already + quantity, already)
    if item is None:
        item = CartItem(variant=variant, quantity=quantity, from_article_id=from_article_id)
        cart.items.append(item)
    else:
        item.quantity = already + quantity
        if from_article_id is not None:
            item.from_article_id = from_article_id
    session.flush()
    return item


def set_quantity(session: Session, cart: Cart, item_id: int, quantity: int) -> CartItem | None:
    """Change a line's quantity; 0 removes the line and returns None."""
    _check_quantity(quantity, smallest=0)
    _lock(session, cart)
    item = find_item(cart, item_id)
    if quantity == 0:
        cart.items.remove(item)
        session.flush()
        return None
    if not for_sale(item.variant):
        raise CartError(f"{line_label(item.variant)} isn't available any more; remove it.")
    _check_stock(item.variant, quantity)
    item.quantity = quantity
    session.flush()
    return item


def remove_item(session: Session, cart: Cart, item_id: int) -> None:
    """Take a line out of the cart."""
    _lock(session, cart)
    cart.items.remove(find_item(cart, item_id))
    session.flush()


def clear_cart(session: Session, token: str) -> None:
    """Empty the cart named by `token` (after its order was placed); no cart, no change."""
    cart = get_cart(session, token)
    if cart is None:
        return
    _lock(session, cart)
    session.execute(sa.delete(CartItem).where(CartItem.cart_id == cart.id))
    session.expire(cart, ["items"])
