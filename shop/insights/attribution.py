"""First-party, cookie-less attribution of orders to articles, recorded at checkout.

The shop sets no tracking cookie and keeps no browsing history, so at checkout it cannot
know which article a shopper read. What it does know, on the server, is what is being
bought and which published articles feature those products (linked as related products or
embedded as "shop this" blocks). That set is snapshotted per order when the checkout
starts, so later editing of articles does not rewrite history. It measures which articles
*sell* the products bought, not who read what; the dashboard says so.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.catalog.models import Product, PublishStatus, Variant
from shop.content.models import Article, article_product
from shop.db import utcnow
from shop.insights.models import ArticleReading
from shop.orders.models import Order

log = logging.getLogger(__name__)

BASIS_FEATURED = "featured"
#: An order rarely matches more; a cap keeps a catalog-wide article from flooding the table.
MAX_ARTICLES = 20


def featuring_articles(session: Session, product_ids: set[int]) -> list[tuple[int, str]]:
    """Published articles (id, slug) that link to or embed any of these products."""
    if not product_ids:
        return []
    slugs = list(session.scalars(sa.select(Product.slug).where(Product.id.in_(product_ids))))
    live = sa.and_(
        Article.status == PublishStatus.PUBLISHED,
        Article.deleted_at.is_(None),
        Article.published_at <= utcnow(),
    )
    linked = sa.select(article_product.c.article_id).where(
        article_product.c.product_id.in_(product_ids)
    )
    embedded = [Article.body_md.contains(f"[[shop {slug}]]", autoescape=True) for slug in slugs]
    query = (
        sa.select(Article.id, Article.slug)
        .where(live, sa.or_(Article.id.in_(linked), *embedded))
        .order_by(Article.id)
        .limit(MAX_ARTICLES)
    )
    return [(row.id, row.slug) for row in session.execute(query)]


def record_featured_articles(session: Session, order: Order) -> int:
    """Snapshot the articles featuring this order's products; never breaks a checkout."""
    variant_ids = {line.variant_id for line in order.lines if line.variant_id}
    try:
        with session.begin_nested():
            product_ids = set(
                session.scalars(sa.select(Variant.product_id).where(Variant.id.in_(variant_ids)))
            )
            found = featuring_articles(session, product_ids)
            session.add_all(
                ArticleReading(
                    order_id=order.id, article_id=article_id, article_slug=slug,
                    basis=BASIS_FEATURED,
                )
                for article_id, slug in found
            )  # fmt: skip
        return len(found)
    except sa.exc.SQLAlchemyError:
        # Attribution is a nice-to-have; the shopper's checkout must go on without it.
        log.exception("could not record article attribution for order %s", order.number)
        return 0
