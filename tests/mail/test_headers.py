"""No value can add a header: line breaks in subjects, names and addresses are refused."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from shop.mail.compose import Composed, HeaderInjectionError, build_message, header_value
from shop.mail.models import EmailKind, OutboxStatus
from shop.mail.outbox import enqueue
from shop.mail.settings import MailSettings
from shop.orders.models import OrderStatus
from tests.mail.conftest import outbox, text_and_html

INJECTIONS = [
    "Hello\r\nBcc: victim@example.com",
    "Hello\nBcc: victim@example.com",
    "Hello\rBcc: victim@example.com",
    "Hello\x00there",
    "Hello\u2028Bcc: victim@example.com",
]


def settings(**changes) -> MailSettings:
    values = {
        "sender_address": "orders@balmorex.example",
        "sender_name": "Balmorex",
        "staff_address": "ops@balmorex.example",
        "shop_name": "Balmorex",
        "shop_address": "48 Alder Street",
        "site_url": "http://shop.test",
        "outbox_dir": Path("unused"),
        "smtp": None,
    }
    return MailSettings(**(values | changes))


def composed(**changes) -> Composed:
    values = {"to": "ana@example.com", "subject": "Your order", "text": "Hi", "html": "<p>Hi</p>"}
    return Composed(**(values | changes))


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_header_value_with_a_line_break_is_refused_with_a_clear_error(value):
    with pytest.raises(HeaderInjectionError, match="line break or control character"):
        header_value("subject", value)


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("where", ["subject", "recipient", "sender name"])
def test_no_message_is_built_with_an_injected_header(value, where):
    email, config = composed(), settings()
    if where == "subject":
        email = composed(subject=value)
    elif where == "recipient":
        email = composed(to="ana@example.com" + value[5:])
    else:
        config = settings(sender_name=value)
    with pytest.raises(HeaderInjectionError):
        build_message(email, config, "<1@balmorex.example>", datetime.now(UTC))


def test_the_stdlib_smtp_policy_refuses_them_as_well():
    message = EmailMessage(policy=SMTP)
    with pytest.raises(ValueError, match="linefeed or carriage return"):
        message["Subject"] = "Hello\r\nBcc: victim@example.com"


def test_a_text_body_may_hold_anything_and_stays_in_the_body():
    message = build_message(
        composed(text="Line one\r\nBcc: victim@example.com\r\n"),
        settings(),
        "<1@balmorex.example>",
        datetime.now(UTC),
    )
    parsed = message_from_bytes(message.as_bytes(), policy=SMTP)
    assert parsed["Bcc"] is None and parsed["To"] == "ana@example.com"
    assert "Bcc: victim@example.com" in text_and_html(parsed)[0]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("ana@example.com\r\nBcc: victim@example.com", "not a usable email address"),
        ("not an address", "not a usable email address"),
        ("", "no email address"),
    ],
)
def test_an_unusable_shopper_address_is_set_aside_not_sent(
    app, paid_order, seeded, deliver_now, smtp, address, reason
):
    order = paid_order(("BMX-PRO-GRF", 1))
    with app.extensions["db_sessionmaker"]() as session:
        assert enqueue(
            session, "test:evil", EmailKind.ORDER_CONFIRMATION, to=address, order_id=order.id
        )
        session.commit()
    refused = next(e for e in outbox(seeded) if e.cause_key == "test:evil")
    assert refused.status is OutboxStatus.FAILED and reason in refused.last_error
    deliver_now()
    assert all("victim" not in str(m["To"]) for m in smtp.messages)
    assert len(smtp.messages) == 2  # the order's own confirmation and staff alert


def test_a_shipping_name_with_markup_and_a_line_break_stays_in_the_body(
    shopper, stripe, deliver_now, smtp
):
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    name = "Ana <b>Lee</b>\r\nBcc: victim@example.com"
    stripe.pay(session_id, email="ana@example.com", name=name)
    shopper.client.get(f"/checkout/success?session_id={session_id}")
    assert shopper.order(session_id).status is OrderStatus.PAID
    deliver_now()
    for message in smtp.messages:
        assert message["Bcc"] is None
        assert "victim" not in str(message["To"]) + str(message["Subject"])
    text, html = text_and_html(smtp.to("ana@example.com")[0])
    assert "Ana <b>Lee</b>" in text  # plain text as typed
    assert "Ana &lt;b&gt;Lee&lt;/b&gt;" in html and "<b>Lee" not in html  # escaped in HTML
    received = [r.rcpt_tos for r in smtp.handler.received]
    assert sorted(received) == [["ana@example.com"], ["ops-alerts@balmorex.example"]]
