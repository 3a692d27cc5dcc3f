"""Content queries: what shoppers can read and when it went live."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from shop.catalog.models import Product, PublishStatus
from shop.content.models import Article, Page, article_product
from shop.db import utcnow


def live_article(now: datetime | None = None) -> sa.ColumnElement[bool]:
    """The condition for an article shoppers can read: published, not deleted, gone live."""
    return sa.and_(
        Article.status == PublishStatus.PUBLISHED,
        Article.deleted_at.is_(None),
        Article.published_at.is_not(None),
        Article.published_at <= (now or utcnow()),
    )


def _live_articles(now: datetime) -> sa.Select[Article]:
    return sa.select(Article).where(live_article(now))


def list_published_articles(session: Session, now: datetime | None = None) -> list[Article]:
    """Live articles, featured first, then newest first."""
    query = _live_articles(now or utcnow()).order_by(
        Article.featured.desc(), Article.published_at.desc(), Article.id
    )
    return list(session.scalars(query))


def get_published_article(
    session: Session, slug: str, now: datetime | None = None
) -> Article | None:
    """A live article by slug, with its related products, their variants and images."""
    query = (
        _live_articles(now or utcnow())
        .where(Article.slug == slug)
        .options(
            selectinload(Article.products).selectinload(Product.variants),
            selectinload(Article.products).selectinload(Product.images),
        )
    )
    return session.scalar(query)


def articles_for_product(
    session: Session, product_id: int, now: datetime | None = None, limit: int = 4
) -> list[Article]:
    """Live articles that link to a product, newest first."""
    query = (
        _live_articles(now or utcnow())
        .join(article_product, article_product.c.article_id == Article.id)
        .where(article_product.c.product_id == product_id)
        .order_by(Article.published_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def get_published_page(session: Session, slug: str) -> Page | None:
    """A published, not deleted page by slug."""
    return session.scalar(
        sa.select(Page).where(
            Page.slug == slug, Page.status == PublishStatus.PUBLISHED, Page.deleted_at.is_(None)
        )
    )


def list_published_pages(session: Session) -> list[Page]:
    """Published pages, by title."""
    query = (
        sa.select(Page)
        .where(Page.status == PublishStatus.PUBLISHED, Page.deleted_at.is_(None))
        .order_by(Page.title)
    )
    return list(session.scalars(query))
