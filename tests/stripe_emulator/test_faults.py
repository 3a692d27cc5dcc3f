"""Fault injection on the API: errors before or after the work, delays that trip timeouts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import stripe

from shop.stripe_emulator import EmulatorServer
from tests.stripe_emulator.conftest import API_KEY, Reply, http

Params = Callable[..., dict[str, Any]]


def test_api_error_once_then_success(
    client: stripe.StripeClient, session_params: Params, emulator: EmulatorServer
) -> None:
    reply = http(
        "POST",
        f"{emulator.url}/_emulator/faults",
        json_body={
            "kind": "api_error",
            "path_prefix": "/v1/checkout/sessions",
            "method": "POST",
            "status": 500,
            "times": 1,
        },
    )
    assert reply.status == 200 and reply.json()["kind"] == "api_error"

    with pytest.raises(stripe.APIError) as raised:
        client.v1.checkout.sessions.create(params=session_params())
    session = client.v1.checkout.sessions.create(params=session_params())

    assert raised.value.http_status == 500
    assert raised.value.json_body["error"]["type"] == "api_error"
    assert session.status == "open"
    assert len(client.v1.checkout.sessions.list().data) == 1


def test_faults_match_method_and_path(
    client: stripe.StripeClient, session_params: Params, emulator: EmulatorServer
) -> None:
    emulator.add_fault(kind="api_error", path_prefix="/v1/refunds", status=500)

    client.v1.checkout.sessions.create(params=session_params())
    client.v1.checkout.sessions.list()

    assert len(emulator.faults.list()) == 1  # still armed: nothing matched


def test_rate_limit_fault(client: stripe.StripeClient, emulator: EmulatorServer) -> None:
    emulator.add_fault(kind="api_error", status=429)

    with pytest.raises(stripe.RateLimitError):
        client.v1.checkout.sessions.list()


def test_sdk_retry_with_the_same_key_recovers_from_a_lost_response(
    session_params: Params, emulator: EmulatorServer
) -> None:
    # The session is created, but the answer is lost; the SDK retries with its idempotency key.
    emulator.add_fault(
        kind="api_error", phase="after", status=502, path_prefix="/v1/checkout/sessions"
    )
    retrying = stripe.StripeClient(API_KEY, max_network_retries=2, **emulator.client_options())

    session = retrying.v1.checkout.sessions.create(params=session_params())

    assert session.last_response.headers["Idempotent-Replayed"] == "true"
    assert len(emulator.store.sessions) == 1


def test_api_delay_trips_the_client_timeout(
    session_params: Params, emulator: EmulatorServer
) -> None:
    emulator.add_fault(kind="api_delay", seconds=3, path_prefix="/v1/checkout/sessions")
    impatient = stripe.StripeClient(
        API_KEY,
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=0.3),
        **emulator.client_options(),
    )
    started = time.monotonic()

    with pytest.raises(stripe.APIConnectionError):
        impatient.v1.checkout.sessions.create(params=session_params())

    assert time.monotonic() - started < 2
    emulator.clear_faults()  # wakes the sleeping request so the server stays snappy


def test_fault_list_and_clear_over_http(emulator: EmulatorServer) -> None:
    http(
        "POST",
        f"{emulator.url}/_emulator/faults",
        json_body={"kind": "webhook_duplicate", "times": None},
    )

    armed = http("GET", f"{emulator.url}/_emulator/faults").json()
    cleared = http("DELETE", f"{emulator.url}/_emulator/faults")

    assert [f["kind"] for f in armed] == ["webhook_duplicate"] and armed[0]["times"] is None
    assert cleared.status == 200 and emulator.faults.list() == []


@pytest.mark.parametrize(
    "spec",
    [{"kind": "meteor"}, {"kind": "api_error", "times": 0}, {"kind": "api_error", "colour": "red"}],
)
def test_malformed_faults_are_400(emulator: EmulatorServer, spec: dict[str, Any]) -> None:
    assert http("POST", f"{emulator.url}/_emulator/faults", json_body=spec).status == 400


def test_reset_cuts_a_delayed_request_short_and_it_creates_nothing(
    session_params: Params, emulator: EmulatorServer
) -> None:
    emulator.add_fault(kind="api_delay", seconds=10, path_prefix="/v1/checkout/sessions")
    form = {
        "mode": "payment",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "990",
        "line_items[0][price_data][product_data][name]": "Oil",
        "line_items[0][quantity]": "1",
    }
    replies: list[Reply] = []
    url = f"{emulator.url}/v1/checkout/sessions"
    headers = {"Authorization": f"Bearer {API_KEY}"}
    slow = threading.Thread(
        target=lambda: replies.append(http("POST", url, form=form, headers=headers))
    )
    slow.start()
    deadline = time.monotonic() + 5
    while emulator.faults.list():  # consumed once the request is asleep in the delay
        assert time.monotonic() < deadline
        time.sleep(0.01)

    emulator.reset()
    slow.join(timeout=5)

    assert replies[0].status == 503
    assert emulator.store.sessions == {}
