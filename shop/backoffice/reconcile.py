"""Operators compare Stripe's Checkout Sessions with the orders and fix lost fulfilments."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from shop.accounts.models import Role
from shop.accounts.services import audit
from shop.backoffice.access import allow, register_nav, staff
from shop.backoffice.blueprint import bp
from shop.checkout.gateway import PaymentError
from shop.checkout.setup import gateway
from shop.db import get_session
from shop.orders.services import PAID_STATUSES
from shop.reconcile import services as checks

register_nav("backoffice.reconcile", "Reconcile payments", Role.OPERATOR)


def _page(status: int = 200, **state: object) -> ResponseReturnValue:
    run = checks.last_run(get_session())
    findings = checks.run_findings(run) if run else []
    return render_template(
        "backoffice/reconcile/index.html", run=run, findings=findings, **state
    ), status


def _unreachable(error: PaymentError) -> ResponseReturnValue:
    get_session().rollback()
    flash(checks.stripe_problem(error), "error")
    return redirect(url_for("backoffice.reconcile"), 303)


@bp.route("/reconcile", methods=["GET", "POST"])
@allow(Role.OPERATOR)
def reconcile() -> ResponseReturnValue:
    """GET: the last run's findings and a form; POST: run a new comparison."""
    if request.method == "POST":
        return _run()
    return _page()


def _run() -> ResponseReturnValue:
    """List sessions from Stripe (optionally since a date) and compare them with orders."""
    db = get_session()
    typed = request.form.get("since", "")[:40]
    try:
        since = checks.parse_since(typed)
    except checks.ReconcileError as error:
        return _page(400, since_error=error.message, typed_since=typed)
    try:
        report = checks.reconcile(db, gateway(), since)
    except PaymentError as error:
        return _unreachable(error)
    user = staff()
    checks.save_run(db, report, user.email)
    audit(
        db, user, "payments.reconcile", str(since or "all"),
        after={"sessions": report.sessions_checked, "findings": len(report.findings)},
    )  # fmt: skip
    db.commit()
    if report.clean:
        flash(f"Checked {report.sessions_checked} sessions: everything matches.", "success")
    else:
        flash(
            f"Checked {report.sessions_checked} sessions: {len(report.findings)} need attention.",
            "error",
        )
    return redirect(url_for("backoffice.reconcile"), 303)


@bp.post("/reconcile/fix")
@allow(Role.OPERATOR)
def reconcile_fix() -> ResponseReturnValue:
    """Run fulfilment for a session Stripe says was paid."""
    db = get_session()
    session_id = request.form.get("session_id", "")
    if not checks.SESSION_ID.fullmatch(session_id):
        return _page(400, fix_error="That is not a Checkout Session id.")
    try:
        order = checks.fix_paid_session(db, gateway(), session_id)
    except PaymentError as error:
        return _unreachable(error)
    if order is None:
        return _page(404, fix_error=f"No order has the session {session_id}.")
    paid = order.status in PAID_STATUSES
    run = checks.last_run(db)
    if run and paid:
        checks.mark_fixed(db, run, session_id)
    audit(
        db, staff(), "payments.fulfil", order.number,
        after={"session": session_id, "status": order.status.value},
    )  # fmt: skip
    db.commit()
    if paid:
        flash(f"Order {order.number} is now {order.status.value}.", "success")
    else:
        flash(
            f"Order {order.number} is still {order.status.value}: Stripe does not report it "
            "paid now.",
            "error",
        )
    return redirect(url_for("backoffice.reconcile"), 303)
