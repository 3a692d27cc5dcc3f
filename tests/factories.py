"""Factories that create catalog and content rows for tests (a pytest plugin)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from shop.catalog.models import Product, ProductImage, PublishStatus, Variant
from shop.content.models import Article, Page
from shop.db import utcnow

_seq = itertools.count(1)


@pytest.fixture
def make_product(db: Session) -> Callable[..., Product]:
    """Create a published product with variants given as (name, price, stock) tuples."""

    def make(
        slug: str | None = None,
        variants: list[tuple[str, int, int]] | None = None,
        status: PublishStatus = PublishStatus.PUBLISHED,
        images: int = 0,
        **fields: Any,
    ) -> Product:
        n = next(_seq)
        product = Product(
            slug=slug or f"product-{n}",
            name=fields.pop("name", f"Product {n}"),
            tagline=fields.pop("tagline", "A tagline"),
            status=status,
            **fields,
        )
        for position, (name, price, stock) in enumerate(variants or [("Standard", 2500, 10)]):
            product.variants.append(
                Variant(
                    sku=f"SKU-{n}-{position}",
                    name=name,
                    price_amount=price,
                    currency="USD",
                    stock_on_hand=stock,
                    position=position,
                )
            )
        for position in range(images):
            product.images.append(
                ProductImage(
                    stem=f"test-{n}-{position}",
                    alt=f"Picture {position + 1} of product {n}",
                    position=position,
                    width=1200,
                    height=1200,
                    widths=[480, 800, 1200],
                )
            )
        db.add(product)
        db.commit()
        return product

    return make


@pytest.fixture
def make_article(db: Session) -> Callable[..., Article]:
    """Create an article, published yesterday unless told otherwise."""

    def make(
        slug: str | None = None,
        body: str = "Intro.\n\n## First\n\nText.\n\n## Second\n\nMore text.\n",
        status: PublishStatus = PublishStatus.PUBLISHED,
        products: list[Product] | None = None,
        **fields: Any,
    ) -> Article:
        n = next(_seq)
        article = Article(
            slug=slug or f"article-{n}",
            title=fields.pop("title", f"Article {n}"),
            summary=fields.pop("summary", "A summary."),
            body_md=body,
            status=status,
            published_at=fields.pop("published_at", utcnow() - timedelta(days=1)),
            products=products or [],
            **fields,
        )
        db.add(article)
        db.commit()
        return article

    return make


@pytest.fixture
def make_page(db: Session) -> Callable[..., Page]:
    """Create a published page."""

    def make(slug: str, body: str = "Body.", **fields: Any) -> Page:
        page = Page(
            slug=slug,
            title=fields.pop("title", slug.title()),
            body_md=body,
            status=fields.pop("status", PublishStatus.PUBLISHED),
            **fields,
        )
        db.add(page)
        db.commit()
        return page

    return make
