"""Without SMTP settings a purchase still leaves its emails, as .eml files in the outbox folder."""

from __future__ import annotations

import email
import logging
from email.policy import default as default_policy
from typing import Any

import pytest

from shop.checkout.setup import EMULATOR_WEBHOOK_SECRET
from shop.mail.models import OutboxStatus
from shop.orders.models import OrderStatus
from shop.stripe_emulator import EmulatorServer
from tests.checkout.conftest import wait_until
from tests.mail.conftest import outbox, text_and_html


@pytest.fixture
def app_overrides(stripe: EmulatorServer) -> dict[str, Any]:
    """The embedded default: no mail server at all."""
    return {
        "STRIPE_API_BASE": stripe.url,
        "STRIPE_WEBHOOK_SECRET": EMULATOR_WEBHOOK_SECRET,
        "STRIPE_TIMEOUT_SECONDS": 1.5,
        "STRIPE_MAX_RETRIES": 0,
    }


def eml_files(app):
    folder = app.config["OUTBOX_DIR"]
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def test_a_purchase_writes_its_emails_to_the_outbox_folder(app, shopper, stripe, live, caplog):
    caplog.set_level(logging.INFO, logger="shop.mail")
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id, email="ana@example.com")  # the emulator's webhook pays the order
    wait_until(lambda: shopper.order(session_id).status is OrderStatus.PAID)
    wait_until(
        lambda: [e.status for e in outbox(shopper.db)] == [OutboxStatus.SENT] * 2,
        what="both emails written",
    )
    files = eml_files(app)
    assert len(files) == 2
    order = shopper.order(session_id)
    messages = [email.message_from_bytes(f.read_bytes(), policy=default_policy) for f in files]
    confirmation = next(m for m in messages if m["To"] == "ana@example.com")
    assert confirmation["Subject"] == f"Your Balmorex order {order.number} is confirmed"
    assert order.number in text_and_html(confirmation)[0]
    alert = next(m for m in messages if m is not confirmation)
    assert alert["To"] == "orders@balmorex.example"  # no STAFF_ALERT_EMAIL: the sender's box
    assert all(f.name.endswith(("order_confirmation.eml", "new_order_alert.eml")) for f in files)
    assert not list(app.config["OUTBOX_DIR"].glob("*.part"))
    logged = [r.getMessage() for r in caplog.records if r.name == "shop.mail.delivery"]
    assert sorted(m.rsplit(" written to ", 1)[1] for m in logged) == [str(f) for f in files]


def test_an_unwritable_folder_is_a_failed_attempt_to_retry(app, shopper, stripe, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the outbox folder should be")
    app.config["OUTBOX_DIR"] = blocker
    shopper.add("BMX-PRO-GRF")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id)
    response = shopper.client.get(f"/checkout/success?session_id={session_id}")
    assert response.status_code == 200
    response.close()
    emails = outbox(shopper.db)
    assert {(e.status, e.attempts) for e in emails} == {(OutboxStatus.PENDING, 1)}
    assert all("could not be written" in e.last_error for e in emails)
