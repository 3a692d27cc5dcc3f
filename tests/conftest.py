"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when asked), app, client, data."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from shop import create_app, migrate
from shop.config import TestConfig
from shop.models import Base

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("SHOP_TEST_DATABASE_URL", "")
# Sample images take seconds to draw; keep them between runs and across both databases.
MEDIA_CACHE = Path(tempfile.gettempdir()) / "balmorex-test-media"

pytest_plugins = ["tests.factories"]


def pytest_report_header() -> str:
    """Say which database this run uses."""
    return f"database: {'PostgreSQL' if POSTGRES_URL else 'SQLite'}"


def _private_schema(url: str) -> tuple[str, str]:
    """A schema of this run's own on the given database, and a URL that uses only it.

    Runs that share the database (CI, a developer, parallel workers) never touch each
    other's tables; the schema is dropped when the run ends.
    """
    schema = f"test_{os.getpid()}_{secrets.token_hex(3)}"
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as error:
        # In CI a missing database is a failure, never a quiet skip.
        message = f"PostgreSQL at SHOP_TEST_DATABASE_URL unreachable: {error}"
        raise pytest.UsageError(message) from error
    finally:
        engine.dispose()
    scoped = sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return schema, scoped.render_as_string(hide_password=False)


def _drop_schema(url: str, schema: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A freshly migrated database for the whole run."""
    if POSTGRES_URL:
        schema, url = _private_schema(POSTGRES_URL)
        try:
            migrate.upgrade(url)
            yield url
        finally:
            _drop_schema(POSTGRES_URL, schema)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'shop.db'}"
        migrate.upgrade(url)
        yield url


def truncate_all(engine: sa.Engine) -> None:
    """Empty every table, keeping the schema."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(sa.text(f"DELETE FROM {table}"))


def build_test_app(database_url: str, **overrides: Any) -> Flask:
    """An app on the test database with the shared media cache."""
    config = TestConfig(database_url=database_url, media_dir=MEDIA_CACHE)
    for key, value in overrides.items():
        setattr(config, key, value)
    return create_app(config)


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """Settings a test module can override by redefining this fixture."""
    return {}


@pytest.fixture
def app(database_url: str, app_overrides: dict[str, Any], tmp_path: Path) -> Iterator[Flask]:
    """The app on an empty database; tables are emptied afterwards; emails go to tmp_path."""
    settings = {"OUTBOX_DIR": tmp_path / "outbox", **app_overrides}
    application = build_test_app(database_url, **settings)
    engine: sa.Engine = application.extensions["db_engine"]
    try:
        yield application
    finally:
        truncate_all(engine)
        engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session of the test's own, outside any app context.

    Requests made by the test client must not share it: Flask reuses an app context that is
    already pushed, which would hand each request this session and this `g`.
    """
    with app.extensions["db_sessionmaker"]() as session:
        yield session


@pytest.fixture
def seeded(app: Flask, db: Session) -> Session:
    """The database loaded with the shop's sample content."""
    from shop.seed.loader import seed_sample_content

    assert seed_sample_content(db, app.config["CURRENCY"], app.config["MEDIA_DIR"])
    db.commit()
    return db


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], list[str]]:
    """Start recording SQL statements; call the returned function to read them."""
    statements: list[str] = []
    engine: sa.Engine = app.extensions["db_engine"]

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    return lambda: list(statements)
