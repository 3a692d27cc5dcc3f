"""`flask --app shop ...` commands: database, sample content, Stripe emulator."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from shop import migrate
from shop.db import get_session

db_cli = AppGroup("db", help="Database schema.")


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    url = current_app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(url, revision)
    click.echo(f"database at revision {revision}")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from model changes (for developers)."""
    migrate.new_revision(current_app.config["DATABASE_URL"], message)


@click.command("seed")
def seed() -> None:
    """Load the sample articles, products and pages if the shop is empty."""
    from shop.seed.loader import seed_sample_content

    session = get_session()
    added = seed_sample_content(
        session, current_app.config["CURRENCY"], current_app.config["MEDIA_DIR"]
    )
    session.commit()
    click.echo("sample content loaded" if added else "shop already has content; nothing added")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(db_cli)
    app.cli.add_command(seed)
