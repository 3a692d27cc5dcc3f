"""article followed to the cart, indexes for order search and sorting by total

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 02:35:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cart_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_article_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_cart_item_from_article", ["from_article_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_cart_item_from_article_id_article"),
            "article",
            ["from_article_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_index("ix_order_total", "orders", ["total_amount", "id"], unique=False)
    op.create_index(
        "ix_order_status_total", "orders", ["status", "total_amount", "id"], unique=False
    )
    op.create_index(
        "ix_order_number_pattern",
        "orders",
        ["number"],
        unique=False,
        postgresql_ops={"number": "varchar_pattern_ops"},
    )
    # Rebuilt with pattern ops so LIKE 'prefix%' can use it under any collation.
    op.drop_index("ix_order_email_lower", table_name="orders")
    op.create_index(
        "ix_order_email_lower",
        "orders",
        [sa.text("lower(email) text_pattern_ops")]
        if op.get_bind().dialect.name == "postgresql"
        else [sa.text("lower(email)")],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_order_email_lower", table_name="orders")
    op.create_index("ix_order_email_lower", "orders", [sa.text("lower(email)")], unique=False)
    op.drop_index("ix_order_number_pattern", table_name="orders")
    op.drop_index("ix_order_status_total", table_name="orders")
    op.drop_index("ix_order_total", table_name="orders")
    with op.batch_alter_table("cart_item", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cart_item_from_article_id_article"), type_="foreignkey"
        )
        batch_op.drop_index("ix_cart_item_from_article")
        batch_op.drop_column("from_article_id")
