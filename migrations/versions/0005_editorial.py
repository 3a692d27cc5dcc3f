"""editorial: versions, drafts and revisions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 00:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

EDITABLE_TABLES = ("product", "article", "page")


def upgrade() -> None:
    for table in EDITABLE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False)
            )
            batch_op.add_column(sa.Column("draft", sa.JSON(), nullable=True))

    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "product",
                "article",
                "page",
                name="revision_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("staff_email", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_user.id"],
            name=op.f("fk_revision_staff_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision")),
        sa.UniqueConstraint("kind", "item_id", "version", name="uq_revision_item_version"),
    )


def downgrade() -> None:
    op.drop_table("revision")
    for table in reversed(EDITABLE_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("draft")
            batch_op.drop_column("version")
