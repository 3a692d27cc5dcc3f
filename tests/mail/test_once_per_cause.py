"""At most one email per cause, however often or however concurrently the cause arrives."""

from __future__ import annotations

import threading
import time
import urllib.request

import sqlalchemy as sa

from shop.accounts.models import Role
from shop.mail.models import EmailKind, OutboxEmail, OutboxStatus
from shop.mail.outbox import enqueue
from shop.orders.models import OrderStatus
from tests.backoffice.test_orders_actions import post_form
from tests.checkout.conftest import event_payload, sign, wait_until
from tests.checkout.test_webhooks import completed_event, post
from tests.mail.conftest import outbox

K = EmailKind


def kinds(db) -> list[str]:
    return sorted(e.kind.value for e in outbox(db))


def paid_on_stripe(shopper, stripe, email="ana@example.com") -> str:
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id, email=email)
    return session_id


def test_a_repeated_webhook_writes_one_confirmation(shopper, stripe, deliver_now, smtp):
    session_id = paid_on_stripe(shopper, stripe)
    payload = event_payload(completed_event(stripe, session_id))
    for _ in range(2):
        assert post(shopper.client, payload, sign(payload)).status_code == 200
    shopper.client.get(f"/checkout/success?session_id={session_id}")  # the shopper returns too
    assert kinds(shopper.db) == ["new_order_alert", "order_confirmation"]
    deliver_now()
    deliver_now()
    assert len(smtp.to("ana@example.com")) == 1


def test_concurrent_webhooks_and_success_pages_send_one_confirmation(
    shopper, stripe, live, smtp, deliver_now
):
    stripe.set_webhook(None)  # this test delivers the events itself, all at once
    session_id = paid_on_stripe(shopper, stripe)
    completed = completed_event(stripe, session_id)
    # Two different events about the same payment, each delivered twice, plus the shopper.
    succeeded = completed | {
        "id": completed["id"] + "_async",
        "type": "checkout.session.async_payment_succeeded",
    }
    payloads = [event_payload(e) for e in (completed, succeeded, completed, succeeded)]
    start = threading.Barrier(len(payloads) + 2)
    statuses: list[int] = []

    def webhook(payload: bytes) -> None:
        request = urllib.request.Request(
            f"{live.url}/webhooks/stripe",
            data=payload,
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload)},
        )
        start.wait()
        with urllib.request.urlopen(request, timeout=10) as response:
            statuses.append(response.status)

    def success_page() -> None:
        start.wait()
        url = f"{live.url}/checkout/success?session_id={session_id}"
        with urllib.request.urlopen(url, timeout=10) as response:
            statuses.append(response.status)

    threads = [threading.Thread(target=webhook, args=(p,)) for p in payloads]
    threads += [threading.Thread(target=success_page) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6
    assert shopper.order(session_id).status is OrderStatus.PAID
    assert kinds(shopper.db) == ["new_order_alert", "order_confirmation"]
    # The server tried them after its responses; a sweep finds nothing left to send.
    wait_until(lambda: all(e.status is OutboxStatus.SENT for e in outbox(shopper.db)))
    assert deliver_now().tried == 0
    assert len(smtp.to("ana@example.com")) == 1 and len(smtp.messages) == 2


def test_two_sessions_enqueueing_one_cause_at_once_write_one_row(app, paid_order):
    order = paid_order(("BMX-PRO-GRF", 1))
    factory = app.extensions["db_sessionmaker"]
    first_inserted = threading.Event()
    results: dict[str, int | None] = {}

    def first() -> None:
        with factory() as session:
            results["first"] = enqueue(
                session, "test-cause:1", K.ORDER_CONFIRMATION, to="a@example.com", order_id=order.id
            )
            first_inserted.set()
            time.sleep(0.3)  # the second waits on the unique key meanwhile
            session.commit()

    def second() -> None:
        first_inserted.wait()
        with factory() as session:
            results["second"] = enqueue(
                session, "test-cause:1", K.ORDER_CONFIRMATION, to="b@example.com", order_id=order.id
            )
            session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results["first"] is not None and results["second"] is None
    with factory() as session:
        rows = session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.cause_key == "test-cause:1")
        ).all()
    assert [r.to_address for r in rows] == ["a@example.com"]


def test_two_deliverers_at_once_send_each_email_once(app, paid_order, deliver_now, smtp):
    order = paid_order(("BMX-PRO-GRF", 1))  # its confirmation and alert are pending
    with app.extensions["db_sessionmaker"]() as session:
        for n in range(6):
            enqueue(
                session,
                f"test-cause:{n}",
                K.ORDER_CONFIRMATION,
                to=f"s{n}@example.com",
                order_id=order.id,
            )
        session.commit()
    smtp.handler.delay = 0.05  # slow enough that the deliverers overlap
    reports = []
    start = threading.Barrier(3)

    def deliverer() -> None:
        start.wait()
        reports.append(deliver_now())

    threads = [threading.Thread(target=deliverer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(len(r.sent) for r in reports) == 8
    ids = [m["Message-ID"] for m in smtp.messages]
    assert len(ids) == 8 and len(set(ids)) == 8
    with app.extensions["db_sessionmaker"]() as session:
        rows = session.scalars(sa.select(OutboxEmail)).all()
    assert {(r.status, r.attempts) for r in rows} == {(OutboxStatus.SENT, 1)}


def test_a_staff_refund_and_its_webhook_echo_send_one_notice(
    login_as, paid_order, seeded, stripe, live, deliver_now, smtp
):
    order = paid_order(("BMX-PRO-GRF", 1))
    ops = login_as(Role.OPERATOR)
    # The operator's refund and Stripe's webhooks about it race; one notice per refund.
    refunded = post_form(ops, order, "refund", amount="30.00")
    assert refunded.status_code == 303, refunded.get_data(as_text=True)[:400]
    stripe.dashboard_refund(order.stripe_payment_intent_id, amount=1000)  # another refund
    stripe.wait_for_deliveries(2, event_type="refund.created", ok=True)
    stripe.wait_for_deliveries(2, event_type="charge.refunded", ok=True)
    wait_until(lambda: len(outbox(seeded, K.REFUND_NOTICE)) == 2, what="both notices")
    assert sorted(e.data["amount"] for e in outbox(seeded, K.REFUND_NOTICE)) == [1000, 3000]
    deliver_now()
    wait_until(lambda: all(e.status is OutboxStatus.SENT for e in outbox(seeded)))
    subjects = [str(m["Subject"]) for m in smtp.to("ana@example.com") if "Refund" in m["Subject"]]
    assert sorted(s.split(" for ")[0] for s in subjects) == ["Refund of $10.00", "Refund of $30.00"]
