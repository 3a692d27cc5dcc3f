"""History of stock adjustments and price changes made by staff."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base, utcnow


class StockMovement(Base):
    """One manual stock adjustment: how much, why, by whom, and the count it left."""

    __tablename__ = "stock_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variant.id", ondelete="CASCADE"))
    delta: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(200))
    staff_email: Mapped[str] = mapped_column(sa.String(320))
    #: Units on hand right after this adjustment, read from the same UPDATE.
    on_hand_after: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("delta <> 0", name="delta_not_zero"),
        sa.CheckConstraint("reason <> ''", name="reason_required"),
        sa.CheckConstraint("on_hand_after >= 0", name="on_hand_after_not_negative"),
        sa.Index("ix_stock_movement_variant", "variant_id", "id"),
    )


class PriceChange(Base):
    """One price change of a variant, in minor units of its currency."""

    __tablename__ = "price_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variant.id", ondelete="CASCADE"))
    old_amount: Mapped[int]
    new_amount: Mapped[int]
    currency: Mapped[str] = mapped_column(sa.String(3))
    staff_email: Mapped[str] = mapped_column(sa.String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("new_amount >= 0", name="new_amount_not_negative"),
        sa.Index("ix_price_change_variant", "variant_id", "id"),
    )
