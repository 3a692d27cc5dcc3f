"""inventory history, price changes, reconciliation runs, article attribution

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stock_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("staff_email", sa.String(length=320), nullable=False),
        sa.Column("on_hand_after", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("delta <> 0", name=op.f("ck_stock_movement_delta_not_zero")),
        sa.CheckConstraint("reason <> ''", name=op.f("ck_stock_movement_reason_required")),
        sa.CheckConstraint(
            "on_hand_after >= 0", name=op.f("ck_stock_movement_on_hand_after_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["variant.id"],
            name=op.f("fk_stock_movement_variant_id_variant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movement")),
    )
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.create_index("ix_stock_movement_variant", ["variant_id", "id"], unique=False)

    op.create_table(
        "price_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("old_amount", sa.Integer(), nullable=False),
        sa.Column("new_amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("staff_email", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("new_amount >= 0", name=op.f("ck_price_change_new_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["variant.id"],
            name=op.f("fk_price_change_variant_id_variant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_change")),
    )
    with op.batch_alter_table("price_change", schema=None) as batch_op:
        batch_op.create_index("ix_price_change_variant", ["variant_id", "id"], unique=False)

    op.create_table(
        "reconcile_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("started_by", sa.String(length=320), nullable=False),
        sa.Column("sessions_checked", sa.Integer(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconcile_run")),
    )
    with op.batch_alter_table("reconcile_run", schema=None) as batch_op:
        batch_op.create_index("ix_reconcile_run_created", ["created_at", "id"], unique=False)

    op.create_table(
        "article_reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("article_slug", sa.String(length=120), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_article_reading_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_reading_article_id_article"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_reading")),
        sa.UniqueConstraint(
            "order_id", "article_slug", name="uq_article_reading_order_id_article_slug"
        ),
    )
    with op.batch_alter_table("article_reading", schema=None) as batch_op:
        batch_op.create_index("ix_article_reading_article", ["article_slug"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("article_reading", schema=None) as batch_op:
        batch_op.drop_index("ix_article_reading_article")
    op.drop_table("article_reading")
    with op.batch_alter_table("reconcile_run", schema=None) as batch_op:
        batch_op.drop_index("ix_reconcile_run_created")
    op.drop_table("reconcile_run")
    with op.batch_alter_table("price_change", schema=None) as batch_op:
        batch_op.drop_index("ix_price_change_variant")
    op.drop_table("price_change")
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_movement_variant")
    op.drop_table("stock_movement")
