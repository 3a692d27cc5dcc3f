"""`flask --app shop ...` commands: database, sample content, Stripe emulator."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from shop import migrate
from shop.db import get_session
from shop.mail.cli import outbox_cli

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
@with_appcontext
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
    app.cli.add_command(users_cli)
    app.cli.add_command(first_admin_hint)
    app.cli.add_command(payments_cli)
    app.cli.add_command(outbox_cli)


users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "marketer", "operator"]))
@click.option("--name", default="")
def users_create(email: str, role: str, name: str) -> None:
    """Create a staff account; the password is asked twice or read from SHOP_USER_PASSWORD."""
    import os

    from shop.accounts.services import AccountError, audit, create_staff, parse_role

    password = os.environ.get("SHOP_USER_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    session = get_session()
    try:
        user = create_staff(session, email, password, parse_role(role), name)
    except AccountError as error:
        raise click.ClickException(error.message) from error
    audit(session, None, "staff.create", user.email, after={"role": user.role.value})
    session.commit()
    click.echo(f"created {user.email} ({user.role.value})")


@users_cli.command("list")
def users_list() -> None:
    """List staff accounts."""
    import sqlalchemy as sa

    from shop.accounts.models import StaffUser

    for user in get_session().scalars(sa.select(StaffUser).order_by(StaffUser.email)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.email}\t{user.role.value}\t{state}")


@users_cli.command("disable")
@click.argument("email")
def users_disable(email: str) -> None:
    """Disable a staff account and end its sessions."""
    from shop.accounts.services import audit, find_staff, set_active

    session = get_session()
    user = find_staff(session, email)
    if user is None:
        raise click.ClickException(f"no staff account {email}")
    set_active(session, user, False)
    audit(session, None, "staff.disable", user.email, {"active": True}, {"active": False})
    session.commit()
    click.echo(f"disabled {user.email}")


@click.command("first-admin-hint")
@with_appcontext
def first_admin_hint() -> None:
    """Say how to create the first admin when there is none (used by make run)."""
    from shop.accounts.services import count_admins

    if count_admins(get_session()) == 0:
        click.echo(
            " * No staff account yet. Create the first admin with:\n"
            "   .venv/bin/flask --app shop users create you@example.com --role admin"
        )


payments_cli = AppGroup("payments", help="Payments: compare Stripe with the orders.")


@payments_cli.command("reconcile")
@click.option("--since", default="", help="Only sessions created since this date (YYYY-MM-DD).")
@click.option("--fix", is_flag=True, help="Run fulfilment for sessions paid in Stripe, not here.")
def payments_reconcile(since: str, fix: bool) -> None:
    """Compare Checkout Sessions with orders; exit 0 clean, 1 needs attention, 2 Stripe down."""
    from shop.checkout.gateway import PaymentError
    from shop.checkout.setup import gateway
    from shop.reconcile import services

    try:
        day = services.parse_since(since)
    except services.ReconcileError as error:
        raise click.BadParameter(error.message, param_hint="--since") from error
    session = get_session()

    def progress(checked: int) -> None:
        click.echo(f"checked {checked} sessions...", err=True)

    try:
        report = services.reconcile(session, gateway(), day, progress)
        services.save_run(session, report, "cli")
        fixed = services.fix_all(session, gateway(), report) if fix else set()
    except PaymentError as error:
        session.rollback()
        click.echo(services.stripe_problem(error), err=True)
        raise SystemExit(2) from error
    session.commit()
    remaining = [f for f in report.findings if f.session_id not in fixed]
    for finding in report.findings:
        mark = "FIXED" if finding.session_id in fixed else finding.label
        where = " ".join(filter(None, [finding.order_number, finding.session_id]))
        click.echo(f"{mark}: {where}: {finding.detail}")
    click.echo(
        f"{report.sessions_checked} sessions checked, {len(report.findings)} findings, "
        f"{len(fixed)} fixed, {len(remaining)} need attention."
    )
    raise SystemExit(1 if remaining else 0)
