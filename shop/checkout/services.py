"""Starting a checkout: a pending order, held stock and a Stripe Checkout Session."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from shop.cart.services import CartSummary
from shop.catalog.stock import reserve_stock
from shop.checkout.gateway import (
    CheckoutLine,
    CheckoutRequest,
    PaymentError,
    ShippingChoice,
    StripeGateway,
)
from shop.db import utcnow
from shop.orders.models import Order, OrderStatus
from shop.orders.services import (
    NewLine,
    create_order,
    move_order,
    open_order_for_cart,
    record_event,
    release_order_stock,
)


class CheckoutError(Exception):
    """Checkout cannot start; `message` tells the shopper why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckoutSettings:
    """The parts of the configuration a checkout needs."""

    currency: str
    success_url: str
    cancel_url: str
    expiry_minutes: int
    shipping_countries: list[str]
    free_shipping_over: int
    standard_amount: int
    express_amount: int
    allow_promotion_codes: bool


def shipping_choices(settings: CheckoutSettings, subtotal: int) -> list[ShippingChoice]:
    """Standard (free above the threshold) and express delivery."""
    standard = 0 if subtotal >= settings.free_shipping_over else settings.standard_amount
    return [
        ShippingChoice("Standard shipping", standard, 4, 7),
        ShippingChoice("Express shipping", settings.express_amount, 1, 3),
    ]


def cart_fingerprint(cart: CartSummary) -> str:
    """A digest of what is being bought at which price; equal carts give equal digests."""
    parts = [f"{line.variant_id}:{line.quantity}:{line.unit_amount}" for line in cart.lines]
    return hashlib.sha256("|".join(sorted(parts)).encode()).hexdigest()


def _check_cart(cart: CartSummary) -> None:
    if cart.is_empty:
        raise CheckoutError("Your cart is empty. Add something before checking out.")
    for line in cart.lines:
        if line.problem:
            raise CheckoutError(
                f"{line.product_name} ({line.variant_name}): {line.problem}. "
                "Please update your cart."
            )


def _reserve(session: Session, cart: CartSummary) -> None:
    for line in cart.lines:
        if not reserve_stock(session, line.variant_id, line.quantity):
            raise CheckoutError(
                f"Sorry, {line.product_name} ({line.variant_name}) just sold out or has "
                "fewer left than your cart holds. Please update your cart."
            )


def place_pending_order(
    session: Session, cart: CartSummary, cart_token: str, settings: CheckoutSettings
) -> Order:
    """Hold the stock and create the pending order (the caller commits before paying)."""
    _check_cart(cart)
    if cart.currency != settings.currency:
        raise CheckoutError("Prices changed currency. Please reload your cart.")
    _reserve(session, cart)
    return create_order(
        session,
        [
            NewLine(
                variant_id=line.variant_id,
                product_name=line.product_name,
                variant_name=line.variant_name,
                sku=line.sku,
                unit_amount=line.unit_amount,
                quantity=line.quantity,
            )
            for line in cart.lines
        ],
        settings.currency,
        cart_token=cart_token,
        cart_fingerprint=cart_fingerprint(cart),
        # Stripe counts its 30-minute minimum from its own receipt of the request: add slack.
        checkout_expires_at=utcnow() + timedelta(minutes=settings.expiry_minutes, seconds=60),
    )


def reusable_checkout(session: Session, cart: CartSummary, cart_token: str) -> Order | None:
    """An open checkout for this exact cart (a double click or the back button)."""
    order = open_order_for_cart(session, cart_token, cart_fingerprint(cart))
    if order and order.checkout_expires_at and order.checkout_expires_at > utcnow():
        return order
    return None


def open_stripe_checkout(
    session: Session, gateway: StripeGateway, order: Order, settings: CheckoutSettings
) -> str:
    """Create the Checkout Session for a committed pending order; return its URL."""
    assert order.checkout_expires_at is not None
    request = CheckoutRequest(
        order_id=order.id,
        order_number=order.number,
        currency=order.currency,
        lines=[
            CheckoutLine(
                name=f"{line.product_name} ({line.variant_name})",
                unit_amount=line.unit_amount,
                quantity=line.quantity,
                sku=line.sku,
            )
            for line in order.lines
        ],
        success_url=settings.success_url,
        cancel_url=settings.cancel_url,
        expires_at=order.checkout_expires_at,
        shipping_countries=settings.shipping_countries,
        shipping_choices=shipping_choices(settings, order.subtotal_amount),
        allow_promotion_codes=settings.allow_promotion_codes,
    )
    opened = gateway.open_checkout(request, idempotency_key=f"checkout-{order.number}")
    order.stripe_session_id = opened.id
    order.stripe_session_url = opened.url
    record_event(order, "checkout_started", "Checkout started; stock held.", public=True)
    session.flush()
    return opened.url


def abandon_checkout(session: Session, order: Order, error: PaymentError) -> None:
    """Stripe could not open a session: cancel the order and give the stock back."""
    move_order(session, order, OrderStatus.CANCELLED)
    release_order_stock(session, order)
    record_event(
        order, "checkout_failed", f"Stripe could not open a checkout: {error.code or 'error'}."
    )
    session.flush()
