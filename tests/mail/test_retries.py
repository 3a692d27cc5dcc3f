"""A mail server that refuses or is down delays an email; it never loses one or fails a sale."""

from __future__ import annotations

import urllib.request
from datetime import timedelta

import pytest

from shop.accounts.models import Role
from shop.db import utcnow
from shop.mail.models import EmailKind, OutboxStatus
from shop.mail.outbox import BACKOFF, LEASE, MAX_ATTEMPTS, claim, enqueue
from shop.orders.models import OrderStatus
from tests.backoffice.test_orders_actions import post_form
from tests.checkout.conftest import wait_until
from tests.mail.conftest import closed_port, outbox

S = OutboxStatus


@pytest.mark.parametrize(
    ("stage", "answer"),
    [
        ("data", "451 4.3.0 Try again later"),
        ("data", "554 5.7.1 Message rejected"),
        ("rcpt", "550 5.1.1 Mailbox unavailable"),
    ],
)
def test_a_refusing_server_gets_the_email_again_after_the_backoff(
    paid_order, seeded, deliver_now, smtp, stage, answer
):
    paid_order(("BMX-PRO-GRF", 1))
    setattr(smtp.handler, f"refuse_{stage}", answer)
    now = utcnow()
    report = deliver_now(now=now)
    assert (len(report.sent), len(report.retrying)) == (0, 2) and smtp.messages == []
    for email in outbox(seeded):
        assert (email.status, email.attempts) == (S.PENDING, 1)
        assert email.next_attempt_at == now + timedelta(minutes=1)
        assert answer.split()[0] in email.last_error and email.subject  # operators see why

    setattr(smtp.handler, f"refuse_{stage}", None)
    assert deliver_now(now=now + timedelta(seconds=59)).tried == 0  # not due yet
    assert len(deliver_now(now=now + timedelta(seconds=61)).sent) == 2
    assert [(e.status, e.attempts, e.last_error) for e in outbox(seeded)] == [(S.SENT, 2, None)] * 2
    assert len(smtp.messages) == 2


def test_a_server_that_is_down_is_retried_on_a_growing_schedule_then_given_up(
    paid_order, seeded, deliver_now, smtp
):
    paid_order(("BMX-PRO-GRF", 1))
    down = {"SMTP_PORT": closed_port()}
    now = utcnow()
    waits = []
    for _attempt in range(MAX_ATTEMPTS):
        deliver_now(now=now, **down)
        email = outbox(seeded, EmailKind.ORDER_CONFIRMATION)[0]
        assert "could not be reached" in email.last_error
        if email.status is S.FAILED:
            break
        waits.append(email.next_attempt_at - now)
        assert deliver_now(now=email.next_attempt_at - timedelta(seconds=1), **down).tried == 0
        now = email.next_attempt_at
    assert waits == list(BACKOFF)
    assert (email.status, email.attempts) == (S.FAILED, MAX_ATTEMPTS)
    assert deliver_now(now=now + timedelta(days=30)).tried == 0  # given up: only by hand now
    assert smtp.messages == []


def test_an_email_whose_deliverer_died_is_taken_over_when_its_claim_runs_out(
    app, paid_order, seeded, deliver_now, smtp
):
    paid_order(("BMX-PRO-GRF", 1))
    email = outbox(seeded, EmailKind.ORDER_CONFIRMATION)[0]
    now = utcnow()
    with app.extensions["db_sessionmaker"]() as session:
        assert claim(session, email.id, now) is not None  # then the process vanished
        session.commit()
    deliver_now(now=now + LEASE - timedelta(seconds=1))
    assert outbox(seeded, EmailKind.ORDER_CONFIRMATION)[0].status is S.SENDING
    deliver_now(now=now + LEASE + timedelta(seconds=1))
    taken_over = outbox(seeded, EmailKind.ORDER_CONFIRMATION)[0]
    assert (taken_over.status, taken_over.attempts) == (S.SENT, 2)
    assert len(smtp.to("ana@example.com")) == 1


def test_a_webhook_succeeds_while_the_mail_server_is_down(app, shopper, stripe, live, smtp):
    app.config["SMTP_PORT"] = closed_port()
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id, email="ana@example.com")
    delivery = stripe.wait_for_deliveries(1, event_type="checkout.session.completed")[0]
    assert delivery["ok"] and delivery["status_code"] == 200
    assert shopper.order(session_id).status is OrderStatus.PAID
    # The try right after the response failed; the emails wait for the next one.
    emails = wait_until(
        lambda: (
            (rows := outbox(shopper.db))
            and all((e.status, e.attempts) == (S.PENDING, 1) for e in rows)
            and rows
        ),
        what="the try after commit",
    )
    assert len(emails) == 2
    assert {(e.attempts, "could not be reached" in e.last_error) for e in emails} == {(1, True)}


def test_a_staff_action_succeeds_while_the_mail_server_refuses(
    app, login_as, paid_order, seeded, smtp
):
    order = paid_order(("BMX-PRO-GRF", 1))
    smtp.handler.refuse_data = "451 4.3.0 Try again later"
    ops = login_as(Role.OPERATOR)
    response = post_form(ops, order, "fulfil", carrier="UPS", tracking_number="1Z999")
    assert response.status_code == 303
    response.close()  # a WSGI server closes the response; that is when the email is tried
    notice = outbox(seeded, EmailKind.SHIPPING_NOTICE)[0]
    assert (notice.status, notice.attempts) == (S.PENDING, 1)
    assert "451" in notice.last_error
    assert order.number in ops.get(f"/admin/orders/{order.number}").get_data(as_text=True)


def test_the_try_after_commit_can_be_switched_off(app, shopper, stripe, live, smtp):
    app.config["OUTBOX_SEND_AFTER_COMMIT"] = False
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id)
    url = f"{live.url}/checkout/success?session_id={session_id}"
    with urllib.request.urlopen(url, timeout=10) as page:
        assert page.status == 200
    stripe.wait_for_deliveries(1, event_type="checkout.session.completed", ok=True)
    assert {(e.status, e.attempts) for e in outbox(shopper.db)} == {(S.PENDING, 0)}
    assert smtp.messages == []


def test_an_email_about_a_vanished_order_is_set_aside_at_once(app, seeded, deliver_now, smtp):
    with app.extensions["db_sessionmaker"]() as session:
        enqueue(session, "test:orphan", EmailKind.ORDER_CONFIRMATION, to="ana@example.com")
        session.commit()
    assert deliver_now().failed
    (email,) = outbox(seeded)
    assert (email.status, email.attempts) == (S.FAILED, 1)
    assert "no longer exists" in email.last_error and smtp.messages == []


def test_a_fault_while_building_an_email_is_retried_not_stuck(
    paid_order, seeded, deliver_now, smtp, monkeypatch
):
    from shop.mail import delivery

    paid_order(("BMX-PRO-GRF", 1))
    monkeypatch.setattr(delivery, "compose", lambda *_a: 1 / 0)
    assert len(deliver_now().retrying) == 2
    assert {(e.status, e.attempts) for e in outbox(seeded)} == {(S.PENDING, 1)}
    assert all("could not be built: ZeroDivisionError" in e.last_error for e in outbox(seeded))
    monkeypatch.undo()
    assert len(deliver_now(now=utcnow() + BACKOFF[0]).sent) == 2
