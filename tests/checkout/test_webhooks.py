"""Stripe webhooks: verified on the raw body, handled once, never moving an order back."""

from __future__ import annotations

import json
import threading
import time

import pytest
import sqlalchemy as sa

from shop.orders.models import Order, OrderEvent, OrderStatus, Refund, StripeEvent
from tests.checkout.conftest import event_payload, sign, wait_until


def stored_events(db) -> int:
    db.expire_all()
    return db.scalar(sa.select(sa.func.count()).select_from(StripeEvent))


def paid_order(shopper, stripe, sku="BMX-PRO-GRF"):
    shopper.add(sku)
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id)
    return session_id


def completed_event(stripe, session_id):
    return next(
        e
        for e in stripe.events("checkout.session.completed")
        if e["data"]["object"]["id"] == session_id
    )


def post(client, payload: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post("/webhooks/stripe", data=payload, headers=headers)


@pytest.mark.parametrize(
    "case", ["missing", "wrong-secret", "tampered", "stale", "garbage-header", "future"]
)
def test_bad_signatures_are_rejected_and_nothing_is_written(shopper, stripe, case):
    session_id = paid_order(shopper, stripe)
    payload = event_payload(completed_event(stripe, session_id))
    signature = {
        "missing": None,
        "wrong-secret": sign(payload, secret="whsec_not_the_right_one"),
        "tampered": sign(payload),
        "stale": sign(payload, at=int(time.time()) - 6 * 60),
        "garbage-header": "t=abc,v1=zzz",
        "future": sign(payload, at=int(time.time()) + 6 * 60),
    }[case]
    body = payload + b" " if case == "tampered" else payload
    response = post(shopper.client, body, signature)
    assert response.status_code == 400
    assert stored_events(shopper.db) == 0
    assert shopper.order(session_id).status is OrderStatus.PENDING_PAYMENT


def test_a_valid_event_fulfils_and_a_repeat_changes_nothing(shopper, stripe):
    session_id = paid_order(shopper, stripe)
    payload = event_payload(completed_event(stripe, session_id))
    first = post(shopper.client, payload, sign(payload))
    again = post(shopper.client, payload, sign(payload))
    assert first.status_code == 200 and again.status_code == 200
    assert again.get_json()["duplicate"] is True
    order = shopper.order(session_id)
    assert order.status is OrderStatus.PAID
    kinds = [e.kind for e in order.events]
    assert kinds.count("payment_received") == 1
    assert stored_events(shopper.db) == 1


def test_concurrent_deliveries_of_one_event_fulfil_once(shopper, stripe, live):
    import urllib.request

    stripe.set_webhook(None)
    session_id = paid_order(shopper, stripe)
    payload = event_payload(completed_event(stripe, session_id))
    statuses: list[int] = []

    def deliver() -> None:
        request = urllib.request.Request(
            f"{live.url}/webhooks/stripe",
            data=payload,
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload)},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            statuses.append(response.status)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 4
    order = shopper.order(session_id)
    assert [e.kind for e in order.events].count("payment_received") == 1


def test_duplicate_delivery_from_stripe_fulfils_once(shopper, stripe, live):
    stripe.add_fault(kind="webhook_duplicate", event_type="checkout.session.completed")
    session_id = paid_order(shopper, stripe)
    stripe.wait_for_deliveries(2, event_type="checkout.session.completed")
    order = wait_until(lambda: (o := shopper.order(session_id)).status is OrderStatus.PAID and o)
    assert [e.kind for e in order.events].count("payment_received") == 1


def test_late_expired_and_failed_events_never_move_a_paid_order_back(shopper, stripe, live):
    session_id = paid_order(shopper, stripe)
    wait_until(lambda: shopper.order(session_id).status is OrderStatus.PAID)
    order = shopper.order(session_id)
    for kind in ("checkout.session.expired", "checkout.session.async_payment_failed"):
        event = {
            "id": f"evt_late_{kind[-6:]}",
            "object": "event",
            "type": kind,
            "created": int(time.time()),
            "data": {"object": {"id": session_id, "object": "checkout.session"}},
        }
        payload = event_payload(event)
        assert post(shopper.client, payload, sign(payload)).status_code == 200
    order = shopper.order(session_id)
    assert order.status is OrderStatus.PAID


def test_events_delivered_newest_first_still_end_paid(shopper, stripe, live):
    stripe.pause_webhooks()
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id, outcome="delayed_success")
    stripe.settle(session_id)
    stripe.resume_webhooks(order="reverse")
    wait_until(lambda: shopper.order(session_id).status is OrderStatus.PAID, what="paid")
    stripe.wait_for_deliveries(2, ok=True, event_type=None)
    time.sleep(0.3)  # let any later delivery land; the order must stay paid
    assert shopper.order(session_id).status is OrderStatus.PAID


def test_a_database_error_asks_stripe_to_retry_and_the_retry_succeeds(
    shopper, stripe, live, monkeypatch
):
    from shop.checkout import views

    real = views.handle_event
    calls = {"n": 0}

    def flaky(session, gateway, event):
        if event.type == "checkout.session.completed":
            calls["n"] += 1
        if calls["n"] == 1 and event.type == "checkout.session.completed":
            raise sa.exc.OperationalError("UPDATE orders", {}, Exception("database is locked"))
        return real(session, gateway, event)

    monkeypatch.setattr(views, "handle_event", flaky)
    session_id = paid_order(shopper, stripe)
    deliveries = stripe.wait_for_deliveries(2, event_type="checkout.session.completed")
    assert deliveries[0]["status_code"] == 500
    order = wait_until(lambda: (o := shopper.order(session_id)).status is OrderStatus.PAID and o)
    assert [e.kind for e in order.events].count("payment_received") == 1


def test_unknown_event_types_are_acknowledged_and_ignored(shopper, stripe):
    payload = json.dumps(
        {
            "id": "evt_unknown_1",
            "object": "event",
            "type": "customer.created",
            "created": int(time.time()),
            "data": {"object": {"id": "cus_1", "object": "customer"}},
        }
    ).encode()
    assert post(shopper.client, payload, sign(payload)).status_code == 200


def test_a_dashboard_refund_appears_on_the_order(shopper, stripe, live):
    session_id = paid_order(shopper, stripe, sku="BMX-PRO-HEAT")
    order = wait_until(lambda: (o := shopper.order(session_id)).status is OrderStatus.PAID and o)
    stripe.dashboard_refund(order.stripe_payment_intent_id, amount=5000)
    order = wait_until(
        lambda: (o := shopper.order(session_id)).status is OrderStatus.PARTIALLY_REFUNDED and o,
        what="the refund webhook",
    )
    assert order.refunded_amount == 5000
    refunds = shopper.db.scalars(sa.select(Refund).where(Refund.order_id == order.id)).all()
    assert [r.amount for r in refunds] == [5000]
    stripe.dashboard_refund(order.stripe_payment_intent_id)
    order = wait_until(
        lambda: (o := shopper.order(session_id)).status is OrderStatus.REFUNDED and o,
        what="the full refund",
    )
    assert order.refunded_amount == order.total_amount


def test_webhook_route_is_exempt_from_csrf_but_nothing_else_is(shopper):
    payload = b"{}"
    assert post(shopper.client, payload, sign(payload)).status_code == 400  # not an event
    assert shopper.db.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
    assert shopper.db.scalar(sa.select(sa.func.count()).select_from(OrderEvent)) == 0
