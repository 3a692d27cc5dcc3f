"""Admins manage staff accounts and read the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from shop.accounts.models import AuditEntry, Role, StaffUser
from shop.accounts.services import (
    AccountError,
    audit,
    count_admins,
    create_staff,
    parse_role,
    set_active,
)
from shop.backoffice.access import staff
from shop.backoffice.blueprint import bp
from shop.backoffice.forms import RoleForm, StaffForm
from shop.backoffice.paging import parse_cursor
from shop.db import get_session

AUDIT_PAGE = 50


@bp.route("/staff", methods=["GET", "POST"])
def staff_list() -> ResponseReturnValue:
    """Every staff account, and a form to add one."""
    db = get_session()
    form = StaffForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = create_staff(
                db, form.email.data, form.password.data, parse_role(form.role.data), form.name.data
            )
            audit(db, staff(), "staff.create", user.email, after={"role": user.role.value})
            db.commit()
            flash(f"Added {user.email} as {user.role.value}.", "success")
            return redirect(url_for("backoffice.staff_list"), 303)
        except AccountError as error:
            db.rollback()
            flash(error.message, "error")
            status = 400
    elif request.method == "POST":
        status = 400
    users = db.scalars(sa.select(StaffUser).order_by(StaffUser.email)).all()
    return render_template(
        "backoffice/staff.html", users=users, form=form, role_form=RoleForm()
    ), status


def _staff_member(user_id: int) -> StaffUser:
    user = get_session().get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


def _keeps_an_admin(user: StaffUser, losing_admin: bool) -> bool:
    if losing_admin and user.role is Role.ADMIN and count_admins(get_session()) <= 1:
        flash("The shop needs at least one active admin.", "error")
        return False
    return True


@bp.post("/staff/<int:user_id>/role")
def staff_role(user_id: int) -> ResponseReturnValue:
    """Change a staff member's role."""
    db = get_session()
    user = _staff_member(user_id)
    try:
        role = parse_role(request.form.get("role", ""))
    except AccountError as error:
        abort(400, description=error.message)
    if _keeps_an_admin(user, role is not Role.ADMIN):
        before = user.role.value
        user.role = role
        user.session_version += 1
        audit(db, staff(), "staff.role", user.email, {"role": before}, {"role": role.value})
        db.commit()
        flash(f"{user.email} is now {role.value}.", "success")
    return redirect(url_for("backoffice.staff_list"), 303)


@bp.post("/staff/<int:user_id>/active")
def staff_active(user_id: int) -> ResponseReturnValue:
    """Disable or re-enable a staff account."""
    db = get_session()
    user = _staff_member(user_id)
    active = request.form.get("active") == "1"
    if _keeps_an_admin(user, not active):
        set_active(db, user, active)
        action = "staff.enable" if active else "staff.disable"
        audit(db, staff(), action, user.email, {"active": not active}, {"active": active})
        db.commit()
        flash(f"{user.email} is {'enabled' if active else 'disabled'}.", "success")
    return redirect(url_for("backoffice.staff_list"), 303)


@bp.get("/audit")
def audit_log() -> str:
    """Staff actions, newest first, paginated by key."""
    before = parse_cursor(request.args.get("before"))
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE + 1)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    entries = list(get_session().scalars(query))
    more = len(entries) > AUDIT_PAGE
    entries = entries[:AUDIT_PAGE]
    return render_template(
        "backoffice/audit.html",
        entries=entries,
        next_cursor=entries[-1].id if more and entries else None,
    )
