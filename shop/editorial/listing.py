"""Backoffice lists of editable items: search by name, title or slug, page by page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from shop.catalog.models import Product
from shop.content.models import Article, Page

PAGE_SIZE = 25
T = TypeVar("T", Product, Article, Page)


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of a list and what the pager needs."""

    items: list[T]
    page: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        """Number of pages, at least one."""
        return max(1, -(-self.total // self.size))


def _contains(
    column: sa.ColumnElement[str] | InstrumentedAttribute[str], needle: str
) -> sa.ColumnElement[bool]:
    # LIKE wildcards in the search text are matched literally.
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped.lower()}%", escape="\\")


def search_items(
    session: Session,
    model: type[T],
    q: str = "",
    page: int = 1,
    deleted: bool = False,
    size: int = PAGE_SIZE,
) -> Listing[T]:
    """Items whose name/title or slug contains `q` (any case), newest change first."""
    title = model.name if model is Product else model.title  # type: ignore[attr-defined]
    query = sa.select(model)
    if model is not Product:
        deleted_at = model.deleted_at  # type: ignore[attr-defined]
        query = query.where(deleted_at.is_not(None) if deleted else deleted_at.is_(None))
    needle = q.strip()[:200]
    if needle:
        query = query.where(sa.or_(_contains(title, needle), _contains(model.slug, needle)))
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(model.updated_at.desc(), model.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    )
    return Listing(list(rows), page, total, size)
