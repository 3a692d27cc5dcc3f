"""First-party, cookie-less attribution of orders to articles, recorded at checkout.

The shop sets no tracking cookie and keeps no browsing history. Two signals survive that:

- "followed": an article's "shop this" block carries the article's slug in the add-to-cart
  form (or, through "See options", in the product page's `?from=`), and the cart line keeps
  it. The shopper went from that article to the cart; nothing is stored in the browser.
- "featured": the published articles that feature a product bought (as a related product
  or a "shop this" block), whether or not the shopper saw them.

Both are snapshotted per order when the checkout starts, so editing articles later does
not rewrite history. One row per order and article; "followed" wins over "featured".
"""

from __future__ import annotations

import logging
import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.cart.models import Cart, CartItem
from shop.catalog.models import Product, Variant
from shop.content.models import Article, article_product
from shop.content.services import live_article
from shop.insights.models import ArticleReading
from shop.orders.models import Order

log = logging.getLogger(__name__)

BASIS_FEATURED = "featured"
BASIS_FOLLOWED = "followed"
#: An order rarely matches more; a cap keeps a catalog-wide article from flooding the table.
MAX_ARTICLES = 20


#: The shape of an article slug; anything else in `from` is ignored, never an error.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,119}")


def article_slug_or_none(raw: str | None) -> str | None:
    """`raw` if it looks like an article slug, else None (a stale or mangled link)."""
    value = (raw or "").strip()
    return value if SLUG.fullmatch(value) else None


def followed_article_id(session: Session, raw: str | None) -> int | None:
    """The published article named by an add-to-cart form's `from_article`, if any.

    Attribution never stands in a purchase's way: a missing, mangled, unpublished or
    deleted article simply isn't recorded.
    """
    slug = article_slug_or_none(raw)
    if slug is None:
        return None
    return session.scalar(sa.select(Article.id).where(Article.slug == slug, live_article()))


def followed_articles(session: Session, cart_token: str) -> list[tuple[int, str]]:
    """Articles (id, current slug) the lines of this cart were added from."""
    if not cart_token:
        return []
    query = (
        sa.select(Article.id, Article.slug)
        .join(CartItem, CartItem.from_article_id == Article.id)
        .join(Cart, Cart.id == CartItem.cart_id)
        .where(Cart.token == cart_token)
        .distinct()
        .order_by(Article.id)
        .limit(MAX_ARTICLES)
    )
    return [(row.id, row.slug) for row in session.execute(query)]


def featuring_articles(session: Session, product_ids: set[int]) -> list[tuple[int, str]]:
    """Published articles (id, slug) that link to or embed any of these products."""
    if not product_ids:
        return []
    slugs = list(session.scalars(sa.select(Product.slug).where(Product.id.in_(product_ids))))
    linked = sa.select(article_product.c.article_id).where(
        article_product.c.product_id.in_(product_ids)
    )
    embedded = [Article.body_md.contains(f"[[shop {slug}]]", autoescape=True) for slug in slugs]
    query = (
        sa.select(Article.id, Article.slug)
        .where(live_article(), sa.or_(Article.id.in_(linked), *embedded))
        .order_by(Article.id)
        .limit(MAX_ARTICLES)
    )
    return [(row.id, row.slug) for row in session.execute(query)]


def record_article_attribution(session: Session, order: Order, cart_token: str) -> int:
    """Snapshot the articles behind this order (followed, then featured); never breaks a checkout.

    Returns how many articles were recorded.
    """
    variant_ids = {line.variant_id for line in order.lines if line.variant_id}
    try:
        with session.begin_nested():
            followed = followed_articles(session, cart_token)
            product_ids = set(
                session.scalars(sa.select(Variant.product_id).where(Variant.id.in_(variant_ids)))
            )
            seen = {article_id for article_id, _slug in followed}
            featured = [
                (article_id, slug)
                for article_id, slug in featuring_articles(session, product_ids)
                if article_id not in seen
            ]
            rows = [(a, s, BASIS_FOLLOWED) for a, s in followed]
            rows += [(a, s, BASIS_FEATURED) for a, s in featured]
            session.add_all(
                ArticleReading(order_id=order.id, article_id=a, article_slug=s, basis=basis)
                for a, s, basis in rows
            )
        return len(rows)
    except sa.exc.SQLAlchemyError:
        # Attribution is a nice-to-have; the shopper's checkout must go on without it.
        log.exception("could not record article attribution for order %s", order.number)
        return 0
