"""Staff sign-in and sign-out."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from shop.accounts.services import audit, authenticate
from shop.backoffice.access import is_safe_next, staff
from shop.backoffice.blueprint import bp
from shop.backoffice.forms import LoginForm
from shop.db import get_session
from shop.extensions import limiter

FAILED = "That email and password don't match an active staff account."


def _failed_login(response: object) -> bool:
    # Only failed attempts count toward the limit; signing in answers with a redirect.
    return getattr(response, "status_code", 0) != 303


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"], deduct_when=_failed_login)
def login() -> ResponseReturnValue:
    """Sign in; one message for a wrong email or a wrong password."""
    raw_next = request.args.get("next")
    target = raw_next if raw_next and is_safe_next(raw_next) else url_for("backoffice.dashboard")
    if current_user.is_authenticated:
        return redirect(target, 303)
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = authenticate(db, form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session: nothing set before login survives it
            login_user(user)
            audit(db, user, "staff.login", user.email)
            db.commit()
            return redirect(target, 303)
        db.rollback()
        flash(FAILED, "error")
        return render_template("backoffice/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("backoffice/login.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out and end every session of this account."""
    if current_user.is_authenticated:
        user = staff()
        db = get_session()
        user = db.merge(user)
        user.session_version += 1
        audit(db, user, "staff.logout", user.email)
        db.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for("backoffice.login"), 303)
