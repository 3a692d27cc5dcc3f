"""Idempotency keys: replays, conflicts, scoping, and what is (not) saved."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import stripe

from shop.stripe_emulator import EmulatorServer
from tests.stripe_emulator.conftest import Reply, http

Params = Callable[..., dict[str, Any]]


def test_same_key_same_params_replays_without_creating(
    client: stripe.StripeClient, session_params: Params, emulator: EmulatorServer
) -> None:
    params = session_params()

    first = client.v1.checkout.sessions.create(
        params=params, options={"idempotency_key": "order-1001-try-1"}
    )
    second = client.v1.checkout.sessions.create(
        params=params, options={"idempotency_key": "order-1001-try-1"}
    )

    assert second.id == first.id
    assert second.last_response.headers["Idempotent-Replayed"] == "true"
    assert second.last_response.headers["Original-Request"] == first.last_response.request_id
    assert "Idempotent-Replayed" not in first.last_response.headers
    assert [s.id for s in client.v1.checkout.sessions.list().data] == [first.id]


def test_same_key_different_params_is_an_idempotency_error(
    client: stripe.StripeClient, session_params: Params
) -> None:
    client.v1.checkout.sessions.create(params=session_params(), options={"idempotency_key": "k1"})

    with pytest.raises(stripe.IdempotencyError) as raised:
        client.v1.checkout.sessions.create(
            params=session_params(client_reference_id="order_other"),
            options={"idempotency_key": "k1"},
        )

    assert raised.value.http_status == 400
    assert raised.value.json_body["error"]["type"] == "idempotency_error"
    assert raised.value.user_message.startswith(
        "Keys for idempotent requests can only be used with the same parameters they were "
        "first used with."
    )


def test_same_key_on_another_endpoint_is_refused(
    client: stripe.StripeClient, session_params: Params
) -> None:
    session = client.v1.checkout.sessions.create(
        params=session_params(), options={"idempotency_key": "k2"}
    )

    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.expire(session.id, options={"idempotency_key": "k2"})


def test_keys_are_scoped_per_api_key(emulator: EmulatorServer, session_params: Params) -> None:
    def create(api_key: str) -> str:
        sdk = stripe.StripeClient(api_key, max_network_retries=0, **emulator.client_options())
        return sdk.v1.checkout.sessions.create(
            params=session_params(), options={"idempotency_key": "shared"}
        ).id

    assert create("sk_test_one") != create("sk_test_two")


def test_validation_failures_are_not_saved(
    client: stripe.StripeClient, session_params: Params
) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.create(
            params=session_params(foo="1"), options={"idempotency_key": "k3"}
        )

    session = client.v1.checkout.sessions.create(
        params=session_params(), options={"idempotency_key": "k3"}
    )

    assert session.status == "open"


def test_business_refusals_are_saved_and_replayed(
    client: stripe.StripeClient, open_session: Any, emulator: EmulatorServer
) -> None:
    session = open_session()
    emulator.pay(session.id)
    intent = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    params = {"payment_intent": intent, "amount": 999_999}

    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params=params, options={"idempotency_key": "r1"})
    with pytest.raises(stripe.InvalidRequestError) as replayed:
        client.v1.refunds.create(params=params, options={"idempotency_key": "r1"})

    assert replayed.value.headers["Idempotent-Replayed"] == "true"


def test_a_double_clicked_refund_makes_one_refund(
    client: stripe.StripeClient, open_session: Any, emulator: EmulatorServer
) -> None:
    session = open_session()
    intent = emulator.pay(session.id)["session"]["payment_intent"]

    first = client.v1.refunds.create(
        params={"payment_intent": intent, "amount": 500}, options={"idempotency_key": "refund-7"}
    )
    second = client.v1.refunds.create(
        params={"payment_intent": intent, "amount": 500}, options={"idempotency_key": "refund-7"}
    )

    assert first.id == second.id
    assert len(client.v1.refunds.list(params={"payment_intent": intent}).data) == 1
    assert client.v1.charges.retrieve(first.charge).amount_refunded == 500


def test_a_retry_while_the_first_request_is_in_flight_gets_409(emulator: EmulatorServer) -> None:
    # The first request does its work, then its answer is held back (an "after" delay).
    emulator.add_fault(
        kind="api_delay", phase="after", seconds=1.0, path_prefix="/v1/checkout/sessions"
    )
    form = {
        "mode": "payment",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "990",
        "line_items[0][price_data][product_data][name]": "Oil",
        "line_items[0][quantity]": "1",
    }
    headers = {"Authorization": "Bearer sk_test_x", "Idempotency-Key": "racing"}
    url = f"{emulator.url}/v1/checkout/sessions"
    first: list[Reply] = []
    thread = threading.Thread(
        target=lambda: first.append(http("POST", url, form=form, headers=headers))
    )
    thread.start()
    _wait_until(lambda: len(emulator.store.sessions) == 1)

    racing = http("POST", url, form=form, headers=headers)
    thread.join(timeout=5)
    replay = http("POST", url, form=form, headers=headers)

    assert racing.status == 409
    assert racing.json()["error"]["code"] == "idempotency_key_in_use"
    assert first[0].status == 200
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json()["id"] == first[0].json()["id"]
    assert len(emulator.store.sessions) == 1


def _wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)
