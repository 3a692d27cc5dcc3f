"""Stock adjustments and price changes, each kept in a history table.

Adjustments follow shop.catalog.stock: one conditional UPDATE whose WHERE clause states
the rule, so two operators (or an operator and a checkout) racing cannot take the shelf
below what open checkouts hold, or below zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from shop.catalog.models import Product, Variant
from shop.inventory.inputs import InventoryError
from shop.inventory.models import PriceChange, StockMovement

#: Units on hand are an INTEGER column; stay well inside it.
MAX_ON_HAND = 1_000_000_000
HISTORY_LIMIT = 200


@dataclass(frozen=True)
class Adjusted:
    """The outcome of an adjustment: the history row and the counts before and after."""

    movement: StockMovement
    on_hand_before: int


def stock_rows(session: Session) -> list[Variant]:
    """Every variant with its product, ordered as the catalog shows them."""
    return list(
        session.scalars(
            sa.select(Variant)
            .join(Variant.product)
            .options(joinedload(Variant.product))
            .order_by(Product.position, Product.name, Variant.position, Variant.id)
        )
    )


def get_variant(session: Session, variant_id: int) -> Variant:
    """A variant with its product; InventoryError (404) if there is none."""
    variant = session.scalar(
        sa.select(Variant).where(Variant.id == variant_id).options(joinedload(Variant.product))
    )
    if variant is None:
        raise InventoryError("There is no such product option.", status=404)
    return variant


def _refusal(session: Session, variant_id: int, delta: int) -> InventoryError:
    # Read only to explain a refusal the UPDATE already made; nothing is written from it.
    row = session.execute(
        sa.select(Variant.stock_on_hand, Variant.stock_reserved).where(Variant.id == variant_id)
    ).one_or_none()
    if row is None:
        return InventoryError("There is no such product option.", status=404)
    on_hand, reserved = row
    if delta > 0:
        return InventoryError(f"Stock can't go above {MAX_ON_HAND:,} units.")
    removable = max(on_hand - reserved, 0)
    held = f" ({reserved} held by open checkouts)" if reserved else ""
    return InventoryError(f"Only {removable} can be removed: {on_hand} on hand{held}.", status=409)


def adjust_stock(
    session: Session, variant_id: int, delta: int, reason: str, staff_email: str
) -> Adjusted:
    """Add or remove units atomically and record the movement; refuse going below reserved."""
    if delta == 0:
        raise InventoryError("A change of 0 changes nothing.")
    rule = (
        Variant.stock_on_hand - Variant.stock_reserved >= -delta
        if delta < 0
        else Variant.stock_on_hand <= MAX_ON_HAND - delta
    )
    result = session.execute(
        sa.update(Variant)
        .where(Variant.id == variant_id, rule)
        .values(stock_on_hand=Variant.stock_on_hand + delta)
        .returning(Variant.stock_on_hand),
        execution_options={"synchronize_session": False},
    )
    on_hand_after = result.scalar_one_or_none()
    if on_hand_after is None:
        raise _refusal(session, variant_id, delta)
    movement = StockMovement(
        variant_id=variant_id,
        delta=delta,
        reason=reason,
        staff_email=staff_email,
        on_hand_after=on_hand_after,
    )
    session.add(movement)
    session.flush()
    variant = session.get(Variant, variant_id)
    if variant is not None:
        session.refresh(variant)
    return Adjusted(movement, on_hand_after - delta)


def change_price(
    session: Session, variant: Variant, new_amount: int, staff_email: str
) -> PriceChange | None:
    """Set a new price and record old and new; None when the price is already that."""
    for _attempt in range(5):
        old_amount = session.scalar(sa.select(Variant.price_amount).where(Variant.id == variant.id))
        if old_amount is None:
            raise InventoryError("There is no such product option.", status=404)
        if old_amount == new_amount:
            return None
        # Compare-and-set: the history names the price this change really replaced.
        result = session.execute(
            sa.update(Variant)
            .where(Variant.id == variant.id, Variant.price_amount == old_amount)
            .values(price_amount=new_amount),
            execution_options={"synchronize_session": False},
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            change = PriceChange(
                variant_id=variant.id,
                old_amount=old_amount,
                new_amount=new_amount,
                currency=variant.currency,
                staff_email=staff_email,
            )
            session.add(change)
            session.flush()
            session.refresh(variant)
            return change
    raise InventoryError("The price is being changed by someone else; try again.", status=409)


def movements(session: Session, variant_id: int, limit: int = HISTORY_LIMIT) -> list[StockMovement]:
    """A variant's stock adjustments, newest first."""
    return list(
        session.scalars(
            sa.select(StockMovement)
            .where(StockMovement.variant_id == variant_id)
            .order_by(StockMovement.id.desc())
            .limit(limit)
        )
    )


def price_changes(
    session: Session, variant_id: int, limit: int = HISTORY_LIMIT
) -> list[PriceChange]:
    """A variant's price changes, newest first."""
    return list(
        session.scalars(
            sa.select(PriceChange)
            .where(PriceChange.variant_id == variant_id)
            .order_by(PriceChange.id.desc())
            .limit(limit)
        )
    )
