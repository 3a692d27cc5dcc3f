"""Operators see which emails are stuck or failed, and can send one again now."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from shop.accounts.models import Role
from shop.accounts.services import audit
from shop.backoffice.access import allow, register_nav, staff
from shop.backoffice.blueprint import bp
from shop.db import get_session, utcnow
from shop.mail import outbox
from shop.mail.models import OutboxEmail
from shop.mail.timeline import TITLES

register_nav("backoffice.outbox_list", "Outbox", Role.OPERATOR)


@bp.get("/outbox")
@allow(Role.OPERATOR)
def outbox_list() -> ResponseReturnValue:
    """Stuck and failed emails first, then the most recent ones."""
    db = get_session()
    return render_template(
        "backoffice/outbox.html",
        stuck=outbox.stuck_emails(db, utcnow()),
        recent=outbox.recent_emails(db),
        labels=TITLES,
        max_attempts=outbox.MAX_ATTEMPTS,
    )


@bp.post("/outbox/<int:email_id>/retry")
@allow(Role.OPERATOR)
def outbox_retry(email_id: int) -> ResponseReturnValue:
    """Make a waiting or failed email due now; it is tried as soon as this request ends."""
    db = get_session()
    email = db.get(OutboxEmail, email_id)
    if email is None:
        abort(404, description="There is no such email in the outbox.")
    if not outbox.retry_now(db, email):
        flash("That email was sent already or is being sent right now.", "info")
        return redirect(url_for("backoffice.outbox_list"), 303)
    audit(db, staff(), "outbox.retry", f"email {email.id}", after={"kind": email.kind.value})
    db.commit()
    flash(f"Trying email {email.id} again now. Reload in a moment to see how it went.")
    return redirect(url_for("backoffice.outbox_list"), 303)
