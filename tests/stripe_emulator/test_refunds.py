"""Refunds from the shop (API) and from the dashboard (control)."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from shop.stripe_emulator import EmulatorServer
from tests.stripe_emulator.conftest import WebhookReceiver, http


@pytest.fixture
def paid_intent(open_session: Any, emulator: EmulatorServer) -> str:
    """The payment intent id of a session paid 6680 EUR (standard shipping)."""
    result = emulator.pay(open_session().id)
    intent: str = result["session"]["payment_intent"]
    return intent


def test_full_refund(
    client: stripe.StripeClient, paid_intent: str, emulator: EmulatorServer
) -> None:
    refund = client.v1.refunds.create(
        params={"payment_intent": paid_intent, "reason": "requested_by_customer"}
    )

    assert (refund.object, refund.status, refund.amount, refund.currency) == (
        "refund",
        "succeeded",
        6680,
        "eur",
    )
    assert refund.id.startswith("re_") and refund.payment_intent == paid_intent
    assert refund.reason == "requested_by_customer"
    charge = client.v1.charges.retrieve(refund.charge)
    assert (charge.amount_refunded, charge.refunded) == (6680, True)
    assert client.v1.refunds.retrieve(refund.id).amount == 6680
    refunded = emulator.wait_for_event("charge.refunded")
    assert refunded["data"]["previous_attributes"] == {"amount_refunded": 0, "refunded": False}


def test_partial_refunds_add_up_and_then_stop(
    client: stripe.StripeClient, paid_intent: str
) -> None:
    client.v1.refunds.create(
        params={"payment_intent": paid_intent, "amount": 1000, "metadata": {"line": "1"}}
    )
    rest = client.v1.refunds.create(params={"payment_intent": paid_intent})

    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.refunds.create(params={"payment_intent": paid_intent, "amount": 1})

    assert rest.amount == 5680
    assert raised.value.code == "charge_already_refunded"
    listed = client.v1.refunds.list(params={"payment_intent": paid_intent})
    assert [r.amount for r in listed.data] == [5680, 1000]  # newest first
    assert listed.data[1].metadata["line"] == "1"


def test_over_refund_is_refused(client: stripe.StripeClient, paid_intent: str) -> None:
    client.v1.refunds.create(params={"payment_intent": paid_intent, "amount": 6000})

    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.refunds.create(params={"payment_intent": paid_intent, "amount": 681})

    assert raised.value.http_status == 400
    assert (raised.value.param, raised.value.code) == ("amount", "amount_too_large")
    assert raised.value.user_message == (
        "Refund amount (€6.81) is greater than unrefunded amount on charge (€6.80)"
    )


@pytest.mark.parametrize("amount", [0, -5])
def test_zero_or_negative_amount_is_refused(
    client: stripe.StripeClient, paid_intent: str, amount: int
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.refunds.create(params={"payment_intent": paid_intent, "amount": amount})

    assert raised.value.param == "amount"
    assert raised.value.user_message == "This value must be greater than or equal to 1."


def test_unpaid_intent_cannot_be_refunded(
    client: stripe.StripeClient, open_session: Any, emulator: EmulatorServer
) -> None:
    session = open_session()
    emulator.pay(session.id, "delayed_success")  # processing, not yet paid
    intent = client.v1.checkout.sessions.retrieve(session.id).payment_intent

    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.refunds.create(params={"payment_intent": intent})

    assert raised.value.param == "payment_intent"
    assert "does not have a successful charge to refund" in raised.value.user_message


def test_refund_needs_a_payment_intent_or_charge(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.refunds.create(params={"amount": 100})

    assert raised.value.code == "parameter_missing"


def test_unknown_payment_intent(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.refunds.create(params={"payment_intent": "pi_nope"})

    assert raised.value.http_status == 404
    assert raised.value.user_message == "No such payment_intent: 'pi_nope'"


def test_refund_by_charge(client: stripe.StripeClient, paid_intent: str) -> None:
    charge = client.v1.payment_intents.retrieve(paid_intent).latest_charge

    refund = client.v1.refunds.create(
        params={"charge": charge, "amount": 100}, options={"idempotency_key": "c1"}
    )

    assert refund.charge == charge and refund.payment_intent == paid_intent


def test_dashboard_refund_emits_charge_refunded(
    paid_intent: str,
    emulator: EmulatorServer,
    receiver: WebhookReceiver,
    client: stripe.StripeClient,
) -> None:
    reply = http(
        "POST",
        f"{emulator.url}/_emulator/payment_intents/{paid_intent}/refund",
        json_body={"amount": 250},
    )

    assert reply.status == 200 and reply.json()["amount"] == 250
    refunded = emulator.wait_for_event("charge.refunded")
    assert refunded["data"]["object"]["amount_refunded"] == 250
    assert refunded["request"] == {"id": None, "idempotency_key": None}  # not an API request
    assert emulator.wait_for_event("refund.created")["data"]["object"]["amount"] == 250
    receiver.wait_for(len(emulator.events()))
    assert receiver.types()[-2:] == ["charge.refunded", "refund.created"]
    assert client.v1.charges.retrieve(refunded["data"]["object"]["id"]).amount_refunded == 250


def test_dashboard_refund_of_unknown_intent_is_404(emulator: EmulatorServer) -> None:
    reply = http("POST", f"{emulator.url}/_emulator/payment_intents/pi_nope/refund")

    assert reply.status == 404
