"""Which articles featured what an order bought, recorded when its checkout started."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base, utcnow


class ArticleReading(Base):
    """An article that featured a product of this order at checkout time.

    `basis` names the signal: "featured" means the article linked to or embedded one of
    the products bought; it is an approximation, not proof that the shopper read it.
    """

    __tablename__ = "article_reading"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"))
    article_id: Mapped[int | None] = mapped_column(sa.ForeignKey("article.id", ondelete="SET NULL"))
    #: Copied at checkout so the record survives the article's deletion or a new slug.
    article_slug: Mapped[str] = mapped_column(sa.String(120))
    basis: Mapped[str] = mapped_column(sa.String(20), default="featured")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint(
            "order_id", "article_slug", name="uq_article_reading_order_id_article_slug"
        ),
        sa.Index("ix_article_reading_article", "article_slug"),
    )
