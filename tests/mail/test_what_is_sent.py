"""Each email the shop sends: to whom, with which headers, saying what, as text and HTML."""

from __future__ import annotations

import re

from shop.mail.models import EmailKind, OutboxStatus
from shop.operations.fulfilment import ShipmentRequest, fulfil_order
from shop.operations.inputs import parse_reason
from shop.operations.refunds import RefundOrder, refund_order
from shop.orders.models import OrderStatus
from tests.checkout.conftest import wait_until
from tests.mail.conftest import SHOP_SENDER, STAFF_ADDRESS, outbox, text_and_html
from tests.operations.conftest import reload

K = EmailKind
ADDRESS = "Balmorex Supply Co., 48 Alder Street, Suite 3, Portland, OR 97205, USA"


def only(messages):
    assert len(messages) == 1, [m["Subject"] for m in messages]
    return messages[0]


def assert_well_formed(message, to: str) -> tuple[str, str]:
    """Headers every email carries, and both parts in the shop's frame."""
    assert message["From"] == f"Balmorex <{SHOP_SENDER}>"
    assert message["To"] == to
    assert re.fullmatch(r"<outbox\.\d+\.\d+@balmorex\.example>", message["Message-ID"])
    assert message["Date"] and message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    text, html = text_and_html(message)
    for body in (text, html):
        assert "Balmorex" in body and ADDRESS in body
    # Mail clients drop <style> blocks and never run scripts: inline styles only.
    assert "<style" not in html and "<script" not in html and 'style="' in html
    assert "<link" not in html
    return text, html


def test_a_paid_order_confirms_to_the_shopper_and_alerts_staff(paid_order, deliver_now, smtp):
    order = paid_order(("BMX-PRO-SND", 2), email="ana@example.com")
    report = deliver_now()
    assert len(report.sent) == 2

    confirmation = only(smtp.to("ana@example.com"))
    assert confirmation["Subject"] == f"Your Balmorex order {order.number} is confirmed"
    text, html = assert_well_formed(confirmation, "ana@example.com")
    page = f"http://shop.test/orders/{order.access_token}"
    for body in (text, html):
        assert order.number in body
        assert "Balmorex Pro (Sand)" in body and "$258.00" in body  # line and total
        assert "Subtotal" in body and "Shipping" in body and "Total" in body
        assert "Jenny Rosen" in body and "354 Oyster Point Blvd" in body
        assert page in body
    assert f'href="{page}"' in html

    alert = only(smtp.to(STAFF_ADDRESS))
    assert alert["Subject"] == f"[Balmorex] New order {order.number}: $258.00"
    text, html = assert_well_formed(alert, STAFF_ADDRESS)
    assert f"http://shop.test/admin/orders/{order.number}" in text
    assert "ana@example.com paid $258.00" in text


def test_each_shipment_sends_its_own_notice(paid_order, operator, seeded, deliver_now, smtp):
    order = paid_order(("BMX-PRO-SND", 2))
    line = order.lines[0]
    deliver_now()
    for tracking in ("1Z999AA10123456784", "1Z999AA10123456785"):
        fulfil_order(seeded, order, ShipmentRequest("UPS", tracking, {line.id: 1}), operator)
        seeded.commit()
        order = reload(seeded, order)
    deliver_now()
    notices = [m for m in smtp.to("ana@example.com") if "on its way" in m["Subject"]]
    assert len(notices) == 2
    tracked = sorted(t for m in notices for t in re.findall(r"1Z\w+", text_and_html(m)[0]))
    assert tracked == ["1Z999AA10123456784", "1Z999AA10123456785"]
    text, html = assert_well_formed(notices[0], "ana@example.com")
    assert "UPS" in text and "1 \N{MULTIPLICATION SIGN} Balmorex Pro (Sand)" in text
    assert "UPS" in html and f"/orders/{order.access_token}" in html


def test_a_refund_tells_the_shopper_the_amount(
    paid_order, gateway, operator, seeded, deliver_now, smtp
):
    order = paid_order(("BMX-PRO-GRF", 1))
    reason = parse_reason("requested_by_customer", "")
    refund_order(seeded, gateway, order, RefundOrder("r" * 24, 2000, reason), operator)
    seeded.commit()
    deliver_now()
    notice = only([m for m in smtp.to("ana@example.com") if "Refund" in m["Subject"]])
    assert notice["Subject"] == f"Refund of $20.00 for your Balmorex order {order.number}"
    text, html = assert_well_formed(notice, "ana@example.com")
    assert "$20.00" in text and "$20.00" in html
    assert "$20.00 of the $129.00" in text  # a partial refund says how much so far


def test_a_mismatched_payment_alerts_staff_to_review(shopper, stripe, deliver_now, smtp):
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    order = shopper.order(session_id)
    order.subtotal_amount = order.total_amount = 100  # our record and Stripe's charge disagree
    shopper.db.commit()
    stripe.pay(session_id, email="ana@example.com")
    shopper.client.get(f"/checkout/success?session_id={session_id}")
    assert shopper.order(session_id).status is OrderStatus.NEEDS_REVIEW
    deliver_now()
    alert = only(smtp.to(STAFF_ADDRESS))
    assert alert["Subject"] == f"[Balmorex] Order {order.number} needs review"
    text, _html = assert_well_formed(alert, STAFF_ADDRESS)
    assert "subtotal" in text and f"/admin/orders/{order.number}" in text
    # The shopper paid, so they are told; staff get no "ready to ship" alert.
    assert "We're checking one detail" in text_and_html(only(smtp.to("ana@example.com")))[0]
    assert not [m for m in smtp.messages if "New order" in m["Subject"]]


def test_a_failed_delayed_payment_tells_the_shopper(shopper, stripe, live, deliver_now, smtp):
    shopper.add("BMX-PRO-SND")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id, outcome="delayed_failure", email="ana@example.com")
    wait_until(lambda: shopper.order(session_id).status is OrderStatus.PAYMENT_PROCESSING)
    stripe.settle(session_id)
    wait_until(lambda: shopper.order(session_id).status is OrderStatus.CANCELLED)
    # Written with the cancellation and sent by the webhook's try after its response.
    wait_until(lambda: [e.status for e in outbox(shopper.db)] == [OutboxStatus.SENT])
    notice = only(smtp.to("ana@example.com"))
    order = shopper.order(session_id)
    assert notice["Subject"] == f"Your Balmorex order {order.number}: the payment didn't go through"
    text, _html = assert_well_formed(notice, "ana@example.com")
    assert "cancelled" in text and "haven't been charged" in text
    assert outbox(shopper.db)[0].kind is K.PAYMENT_FAILED and deliver_now().tried == 0
