"""Wires the outbox into the app: settings checked at start-up, a try right after commit.

A request that enqueued emails tries them once its response has gone out (WSGI's close
hook), so neither a shopper nor Stripe waits for the mail server, and a failure there can
never change the answer they got. A CLI command tries its emails when it ends. Whatever
is not sent then stays in the outbox for `flask --app shop outbox deliver`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session

from shop.mail.delivery import DeliveryReport, deliver
from shop.mail.outbox import take_queued
from shop.mail.settings import check_mail_settings, mail_settings
from shop.mail.transport import transport_for

log = logging.getLogger(__name__)


def deliver_with_app(
    app: Flask, ids: Iterable[int] | None = None, *, limit: int = 50
) -> DeliveryReport:
    """Deliver the given emails (or all due ones) with the app's settings and transport."""
    with app.app_context():
        settings = mail_settings(app.config)
        factory = app.extensions["db_sessionmaker"]
        return deliver(factory, settings, transport_for(settings), ids=ids, limit=limit)


def try_after_commit(app: Flask, ids: list[int]) -> None:
    """One attempt at emails just committed; never raises (the worker retries later)."""
    if not ids or not app.config.get("OUTBOX_SEND_AFTER_COMMIT", True):
        return
    try:
        deliver_with_app(app, ids)
    except Exception:
        log.exception("outbox: the try after commit failed; emails %s wait for the worker", ids)


def _queued_in_this_context() -> list[int]:
    session: Session | None = g.get("db_session")
    return take_queued(session) if session is not None else []


def _after_response(response: Response) -> Response:
    ids = _queued_in_this_context()
    if ids:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(partial(try_after_commit, app, ids))
    return response


def _after_command(_exc: BaseException | None) -> None:
    # Requests handed their ids to the response above; what is left came from a CLI command.
    ids = _queued_in_this_context()
    if ids:
        try_after_commit(current_app._get_current_object(), ids)  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    """Check the email settings and register the after-commit tries."""
    check_mail_settings(app.config)
    app.after_request(_after_response)
    app.teardown_appcontext(_after_command)
