"""Runs the Alembic migrations in migrations/ against a database URL."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig

from shop.config import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def alembic_config(database_url: str) -> AlembicConfig:
    """An Alembic configuration for `database_url`, without an alembic.ini file."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % as interpolation; URLs may contain it (escaped passwords).
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema up to `revision`."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Take the schema back to `revision`."""
    command.downgrade(alembic_config(database_url), revision)


def new_revision(database_url: str, message: str) -> None:
    """Write a new migration by comparing the models with the database."""
    command.revision(alembic_config(database_url), message=message, autogenerate=True)
