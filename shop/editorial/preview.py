"""Staff previews of unpublished changes on the storefront's own pages."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from shop.accounts.models import Role
from shop.catalog.models import Product
from shop.content.models import Article, Page
from shop.content.services import live_article
from shop.editorial.snapshots import working_copy

#: The one value `?preview=` accepts.
PREVIEW_DRAFT = "draft"
EDITOR_ROLES = frozenset({Role.ADMIN, Role.MARKETER})


class PreviewError(ValueError):
    """A `?preview=` value the storefront does not know."""


def preview_requested(raw: str | None, user: Any) -> bool:
    """Whether to show the draft: only `draft`, and only to a signed-in editor.

    Anyone else gets the published page, as if they had not asked.
    """
    if raw is None:
        return False
    if raw != PREVIEW_DRAFT:
        raise PreviewError(raw)
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in (
        EDITOR_ROLES
    )


class DraftView:
    """An item read through its working copy; anything not edited falls through to the item."""

    def __init__(self, item: object, values: dict[str, Any]) -> None:
        self._item = item
        self._values = values

    def __getattr__(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        return getattr(self._item, name)


def _with_products(session: Session, ids: list[int]) -> list[Product]:
    if not ids:
        return []
    query = (
        sa.select(Product)
        .where(Product.id.in_(ids))
        .options(selectinload(Product.variants), selectinload(Product.images))
    )
    found = {p.id: p for p in session.scalars(query)}
    return [found[i] for i in ids if i in found]


# The views treat a DraftView as the model it wraps: templates only read attributes.
def preview_product(session: Session, slug: str) -> tuple[Product, list[Article]] | None:
    """A product (any status) as its working copy, with the live articles the draft links."""
    product = session.scalar(
        sa.select(Product)
        .where(Product.slug == slug)
        .options(selectinload(Product.variants), selectinload(Product.images))
    )
    if product is None:
        return None
    values = working_copy(session, product)
    ids = values["related_article_ids"]
    articles = (
        list(session.scalars(sa.select(Article).where(Article.id.in_(ids), live_article())))
        if ids
        else []
    )
    return cast(Product, DraftView(product, values)), articles


def preview_article(session: Session, slug: str) -> Article | None:
    """An article that is not deleted (any status or time) as its working copy."""
    article = session.scalar(
        sa.select(Article).where(Article.slug == slug, Article.deleted_at.is_(None))
    )
    if article is None:
        return None
    values = working_copy(session, article)
    values["products"] = _with_products(session, values["product_ids"])
    return cast(Article, DraftView(article, values))


def preview_page(session: Session, slug: str) -> Page | None:
    """A page that is not deleted (any status) as its working copy."""
    page = session.scalar(sa.select(Page).where(Page.slug == slug, Page.deleted_at.is_(None)))
    if page is None:
        return None
    return cast(Page, DraftView(page, working_copy(session, page)))
