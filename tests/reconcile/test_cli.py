"""`flask --app shop payments reconcile`: progress, summary, --fix and exit codes."""

from __future__ import annotations

import socket

import sqlalchemy as sa

from shop.orders.models import OrderStatus
from shop.reconcile.models import ReconcileRun
from tests.conftest import build_test_app


def reconcile_cli(app, *args):
    return app.test_cli_runner().invoke(args=["payments", "reconcile", *args])


def test_a_clean_run_exits_0_with_a_summary(app, shopper, stripe):
    shopper.add("BMX-PRO-SND")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id)
    shopper.client.get(f"/checkout/success?session_id={session_id}")
    result = reconcile_cli(app)
    assert result.exit_code == 0, result.output
    assert "checked 1 sessions..." in result.stderr
    assert "1 sessions checked, 0 findings, 0 fixed, 0 need attention." in result.stdout


def test_findings_exit_1_and_fix_fulfils_lost_payments(app, shopper, paid_elsewhere):
    session_id = paid_elsewhere()
    result = reconcile_cli(app)
    assert result.exit_code == 1, result.output
    assert f"Paid in Stripe, not here: {shopper.order(session_id).number} {session_id}" in (
        result.stdout
    )
    assert shopper.order(session_id).status is OrderStatus.PENDING_PAYMENT

    fixed = reconcile_cli(app, "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert f"FIXED: {shopper.order(session_id).number}" in fixed.stdout
    assert shopper.order(session_id).status is OrderStatus.PAID
    assert reconcile_cli(app).exit_code == 0
    assert shopper.db.scalar(sa.select(sa.func.count()).select_from(ReconcileRun)) == 3


def test_long_runs_show_progress_on_stderr(app, shopper, open_bare_sessions):
    open_bare_sessions(150)
    result = reconcile_cli(app, "--since", "2020-01-01")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == ["checked 100 sessions...", "checked 150 sessions..."]
    assert "checked" not in result.stdout.split("\n")[0]
    assert "150 sessions checked, 150 findings" in result.stdout


def test_a_bad_date_is_a_usage_error(app):
    result = reconcile_cli(app, "--since", "last tuesday")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_stripe_unreachable_exits_2_with_a_clear_message(database_url):
    app = build_test_app(
        database_url,
        STRIPE_API_BASE=f"http://127.0.0.1:{free_port()}",
        STRIPE_MAX_RETRIES=0,
        STRIPE_TIMEOUT_SECONDS=1.0,
    )
    try:
        result = reconcile_cli(app)
    finally:
        app.extensions["db_engine"].dispose()
    assert result.exit_code == 2, result.output
    assert "Stripe could not be reached" in result.stderr
    assert "Traceback" not in result.output


def test_stripe_errors_exit_2(app, stripe):
    stripe.add_fault(kind="api_error", status=500, path_prefix="/v1/checkout/sessions", times=5)
    result = reconcile_cli(app)
    assert result.exit_code == 2
    assert "Stripe answered with an error" in result.stderr
