"""catalog and content

Revision ID: 0001
Revises:
Create Date: 2026-11-23 23:39:20.618740
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=400), nullable=False),
        sa.Column("body_md", sa.Text(), nullable=False),
        sa.Column("seo_title", sa.String(length=120), nullable=False),
        sa.Column("seo_description", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                name="article_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("slug <> ''", name=op.f("ck_article_slug_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article")),
        sa.UniqueConstraint("slug", name=op.f("uq_article_slug")),
    )
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.create_index("ix_article_listing", ["status", "published_at"], unique=False)

    op.create_table(
        "page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body_md", sa.Text(), nullable=False),
        sa.Column("seo_description", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                name="page_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("slug <> ''", name=op.f("ck_page_slug_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page")),
        sa.UniqueConstraint("slug", name=op.f("uq_page_slug")),
    )
    op.create_table(
        "product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("tagline", sa.String(length=200), nullable=False),
        sa.Column("description_md", sa.Text(), nullable=False),
        sa.Column("highlights", sa.JSON(), nullable=False),
        sa.Column("faq", sa.JSON(), nullable=False),
        sa.Column("seo_title", sa.String(length=120), nullable=False),
        sa.Column("seo_description", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                name="publish_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("slug <> ''", name=op.f("ck_product_slug_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product")),
        sa.UniqueConstraint("slug", name=op.f("uq_product_slug")),
    )
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.create_index(
            "ix_product_listing", ["status", "featured", "position"], unique=False
        )

    op.create_table(
        "article_product",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_product_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_article_product_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "product_id", name=op.f("pk_article_product")),
    )
    op.create_table(
        "product_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("alt", sa.String(length=300), nullable=False),
        sa.Column("stem", sa.String(length=80), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("widths", sa.JSON(), nullable=False),
        sa.CheckConstraint("alt <> ''", name=op.f("ck_product_image_alt_required")),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_product_image_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_image")),
        sa.UniqueConstraint("stem", name=op.f("uq_product_image_stem")),
    )
    with op.batch_alter_table("product_image", schema=None) as batch_op:
        batch_op.create_index("ix_product_image_product", ["product_id", "position"], unique=False)

    op.create_table(
        "variant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("price_amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("stock_on_hand", sa.Integer(), nullable=False),
        sa.Column("stock_reserved", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("price_amount >= 0", name=op.f("ck_variant_price_not_negative")),
        sa.CheckConstraint("stock_on_hand >= 0", name=op.f("ck_variant_stock_not_negative")),
        sa.CheckConstraint(
            "stock_reserved <= stock_on_hand", name=op.f("ck_variant_reserved_within_stock")
        ),
        sa.CheckConstraint("stock_reserved >= 0", name=op.f("ck_variant_reserved_not_negative")),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_variant_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variant")),
        sa.UniqueConstraint("sku", name=op.f("uq_variant_sku")),
    )
    with op.batch_alter_table("variant", schema=None) as batch_op:
        batch_op.create_index("ix_variant_product", ["product_id", "position"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("variant", schema=None) as batch_op:
        batch_op.drop_index("ix_variant_product")

    op.drop_table("variant")
    with op.batch_alter_table("product_image", schema=None) as batch_op:
        batch_op.drop_index("ix_product_image_product")

    op.drop_table("product_image")
    op.drop_table("article_product")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_index("ix_product_listing")

    op.drop_table("product")
    op.drop_table("page")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index("ix_article_listing")

    op.drop_table("article")
