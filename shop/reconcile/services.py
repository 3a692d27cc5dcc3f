"""Reconciliation: what Stripe says was paid against what the orders say.

Four kinds of disagreement are reported:
- paid in Stripe, not here: the webhook and success page were both lost; fulfilment fixes it;
- paid here, not in Stripe: an order in a paid status whose session is unpaid, expired or gone;
- amounts differ: both paid, but Stripe's total or currency is not the order's;
- no order: a session that names no order of ours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.checkout.fulfilment import fulfil_checkout
from shop.checkout.gateway import PaymentError, SessionState, StripeGateway
from shop.money import format_money
from shop.orders.models import Order
from shop.orders.services import PAID_STATUSES
from shop.reconcile.findings import LABELS, Finding, FindingKind, Report
from shop.reconcile.inputs import SESSION_ID, ReconcileError, parse_since, stripe_problem
from shop.reconcile.models import ReconcileRun

__all__ = [
    "LABELS",
    "SESSION_ID",
    "Finding",
    "FindingKind",
    "ReconcileError",
    "Report",
    "fix_all",
    "fix_paid_session",
    "last_run",
    "mark_fixed",
    "parse_since",
    "reconcile",
    "run_findings",
    "save_run",
    "stripe_problem",
]

#: Sessions in this state hold the shopper's money.
PAID_PAYMENT_STATUSES = ("paid", "no_payment_required")
#: Paid orders whose session is absent from the listing are looked up one by one, up to this.
MAX_LOOKUPS = 200
_BATCH = 500


def start_of(day: date | None) -> datetime | None:
    """Midnight UTC at the start of `day`."""
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def stripe_sessions(
    gateway: StripeGateway, since: date | None, progress: Callable[[int], None] | None = None
) -> Iterator[SessionState]:
    """Every Checkout Session created since `since`, page by page, newest first."""
    created_since = start_of(since)
    cursor: str | None = None
    seen = 0
    while True:
        page, has_more = gateway.checkout_sessions(created_since, cursor)
        yield from page
        seen += len(page)
        if progress:
            progress(seen)
        if not has_more or not page:
            return
        cursor = page[-1].id


def _paid_in_stripe(state: SessionState) -> bool:
    return state.status == "complete" and state.payment_status in PAID_PAYMENT_STATUSES


def _money(amount: int, currency: str) -> str:
    return format_money(amount, currency or "USD")


def _compare(state: SessionState, order: Order | None) -> Finding | None:
    if order is None:
        ref = state.client_reference_id or state.metadata.get("order_number") or "none"
        paid = "paid" if _paid_in_stripe(state) else state.payment_status
        return Finding(
            FindingKind.NO_ORDER,
            f"Session {state.status}/{paid} of {_money(state.amount_total, state.currency)}; "
            f"no order has it (reference: {ref}).",
            session_id=state.id,
        )
    paid_here = order.status in PAID_STATUSES
    common = {
        "session_id": state.id,
        "order_number": order.number,
        "order_status": order.status.value,
    }
    if _paid_in_stripe(state) and not paid_here:
        return Finding(
            FindingKind.PAID_NOT_HERE,
            f"Stripe took {_money(state.amount_total, state.currency)}; the order is "
            f"{order.status.value}. Fix by running fulfilment.",
            **common,
        )
    if paid_here and not _paid_in_stripe(state):
        return Finding(
            FindingKind.PAID_HERE_NOT_STRIPE,
            f"The order is {order.status.value}; Stripe says {state.status}/"
            f"{state.payment_status}.",
            **common,
        )
    if paid_here and (state.amount_total != order.total_amount or state.currency != order.currency):
        return Finding(
            FindingKind.AMOUNT_MISMATCH,
            f"Stripe total {_money(state.amount_total, state.currency)}, order total "
            f"{_money(order.total_amount, order.currency)}.",
            **common,
        )
    return None


def _orders_by_session(session: Session, ids: list[str]) -> dict[str, Order]:
    found: dict[str, Order] = {}
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        for order in session.scalars(sa.select(Order).where(Order.stripe_session_id.in_(chunk))):
            assert order.stripe_session_id is not None
            found[order.stripe_session_id] = order
    return found


def _unlisted_paid_orders(session: Session, since: date | None, seen: set[str]) -> Iterator[Order]:
    query = sa.select(Order).where(Order.status.in_(PAID_STATUSES)).order_by(Order.id)
    created_since = start_of(since)
    if created_since is not None:
        query = query.where(Order.created_at >= created_since)
    for order in session.scalars(query.execution_options(yield_per=_BATCH)):
        if order.stripe_session_id not in seen:
            yield order


def _missing(gateway: StripeGateway, order: Order) -> Finding | None:
    if order.stripe_session_id is None:
        return Finding(
            FindingKind.PAID_HERE_NOT_STRIPE,
            f"The order is {order.status.value} but has no Checkout Session.",
            order_number=order.number,
            order_status=order.status.value,
        )
    try:
        state = gateway.checkout_state(order.stripe_session_id)
    except PaymentError as error:
        if error.code != "resource_missing":
            raise
        return Finding(
            FindingKind.PAID_HERE_NOT_STRIPE,
            f"The order is {order.status.value}; Stripe has no such session.",
            session_id=order.stripe_session_id,
            order_number=order.number,
            order_status=order.status.value,
        )
    return _compare(state, order)


def reconcile(
    session: Session,
    gateway: StripeGateway,
    since: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Compare every session since `since` with the orders; PaymentError if Stripe fails."""
    report = Report(since=since)
    seen: set[str] = set()
    page: list[SessionState] = []

    def check(states: list[SessionState]) -> None:
        orders = _orders_by_session(session, [s.id for s in states])
        for state in states:
            finding = _compare(state, orders.get(state.id))
            if finding:
                report.findings.append(finding)

    for state in stripe_sessions(gateway, since, progress):
        seen.add(state.id)
        page.append(state)
        if len(page) >= _BATCH:
            check(page)
            page = []
    check(page)
    report.sessions_checked = len(seen)
    for looked_up, order in enumerate(_unlisted_paid_orders(session, since, seen)):
        if looked_up >= MAX_LOOKUPS:
            report.findings.append(
                Finding(
                    FindingKind.PAID_HERE_NOT_STRIPE,
                    f"More than {MAX_LOOKUPS} paid orders have no listed session; "
                    "stopped looking them up one by one.",
                )
            )
            break
        finding = _missing(gateway, order)
        if finding:
            report.findings.append(finding)
    return report


