"""The editable fields of each kind of item, read and written as plain JSON snapshots."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.catalog.models import Product
from shop.content.models import Article, Page, article_product
from shop.editorial.concurrency import Editable
from shop.editorial.models import ItemKind

#: Editable fields per kind, in the order forms and comparisons show them.
FIELDS: dict[ItemKind, tuple[str, ...]] = {
    ItemKind.PRODUCT: (
        "name", "tagline", "description_md", "highlights", "faq", "seo_title",
        "seo_description", "featured", "related_article_ids",
    ),
    ItemKind.ARTICLE: (
        "slug", "title", "summary", "body_md", "seo_title", "seo_description", "featured",
        "product_ids",
    ),
    ItemKind.PAGE: ("slug", "title", "body_md", "seo_description"),
}  # fmt: skip

#: Human labels for fields, for history and comparison pages.
LABELS = {
    "name": "Name", "tagline": "Tagline", "description_md": "Description",
    "highlights": "Highlights", "faq": "Questions and answers", "seo_title": "SEO title",
    "seo_description": "SEO description", "featured": "Featured",
    "related_article_ids": "Related articles", "slug": "Slug", "title": "Title",
    "summary": "Summary", "body_md": "Body", "product_ids": "Related products",
}  # fmt: skip

# Fields kept in link tables rather than on the item's own row.
LINK_FIELDS = {"related_article_ids", "product_ids"}


def kind_of(item: Editable) -> ItemKind:
    """The kind of an editable item."""
    if isinstance(item, Product):
        return ItemKind.PRODUCT
    return ItemKind.ARTICLE if isinstance(item, Article) else ItemKind.PAGE


def label_of(item: Editable) -> str:
    """A short audit target such as "article:3 desk-posture"."""
    return f"{kind_of(item).value}:{item.id} {item.slug}"


def _linked_ids(session: Session, item: Editable) -> list[int]:
    if isinstance(item, Article):
        query = (
            sa.select(article_product.c.product_id)
            .where(article_product.c.article_id == item.id)
            .order_by(article_product.c.position, article_product.c.product_id)
        )
    else:
        query = (
            sa.select(article_product.c.article_id)
            .where(article_product.c.product_id == item.id)
            .order_by(article_product.c.article_id)
        )
    return list(session.scalars(query))


def live_snapshot(session: Session, item: Editable) -> dict[str, Any]:
    """What shoppers see (or would see once published): the item's own columns and links."""
    values: dict[str, Any] = {}
    for name in FIELDS[kind_of(item)]:
        if name in LINK_FIELDS:
            values[name] = _linked_ids(session, item) if item.id else []
        else:
            values[name] = getattr(item, name)
    return values


def working_copy(session: Session, item: Editable) -> dict[str, Any]:
    """The values an editor works on: the pending draft, else the live values."""
    live = live_snapshot(session, item)
    if item.draft is None:
        return live
    # Fields added after a draft was saved fall back to their live value.
    return {name: item.draft.get(name, live[name]) for name in live}


def normalise(kind: ItemKind, snapshot: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """Only this kind's fields, missing ones taken from `base` (old revisions may lack some)."""
    return {name: snapshot.get(name, base[name]) for name in FIELDS[kind]}


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Names of fields whose values differ."""
    return [name for name in after if before.get(name) != after.get(name)]


def apply_to_live(session: Session, item: Editable, values: dict[str, Any]) -> None:
    """Write a snapshot into the item's columns and links (what shoppers will see)."""
    for name, value in values.items():
        if name not in LINK_FIELDS:
            setattr(item, name, value)
    if isinstance(item, Article) and "product_ids" in values:
        _write_article_products(session, item, values["product_ids"])
    elif isinstance(item, Product) and "related_article_ids" in values:
        _write_product_articles(session, item, values["related_article_ids"])
    session.flush()


def _write_article_products(session: Session, article: Article, product_ids: list[int]) -> None:
    # Rewritten in full: the list's order is the order of the cards under the article.
    session.execute(sa.delete(article_product).where(article_product.c.article_id == article.id))
    rows = [
        {"article_id": article.id, "product_id": pid, "position": position}
        for position, pid in enumerate(dict.fromkeys(product_ids))
    ]
    if rows:
        session.execute(sa.insert(article_product), rows)
    session.expire(article, ["products"])


def _write_product_articles(session: Session, product: Product, article_ids: list[int]) -> None:
    # Only links that changed: the others keep their position within their article.
    current = set(_linked_ids(session, product))
    wanted = set(article_ids)
    if current - wanted:
        session.execute(
            sa.delete(article_product).where(
                article_product.c.product_id == product.id,
                article_product.c.article_id.in_(current - wanted),
            )
        )
    rows = [
        {"article_id": aid, "product_id": product.id, "position": 100}
        for aid in sorted(wanted - current)
    ]
    if rows:
        session.execute(sa.insert(article_product), rows)
    for article in session.scalars(sa.select(Article).where(Article.id.in_(current ^ wanted))):
        session.expire(article, ["products"])


def model_of(kind: ItemKind) -> type[Product] | type[Article] | type[Page]:
    """The model class behind a kind."""
    if kind is ItemKind.PRODUCT:
        return Product
    return Article if kind is ItemKind.ARTICLE else Page
