"""Revisions: one row per saved version of a product, article or page."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base, enum_column, utcnow


class ItemKind(enum.StrEnum):
    """Which kind of editable item a revision belongs to."""

    #: A catalog product (copy only; prices and stock are not revisioned here).
    PRODUCT = "product"
    #: An article in the /learn hub.
    ARTICLE = "article"
    #: A static page.
    PAGE = "page"


class Revision(Base):
    """A full snapshot of an item's editable fields at one version, and who made it."""

    __tablename__ = "revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind, "revision_kind"))
    # No foreign key: one table serves three kinds of item, which are never hard-deleted.
    item_id: Mapped[int]
    #: The item's version after this change; versions only grow, so they order the history.
    version: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(32))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    staff_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    staff_email: Mapped[str] = mapped_column(sa.String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("kind", "item_id", "version", name="uq_revision_item_version"),
    )
