"""Reconciliation finds what Stripe and the orders disagree about, and fixes lost payments."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shop.checkout.setup import gateway
from shop.orders.models import OrderStatus
from shop.reconcile.services import FindingKind, ReconcileError, fix_all, parse_since, reconcile


def run(app, shopper, since=None, progress=None):
    with app.app_context():
        return reconcile(shopper.db, gateway(), since, progress)


def kinds(report):
    return {(f.kind, f.session_id) for f in report.findings}


def test_a_clean_shop_reports_nothing(app, shopper, stripe):
    shopper.add("BMX-PRO-SND")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id)
    shopper.client.get(f"/checkout/success?session_id={session_id}")  # fulfils
    report = run(app, shopper)
    assert report.sessions_checked == 1
    assert report.clean, report.findings


def test_paid_in_stripe_but_pending_here_is_found_and_fixed(app, shopper, paid_elsewhere):
    session_id = paid_elsewhere()
    assert shopper.order(session_id).status is OrderStatus.PENDING_PAYMENT
    report = run(app, shopper)
    assert kinds(report) == {(FindingKind.PAID_NOT_HERE, session_id)}
    finding = report.findings[0]
    assert finding.fixable and finding.order_number == shopper.order(session_id).number
    with app.app_context():
        fixed = fix_all(shopper.db, gateway(), report)
        shopper.db.commit()
    assert fixed == {session_id}
    assert shopper.order(session_id).status is OrderStatus.PAID
    assert run(app, shopper).clean


def test_an_order_paid_here_but_unpaid_in_stripe_is_flagged(app, shopper, set_order):
    shopper.add("BMX-PRO-SND")
    session_id = shopper.checkout_session_id()  # never paid
    set_order(session_id, status=OrderStatus.PAID)
    report = run(app, shopper)
    assert kinds(report) == {(FindingKind.PAID_HERE_NOT_STRIPE, session_id)}
    assert not report.findings[0].fixable
    assert "Stripe says open/unpaid" in report.findings[0].detail


def test_a_paid_order_whose_session_stripe_does_not_know_is_flagged(app, shopper, set_order):
    shopper.add("BMX-PRO-SND")
    session_id = shopper.checkout_session_id()
    set_order(session_id, status=OrderStatus.PAID, stripe_session_id="cs_test_vanished123")
    report = run(app, shopper)
    found = {(f.kind, f.session_id, f.detail) for f in report.findings}
    assert (
        FindingKind.PAID_HERE_NOT_STRIPE,
        "cs_test_vanished123",
        "The order is paid; Stripe has no such session.",
    ) in found
    # ... and the real session now has no order at all.
    assert (FindingKind.NO_ORDER, session_id) in kinds(report)


def test_differing_amounts_are_flagged(app, shopper, stripe, set_order):
    shopper.add("BMX-PRO-SND")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id)
    shopper.client.get(f"/checkout/success?session_id={session_id}")
    order = shopper.order(session_id)
    set_order(session_id, total_amount=order.total_amount - 100)
    report = run(app, shopper)
    assert kinds(report) == {(FindingKind.AMOUNT_MISMATCH, session_id)}
    assert "Stripe total $129.00, order total $128.00" in report.findings[0].detail


def test_sessions_without_an_order_are_flagged(app, shopper, open_bare_sessions):
    ids = open_bare_sessions(2)
    report = run(app, shopper)
    assert kinds(report) == {(FindingKind.NO_ORDER, i) for i in ids}


def test_every_page_of_sessions_is_read_and_progress_reported(app, shopper, open_bare_sessions):
    open_bare_sessions(130)
    seen: list[int] = []
    report = run(app, shopper, progress=seen.append)
    assert report.sessions_checked == 130
    assert seen == [100, 130]
    assert len(report.findings) == 130


def test_since_limits_the_sessions_read(app, shopper, open_bare_sessions):
    open_bare_sessions(3)
    tomorrow_is_not_allowed = date.today() + timedelta(days=2)
    with pytest.raises(ReconcileError):
        parse_since(tomorrow_is_not_allowed.isoformat())
    assert run(app, shopper, since=date.today() - timedelta(days=1)).sessions_checked == 3


@pytest.mark.parametrize("raw", ["2026-13-01", "yesterday", "01/11/2026", "2026-1-1", "1999-01-01"])
def test_bad_since_dates_are_refused(raw):
    with pytest.raises(ReconcileError):
        parse_since(raw)


def test_an_empty_since_means_everything():
    assert parse_since("") is None and parse_since(None) is None
    assert parse_since("2026-11-01", today=date(2026, 11, 24)) == date(2026, 11, 1)
