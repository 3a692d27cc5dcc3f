"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shop.models import Base


def test_migrated_schema_matches_the_models(database_url):
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_check_constraints_guard_stock_and_prices(app, db, make_product):
    product = make_product(variants=[("Only", 1000, 2)])
    variant = product.variants[0]
    for column, value in (("stock_on_hand", -1), ("price_amount", -5), ("stock_reserved", 3)):
        stmt = sa.text(f"UPDATE variant SET {column} = :v WHERE id = :id")
        try:
            db.execute(stmt, {"v": value, "id": variant.id})
            db.flush()
        except sa.exc.IntegrityError:
            db.rollback()
        else:
            raise AssertionError(f"{column}={value} was accepted")
