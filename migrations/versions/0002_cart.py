"""cart

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 23:55:52.119042
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "cart",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cart")),
        sa.UniqueConstraint("token", name=op.f("uq_cart_token")),
    )
    op.create_table(
        "cart_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cart_id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "quantity > 0 AND quantity <= 99", name=op.f("ck_cart_item_quantity_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["cart_id"],
            ["cart.id"],
            name=op.f("fk_cart_item_cart_id_cart"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["variant.id"],
            name=op.f("fk_cart_item_variant_id_variant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cart_item")),
        sa.UniqueConstraint("cart_id", "variant_id", name=op.f("uq_cart_item_cart_id_variant_id")),
    )
    with op.batch_alter_table("cart_item", schema=None) as batch_op:
        batch_op.create_index("ix_cart_item_variant", ["variant_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("cart_item", schema=None) as batch_op:
        batch_op.drop_index("ix_cart_item_variant")

    op.drop_table("cart_item")
    op.drop_table("cart")
