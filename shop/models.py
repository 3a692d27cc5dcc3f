"""Imports every model so the metadata (and Alembic) sees the whole schema."""

from shop.accounts.models import AuditEntry, StaffUser
from shop.cart.models import Cart, CartItem
from shop.catalog.models import Product, ProductImage, Variant
from shop.content.models import Article, Page
from shop.db import Base
from shop.editorial.models import Revision
from shop.insights.models import ArticleReading
from shop.inventory.models import PriceChange, StockMovement
from shop.mail.models import OutboxEmail
from shop.operations.models import RefundRequest, Shipment, ShipmentLine
from shop.orders.models import Order, OrderEvent, OrderLine, Refund, StripeEvent
from shop.reconcile.models import ReconcileRun

__all__ = [
    "Article",
    "ArticleReading",
    "AuditEntry",
    "Base",
    "Cart",
    "CartItem",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OutboxEmail",
    "Page",
    "PriceChange",
    "Product",
    "ProductImage",
    "ReconcileRun",
    "Refund",
    "RefundRequest",
    "Revision",
    "Shipment",
    "ShipmentLine",
    "StaffUser",
    "StockMovement",
    "StripeEvent",
    "Variant",
]