def fix_paid_session(session: Session, gateway: StripeGateway, session_id: str) -> Order | None:
    """Run fulfilment for a session Stripe says was paid; the order, or None if none."""
    return fulfil_checkout(session, gateway, session_id)


def fix_all(session: Session, gateway: StripeGateway, report: Report) -> set[str]:
    """Run fulfilment for every fixable finding; the session ids whose order is now paid."""
    fixed: set[str] = set()
    for finding in report.findings:
        if finding.fixable and finding.session_id:
            order = fix_paid_session(session, gateway, finding.session_id)
            if order is not None and order.status in PAID_STATUSES:
                fixed.add(finding.session_id)
    return fixed


def save_run(session: Session, report: Report, started_by: str) -> ReconcileRun:
    """Keep a run's result for the backoffice."""
    run = ReconcileRun(
        since=report.since,
        started_by=started_by,
        sessions_checked=report.sessions_checked,
        findings=[f.as_dict() for f in report.findings],
    )
    session.add(run)
    session.flush()
    return run


def last_run(session: Session) -> ReconcileRun | None:
    """The most recent run."""
    return session.scalar(sa.select(ReconcileRun).order_by(ReconcileRun.id.desc()).limit(1))


def run_findings(run: ReconcileRun) -> list[Finding]:
    """A stored run's findings."""
    return [Finding.from_dict(data) for data in run.findings]


def mark_fixed(session: Session, run: ReconcileRun, session_id: str) -> None:
    """Drop a fixed finding from the stored run."""
    run.findings = [
        f
        for f in run.findings
        if not (f.get("session_id") == session_id and f["kind"] == FindingKind.PAID_NOT_HERE)
    ]
    session.flush()
