"""Paying on the hosted page stand-in: success, decline, delayed success and failure."""

from __future__ import annotations

from typing import Any

import stripe

from shop.stripe_emulator import EmulatorServer
from tests.stripe_emulator.conftest import Reply, WebhookReceiver, http

SHOPPER = {
    "email": "anna@example.com",
    "name": "Anna Muster",
    "line1": "Torstraße 120",
    "line2": "",
    "city": "Berlin",
    "postal_code": "10119",
    "state": "",
    "country": "DE",
    "shipping_option": "1",
}


def submit(emulator: EmulatorServer, session_id: str, action: str, **fields: str) -> Reply:
    """Press a button on the hosted page, as a browser posts the form."""
    form = {**SHOPPER, **fields, "action": action}
    return http("POST", f"{emulator.url}/c/pay/{session_id}", form=form, follow_redirects=False)


def test_test_card_pays_and_redirects_to_success_url(
    open_session: Any,
    client: stripe.StripeClient,
    emulator: EmulatorServer,
    receiver: WebhookReceiver,
) -> None:
    session = open_session()

    reply = submit(emulator, session.id, "succeeded")

    assert reply.status == 303
    assert reply.headers["Location"] == f"http://shop.test/checkout/success?session_id={session.id}"
    paid = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent.latest_charge"]}
    )
    assert (paid.status, paid.payment_status, paid.url) == ("complete", "paid", None)
    assert paid.amount_total == 6190 + 1290  # express shipping chosen on the page
    assert paid.total_details.amount_shipping == 1290
    assert paid.shipping_cost.shipping_rate == paid.shipping_options[1].shipping_rate
    assert paid.customer_details.email == "anna@example.com"
    assert paid.customer_details.name == "Anna Muster"
    shipping = paid.collected_information.shipping_details
    assert shipping.name == "Anna Muster"
    assert shipping.address.to_dict() == {
        "city": "Berlin",
        "country": "DE",
        "line1": "Torstraße 120",
        "line2": None,
        "postal_code": "10119",
        "state": None,
    }
    intent = paid.payment_intent
    assert (intent.object, intent.status, intent.amount, intent.amount_received) == (
        "payment_intent",
        "succeeded",
        7480,
        7480,
    )
    assert intent.metadata["order_id"] == "1001"
    assert intent.id.startswith("pi_") and intent.latest_charge.id.startswith("ch_")
    charge = intent.latest_charge
    assert (charge.status, charge.paid, charge.amount, charge.amount_refunded) == (
        "succeeded",
        True,
        7480,
        0,
    )
    assert charge.payment_method_details.card.last4 == "4242"
    assert charge.shipping.address.city == "Berlin"
    receiver.wait_for(4)
    assert receiver.types() == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.succeeded",
        "checkout.session.completed",
    ]


def test_declined_card_shows_the_error_and_leaves_the_session_open(
    open_session: Any, client: stripe.StripeClient, emulator: EmulatorServer
) -> None:
    session = open_session()

    reply = submit(emulator, session.id, "declined")

    assert reply.status == 402
    assert "Your card was declined." in reply.text
    still_open = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent"]}
    )
    assert (still_open.status, still_open.payment_status) == ("open", "unpaid")
    intent = still_open.payment_intent
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.code == "card_declined"
    assert intent.last_payment_error.type == "card_error"
    assert [e["type"] for e in emulator.events()] == [
        "payment_intent.created",
        "charge.failed",
        "payment_intent.payment_failed",
    ]


def test_paying_after_a_decline_reuses_the_intent(
    open_session: Any, emulator: EmulatorServer
) -> None:
    session = open_session()
    submit(emulator, session.id, "declined")

    result = emulator.pay(session.id)

    assert result["session"]["payment_status"] == "paid"
    assert len(emulator.store.payment_intents) == 1
    assert len(emulator.events("payment_intent.created")) == 1


def test_delayed_payment_that_succeeds(
    open_session: Any,
    client: stripe.StripeClient,
    emulator: EmulatorServer,
    receiver: WebhookReceiver,
) -> None:
    session = open_session()

    reply = submit(emulator, session.id, "delayed_success")

    assert reply.status == 303
    pending = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent"]}
    )
    assert (pending.status, pending.payment_status) == ("complete", "unpaid")
    assert pending.payment_intent.status == "processing"
    completed = emulator.wait_for_event("checkout.session.completed")
    assert completed["data"]["object"]["payment_status"] == "unpaid"

    emulator.settle(session.id)

    settled = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent.latest_charge"]}
    )
    assert settled.payment_status == "paid"
    assert settled.payment_intent.status == "succeeded"
    assert settled.payment_intent.latest_charge.payment_method_details.type == "sepa_debit"
    succeeded = emulator.wait_for_event("checkout.session.async_payment_succeeded")
    assert succeeded["data"]["object"]["payment_status"] == "paid"
    receiver.wait_for(len(emulator.events()))
    assert receiver.types()[-1] == "checkout.session.async_payment_succeeded"


