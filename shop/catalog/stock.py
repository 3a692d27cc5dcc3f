"""Stock holds enforced by the database: atomic conditional updates, never read-then-write.

Each function issues one UPDATE whose WHERE clause states the rule, so two checkouts
racing for the last unit cannot both win, on any number of workers.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.catalog.models import Variant

Quantities = Iterable[tuple[int, int]]  # (variant_id, quantity)


def _apply(session: Session, statement: sa.Update) -> bool:
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def reserve_stock(session: Session, variant_id: int, quantity: int) -> bool:
    """Hold `quantity` units for a checkout if that many are free; False otherwise."""
    return _apply(
        session,
        sa.update(Variant)
        .where(
            Variant.id == variant_id,
            Variant.active.is_(True),
            Variant.stock_on_hand - Variant.stock_reserved >= quantity,
        )
        .values(stock_reserved=Variant.stock_reserved + quantity),
    )


def commit_reserved_stock(session: Session, variant_id: int, quantity: int) -> bool:
    """Turn a hold into a sale: the units leave the shelf and the hold ends."""
    return _apply(
        session,
        sa.update(Variant)
        .where(Variant.id == variant_id, Variant.stock_reserved >= quantity)
        .values(
            stock_on_hand=Variant.stock_on_hand - quantity,
            stock_reserved=Variant.stock_reserved - quantity,
        ),
    )


def release_stock(session: Session, variant_id: int, quantity: int) -> bool:
    """Give a hold back to the shelf."""
    return _apply(
        session,
        sa.update(Variant)
        .where(Variant.id == variant_id, Variant.stock_reserved >= quantity)
        .values(stock_reserved=Variant.stock_reserved - quantity),
    )


def take_stock(session: Session, variant_id: int, quantity: int) -> bool:
    """Sell units that were not held (a payment that arrived after its hold ended)."""
    return _apply(
        session,
        sa.update(Variant)
        .where(
            Variant.id == variant_id,
            Variant.stock_on_hand - Variant.stock_reserved >= quantity,
        )
        .values(stock_on_hand=Variant.stock_on_hand - quantity),
    )
