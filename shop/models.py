"""Imports every model so the metadata (and Alembic) sees the whole schema."""

from shop.accounts.models import AuditEntry, StaffUser
from shop.cart.models import Cart, CartItem
from shop.catalog.models import Product, ProductImage, Variant
from shop.content.models import Article, Page
from shop.db import Base
from shop.editorial.models import Revision
from shop.orders.models import Order, OrderEvent, OrderLine, Refund, StripeEvent

__all__ = [
    "Article",
    "AuditEntry",
    "Base",
    "Cart",
    "CartItem",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Page",
    "Product",
    "ProductImage",
    "Refund",
    "Revision",
    "StaffUser",
    "StripeEvent",
    "Variant",
]
