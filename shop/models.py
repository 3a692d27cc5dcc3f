"""Imports every model so the metadata (and Alembic) sees the whole schema."""

from shop.catalog.models import Product, ProductImage, Variant
from shop.content.models import Article, Page
from shop.db import Base

__all__ = ["Article", "Base", "Page", "Product", "ProductImage", "Variant"]
