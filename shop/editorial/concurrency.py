"""Optimistic concurrency: a change only applies to the version the editor loaded."""

from __future__ import annotations

from typing import TypeAlias

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from shop.catalog.models import Product
from shop.content.models import Article, Page
from shop.editorial.errors import EditConflict

Editable: TypeAlias = Product | Article | Page


def claim_version(session: Session, item: Editable, loaded: int) -> int:
    """Move `item` from version `loaded` to the next one, or raise EditConflict.

    The check is the UPDATE's WHERE clause, so the database decides: of two saves that
    loaded the same version, the second matches no row (on PostgreSQL it waits for the
    first to commit and then re-checks), and nothing is silently overwritten.
    """
    model = type(item)
    result = session.execute(
        sa.update(model)
        .where(model.id == item.id, model.version == loaded)
        .values(version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = session.scalar(sa.select(model.version).where(model.id == item.id))
        raise EditConflict(loaded, int(current or 0))
    # Record the new version as loaded, so the ORM does not write it back as a change.
    set_committed_value(item, "version", loaded + 1)
    return loaded + 1
