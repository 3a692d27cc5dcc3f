"""`flask --app shop outbox ...`: deliver due emails, once or in a loop, and list stuck ones."""

from __future__ import annotations

import logging
import time

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from shop.db import get_session, utcnow
from shop.mail.outbox import stuck_emails
from shop.mail.setup import deliver_with_app

log = logging.getLogger(__name__)

outbox_cli = AppGroup("outbox", help="Transactional email: deliver the outbox, see what is stuck.")


@outbox_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (Ctrl+C).")
@click.option(
    "--interval",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between rounds with --loop.",
)
def outbox_deliver(loop: bool, interval: float) -> None:
    """Send every email that is due; failed ones wait (1 min, 5 min, ... 12 h) and retry."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    while True:
        try:
            report = deliver_with_app(app)
        except sa.exc.SQLAlchemyError:
            if not loop:
                raise
            log.exception("outbox: database error; trying again in %s s", interval)
        else:
            if report.tried or not loop:
                click.echo(report.summary())
        if not loop:
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            return


@outbox_cli.command("stuck")
def outbox_stuck() -> None:
    """List emails that failed at least once or were given up; exit 1 if there are any."""
    emails = stuck_emails(get_session(), utcnow())
    for email in emails:
        when = email.next_attempt_at.strftime("%Y-%m-%d %H:%M")
        retry = f"next try {when} UTC" if email.status.value == "pending" else email.status.value
        click.echo(
            f"{email.id}\t{email.kind.value}\t{email.to_address or 'staff'}\t"
            f"{email.attempts} attempts\t{retry}\t{email.last_error or ''}"
        )
    click.echo(f"{len(emails)} stuck emails.")
    raise SystemExit(1 if emails else 0)
