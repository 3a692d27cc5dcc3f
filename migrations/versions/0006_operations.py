"""operations: shipments, refund requests, shipped and restocked units, email search

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 00:47:18
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "fulfilled_quantity", sa.Integer(), server_default=sa.text("0"), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "restocked_quantity", sa.Integer(), server_default=sa.text("0"), nullable=False
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_order_line_fulfilled_within_quantity"),
            "fulfilled_quantity >= 0 AND fulfilled_quantity <= quantity",
        )
        batch_op.create_check_constraint(
            op.f("ck_order_line_restocked_within_quantity"),
            "restocked_quantity >= 0 AND restocked_quantity <= quantity",
        )
    op.create_index("ix_order_email_lower", "orders", [sa.text("lower(email)")], unique=False)

    op.create_table(
        "refund_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("stripe_refund_id", sa.String(length=255), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_refund_request_amount_positive")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_refund_request_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_request")),
        sa.UniqueConstraint("order_id", "nonce", name="uq_refund_request_order_nonce"),
    )
    op.create_table(
        "shipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=60), nullable=False),
        sa.Column("tracking_number", sa.String(length=60), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("carrier <> ''", name=op.f("ck_shipment_carrier_not_empty")),
        sa.CheckConstraint("tracking_number <> ''", name=op.f("ck_shipment_tracking_not_empty")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_shipment_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment")),
    )
    op.create_index("ix_shipment_order", "shipment", ["order_id", "id"], unique=False)
    op.create_table(
        "shipment_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_shipment_line_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_line.id"],
            name=op.f("fk_shipment_line_order_line_id_order_line"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipment.id"],
            name=op.f("fk_shipment_line_shipment_id_shipment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_line")),
    )
    op.create_index("ix_shipment_line_shipment", "shipment_line", ["shipment_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_shipment_line_shipment", table_name="shipment_line")
    op.drop_table("shipment_line")
    op.drop_index("ix_shipment_order", table_name="shipment")
    op.drop_table("shipment")
    op.drop_table("refund_request")
    op.drop_index("ix_order_email_lower", table_name="orders")
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_order_line_restocked_within_quantity"), type_="check")
        batch_op.drop_constraint(op.f("ck_order_line_fulfilled_within_quantity"), type_="check")
        batch_op.drop_column("restocked_quantity")
        batch_op.drop_column("fulfilled_quantity")