def test_delayed_payment_that_fails(
    open_session: Any, client: stripe.StripeClient, emulator: EmulatorServer
) -> None:
    session = open_session()
    emulator.pay(session.id, "delayed_failure")

    emulator.settle(session.id)

    failed = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent.latest_charge"]}
    )
    assert (failed.status, failed.payment_status) == ("complete", "unpaid")
    assert failed.payment_intent.status == "requires_payment_method"
    assert failed.payment_intent.latest_charge.status == "failed"
    types = [e["type"] for e in emulator.events()]
    assert types[-3:] == [
        "charge.failed",
        "payment_intent.payment_failed",
        "checkout.session.async_payment_failed",
    ]
    assert "checkout.session.async_payment_succeeded" not in types


def test_delayed_payment_settles_by_itself_after_the_delay(
    open_session: Any, emulator: EmulatorServer
) -> None:
    emulator.store.settings.async_delay = 0.1
    session = open_session()
    emulator.pay(session.id, "delayed_success")

    event = emulator.wait_for_event("checkout.session.async_payment_succeeded", timeout=3)

    assert event["data"]["object"]["id"] == session.id


def test_settling_twice_is_refused(open_session: Any, emulator: EmulatorServer) -> None:
    session = open_session()
    emulator.pay(session.id, "delayed_success")
    emulator.settle(session.id)

    reply = http("POST", f"{emulator.url}/_emulator/sessions/{session.id}/settle")

    assert reply.status == 409
    assert "No delayed payment" in reply.json()["error"]["message"]


def test_promotion_code_takes_ten_percent_off_the_subtotal(
    open_session: Any, client: stripe.StripeClient, emulator: EmulatorServer
) -> None:
    session = open_session()

    submit(emulator, session.id, "succeeded", promotion_code="welcome10", shipping_option="0")

    paid = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["line_items", "total_details.breakdown"]}
    )
    assert paid.total_details.amount_discount == 490 + 129
    assert paid.amount_total == 6190 - 619 + 490
    assert [i.amount_discount for i in paid.line_items.data] == [490, 129]
    assert paid.discounts[0].promotion_code.startswith("promo_")
    assert paid.total_details.breakdown.discounts[0].discount.coupon.percent_off == 10.0


def test_unknown_promotion_code_is_an_error_on_the_page(
    open_session: Any, client: stripe.StripeClient, emulator: EmulatorServer
) -> None:
    session = open_session()

    reply = submit(emulator, session.id, "succeeded", promotion_code="FREESTUFF")

    assert reply.status == 400
    assert "This code is invalid." in reply.text
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"


def test_country_outside_allowed_countries_is_refused(
    open_session: Any, emulator: EmulatorServer
) -> None:
    session = open_session()

    reply = submit(emulator, session.id, "succeeded", country="US")

    assert reply.status == 400
    assert "cannot ship to the selected country" in reply.text


def test_paying_a_completed_or_expired_session_shows_a_message(
    open_session: Any, emulator: EmulatorServer
) -> None:
    done, gone = open_session(), open_session()
    emulator.pay(done.id)
    emulator.expire_now(gone.id)

    again = submit(emulator, done.id, "succeeded")
    late = submit(emulator, gone.id, "succeeded")
    page = http("GET", f"{emulator.url}/c/pay/{gone.id}")

    assert again.status == 409 and "This checkout session is complete" in again.text
    assert late.status == 409 and "This checkout session has expired" in late.text
    assert page.status == 200 and "has expired" in page.text
    assert len(emulator.events("checkout.session.completed")) == 1


def test_pay_control_returns_the_redirect(open_session: Any, emulator: EmulatorServer) -> None:
    session = open_session()

    reply = http(
        "POST",
        f"{emulator.url}/_emulator/sessions/{session.id}/pay",
        json_body={"outcome": "succeeded", "shipping_option": 1, "email": "ben@example.com"},
    )

    body = reply.json()
    assert reply.status == 200
    assert body["redirect_url"].endswith(f"session_id={session.id}")
    # The session was created with customer_email, which the shopper cannot change.
    assert body["session"]["customer_details"]["email"] == "anna@example.com"
    assert body["session"]["amount_total"] == 6190 + 1290


def test_pay_control_reports_declines_and_bad_input(
    open_session: Any, emulator: EmulatorServer
) -> None:
    session = open_session(customer_email=None)
    url = f"{emulator.url}/_emulator/sessions/{session.id}/pay"

    declined = http("POST", url, json_body={"outcome": "declined"})
    bad_option = http("POST", url, json_body={"outcome": "succeeded", "shipping_option": 7})
    paid = http("POST", url, json_body={"outcome": "succeeded", "email": "ben@example.com"})

    assert declined.json()["error"] == "Your card was declined."
    assert bad_option.status == 400
    assert paid.json()["session"]["customer_details"]["email"] == "ben@example.com"
