"""Content models: Article, Page and the article-product link."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.catalog.models import PublishStatus
from shop.db import Base, enum_column, utcnow

if TYPE_CHECKING:
    from shop.catalog.models import Product

article_product = sa.Table(
    "article_product",
    Base.metadata,
    sa.Column("article_id", sa.ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("product_id", sa.ForeignKey("product.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False, default=0),
)


class Article(Base):
    """An educational article in the /learn hub."""

    __tablename__ = "article"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(400), default="")
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    seo_title: Mapped[str] = mapped_column(sa.String(120), default="")
    seo_description: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[PublishStatus] = mapped_column(
        enum_column(PublishStatus, "article_status"), default=PublishStatus.DRAFT
    )
    #: Featured articles lead the hub and the home page ("start here").
    featured: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    #: Grows on every editorial change; saves name the version they started from.
    version: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))
    #: Unpublished edits of a published item (None: nothing pending).
    draft: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    products: Mapped[list[Product]] = relationship(
        secondary=article_product, order_by=article_product.c.position
    )

    __table_args__ = (
        sa.CheckConstraint("slug <> ''", name="slug_not_empty"),
        sa.Index("ix_article_listing", "status", "published_at"),
    )


class Page(Base):
    """A static page such as shipping, returns, privacy or terms."""

    __tablename__ = "page"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    seo_description: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[PublishStatus] = mapped_column(
        enum_column(PublishStatus, "page_status"), default=PublishStatus.DRAFT
    )
    deleted_at: Mapped[datetime | None]
    #: Grows on every editorial change; saves name the version they started from.
    version: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))
    #: Unpublished edits of a published item (None: nothing pending).
    draft: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (sa.CheckConstraint("slug <> ''", name="slug_not_empty"),)
