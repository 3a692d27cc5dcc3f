"""Operators see stuck emails in the outbox page and every email in the order's timeline."""

from __future__ import annotations

import re

import sqlalchemy as sa

from shop.accounts.models import AuditEntry, Role
from shop.mail.models import EmailKind, OutboxStatus
from tests.backoffice.conftest import form_token
from tests.mail.conftest import STAFF_ADDRESS, outbox

S = OutboxStatus


def test_the_outbox_page_lists_stuck_emails_with_their_problem(
    login_as, paid_order, deliver_now, smtp
):
    order = paid_order(("BMX-PRO-GRF", 1))
    smtp.handler.refuse_data = "451 4.3.0 Try again later"
    deliver_now()
    html = login_as(Role.OPERATOR).get("/admin/outbox").get_data(as_text=True)
    stuck = html.split('id="stuck-heading"')[1].split('id="recent-heading"')[0]
    assert "Stuck or failed (2)" in stuck
    assert "Order confirmation" in stuck and "New-order alert" in stuck
    assert "ana@example.com" in stuck and STAFF_ADDRESS in stuck
    assert stuck.count("451 4.3.0 Try again later") == 2
    assert stuck.count(">Retry now<") == 2 and "1 of 8" in stuck
    assert f'href="/admin/orders/{order.number}"' in stuck


def test_retry_now_sends_the_email_once_the_response_is_out(
    login_as, paid_order, seeded, deliver_now, smtp
):
    paid_order(("BMX-PRO-GRF", 1))
    smtp.handler.refuse_data = "554 5.7.1 Rejected"
    deliver_now()
    smtp.handler.refuse_data = None
    email = outbox(seeded, EmailKind.ORDER_CONFIRMATION)[0]
    ops = login_as(Role.OPERATOR)
    response = ops.post(
        f"/admin/outbox/{email.id}/retry", data={"csrf_token": form_token(ops, "/admin/outbox")}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/admin/outbox"
    assert smtp.messages == []  # not while the operator waits for the page
    response.close()
    assert len(smtp.to("ana@example.com")) == 1
    assert outbox(seeded, EmailKind.ORDER_CONFIRMATION)[0].status is S.SENT
    assert seeded.scalar(sa.select(AuditEntry).where(AuditEntry.action == "outbox.retry"))
    page = ops.get("/admin/outbox").get_data(as_text=True)
    assert "Trying email" in page and "Stuck or failed (1)" in page  # the staff alert waits


def test_retry_refuses_a_sent_email_and_unknown_ones(login_as, paid_order, seeded, deliver_now):
    paid_order(("BMX-PRO-GRF", 1))
    deliver_now()
    email = outbox(seeded, EmailKind.ORDER_CONFIRMATION)[0]
    ops = login_as(Role.OPERATOR)
    token = form_token(ops, "/admin/outbox")
    again = ops.post(f"/admin/outbox/{email.id}/retry", data={"csrf_token": token})
    assert again.status_code == 303
    assert "sent already" in ops.get("/admin/outbox").get_data(as_text=True)
    assert ops.post("/admin/outbox/999999/retry", data={"csrf_token": token}).status_code == 404
    assert ops.get(f"/admin/outbox/{email.id}/retry").status_code == 405  # no change on GET


def test_the_order_timeline_shows_sent_and_failed_emails(
    login_as, paid_order, seeded, deliver_now, smtp
):
    order = paid_order(("BMX-PRO-GRF", 1))
    smtp.handler.refuse_rcpt = "550 5.1.1 Mailbox unavailable"
    deliver_now()
    smtp.handler.refuse_rcpt = None
    confirmation, alert = outbox(seeded)
    alert.status, alert.attempts = S.FAILED, 8  # as after the last retry
    confirmation.next_attempt_at = confirmation.created_at  # due again
    seeded.commit()
    deliver_now()
    html = login_as(Role.OPERATOR).get(f"/admin/orders/{order.number}").get_data(as_text=True)
    timeline = html.split('id="timeline-h"')[1]
    assert "Order confirmation to ana@example.com sent." in timeline
    assert re.search(
        rf"New-order alert to {re.escape(STAFF_ADDRESS)} failed after 8 attempts: .*550", timeline
    )
    assert timeline.count("email sent") == 1 and timeline.count("email failed") == 1
    assert timeline.index("email sent") < timeline.index("Payment of")  # newest first
