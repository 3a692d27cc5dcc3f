"""Webhook delivery: Stripe's signatures, retries with backoff, duplicates, reordering."""

from __future__ import annotations

import json
from typing import Any

import pytest
import stripe

from shop.stripe_emulator import EmulatorServer
from shop.stripe_emulator.reference import API_VERSION
from shop.stripe_emulator.webhooks import sign
from tests.stripe_emulator.conftest import SECRET, WebhookReceiver, http


def test_events_are_signed_as_stripe_signs_them(
    open_session: Any, emulator: EmulatorServer, receiver: WebhookReceiver
) -> None:
    session = open_session()
    emulator.pay(session.id)

    received = receiver.wait_for(4)[-1]
    event = received.event()  # raises if the signature does not verify

    assert received.content_type == "application/json; charset=utf-8"
    assert event.type == "checkout.session.completed"
    assert event.data.object.id == session.id
    assert event.api_version == API_VERSION
    assert (event.object, event.livemode, event.pending_webhooks) == ("event", False, 1)
    assert event.id.startswith("evt_")
    assert "Wärmekissen" not in received.body.decode()  # sessions carry no line items
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(received.body, received.signature, "whsec_wrong")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(received.body + b" ", received.signature, SECRET)


def test_signature_matches_the_sdk_helper() -> None:
    payload = '{"id": "evt_1", "name": "Wärme"}'
    header = sign(payload.encode(), SECRET, 1_700_000_000)

    assert header == stripe.WebhookSignature.generate_signature_header(
        payload, SECRET, 1_700_000_000
    )


def test_failed_deliveries_are_retried_with_backoff(
    open_session: Any, emulator: EmulatorServer, receiver: WebhookReceiver
) -> None:
    emulator.set_webhook(receiver.url, SECRET, enabled_events=["checkout.session.completed"])
    receiver.answer_next(500, 503)
    emulator.pay(open_session().id)

    arrivals = receiver.wait_for(3)

    assert [a.event().type for a in arrivals] == ["checkout.session.completed"] * 3
    assert len({a.event().id for a in arrivals}) == 1
    first_gap, second_gap = arrivals[1].at - arrivals[0].at, arrivals[2].at - arrivals[1].at
    assert first_gap >= 0.04 and second_gap >= 0.09  # base 0.05 s, then doubled
    deliveries = emulator.wait_for_deliveries(3)
    assert [(d["attempt"], d["status_code"], d["ok"]) for d in deliveries] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]


def test_pending_webhooks_drops_to_zero_once_delivered(
    open_session: Any, client: stripe.StripeClient, emulator: EmulatorServer
) -> None:
    emulator.pay(open_session().id)
    emulator.wait_for_deliveries(4, ok=True)

    event = client.v1.events.list(params={"type": "checkout.session.completed"}).data[0]

    assert client.v1.events.retrieve(event.id).pending_webhooks == 0


def test_unreachable_endpoint_is_logged_and_retried(
    open_session: Any, emulator: EmulatorServer
) -> None:
    emulator.set_webhook(
        "http://127.0.0.1:9/unreachable", SECRET, enabled_events=["checkout.session.completed"]
    )
    emulator.pay(open_session().id)

    attempts = emulator.wait_for_deliveries(2)

    assert all(a["status_code"] is None and a["error"] for a in attempts)
    assert [a["attempt"] for a in attempts] == [1, 2]


def test_webhook_fail_fault(
    open_session: Any, emulator: EmulatorServer, receiver: WebhookReceiver
) -> None:
    emulator.set_webhook(receiver.url, SECRET, enabled_events=["checkout.session.completed"])
    emulator.add_fault(kind="webhook_fail", status=500, times=2)
    emulator.pay(open_session().id)

    deliveries = emulator.wait_for_deliveries(3)

    assert [(d["status_code"], d["injected"]) for d in deliveries] == [
        (500, True),
        (500, True),
        (200, False),
    ]
    assert len(receiver.wait_for(1)) == 1  # the failed attempts never reached the shop


def test_webhook_fail_fault_that_still_delivers(
    open_session: Any, emulator: EmulatorServer, receiver: WebhookReceiver
) -> None:
    # The shop processes the event but Stripe never sees the 2xx: the same event comes again.
    emulator.set_webhook(receiver.url, SECRET, enabled_events=["checkout.session.completed"])
    emulator.add_fault(kind="webhook_fail", status=504, deliver=True)
    emulator.pay(open_session().id)

    arrivals = receiver.wait_for(2)

    assert arrivals[0].event().id == arrivals[1].event().id


def test_duplicate_delivery(
    open_session: Any, emulator: EmulatorServer, receiver: WebhookReceiver
) -> None:
    emulator.set_webhook(receiver.url, SECRET, enabled_events=["checkout.session.completed"])
    emulator.add_fault(kind="webhook_duplicate", times=1)
    emulator.pay(open_session().id)

    arrivals = receiver.wait_for(2)

    assert {a.event().id for a in arrivals} == {
        emulator.events("checkout.session.completed")[0]["id"]
    }
    assert sorted(d["duplicate"] for d in emulator.wait_for_deliveries(2)) == [False, True]


def test_paused_deliveries_can_be_released_newest_first(
    open_session: Any, emulator: EmulatorServer, receiver: WebhookReceiver
) -> None:
    emulator.set_webhook(receiver.url, SECRET, enabled_events=["checkout.session.*"])
    http("POST", f"{emulator.url}/_emulator/webhooks/pause")
    session = open_session()
    emulator.pay(session.id, "delayed_success")
    emulator.settle(session.id)
    assert receiver.received == []

    reply = http(
        "POST", f"{emulator.url}/_emulator/webhooks/resume", json_body={"order": "reverse"}
    )

    assert reply.status == 200
    receiver.wait_for(2)
    assert receiver.types() == [
        "checkout.session.async_payment_succeeded",
        "checkout.session.completed",
    ]


def test_webhook_delay_lets_later_events_overtake(
    open_session: Any, emulator: EmulatorServer, receiver: WebhookReceiver
) -> None:
    emulator.set_webhook(receiver.url, SECRET, enabled_events=["checkout.session.*"])
    emulator.add_fault(kind="webhook_delay", seconds=0.3, event_type="checkout.session.completed")
    session = open_session()
    emulator.pay(session.id, "delayed_failure")
    emulator.settle(session.id)

    receiver.wait_for(2)

    assert receiver.types() == [
        "checkout.session.async_payment_failed",
        "checkout.session.completed",
    ]


def test_sweeper_expires_sessions_past_expires_at(
    open_session: Any,
    emulator: EmulatorServer,
    receiver: WebhookReceiver,
    client: stripe.StripeClient,
) -> None:
    session = open_session()
    later = open_session()
    emulator.store.sessions[later.id].obj["expires_at"] += 3600  # expires an hour after the first

    reply = http("POST", f"{emulator.url}/_emulator/clock", json_body={"seconds": 3601})

    assert reply.status == 200
    event = emulator.wait_for_event("checkout.session.expired", timeout=3)
    assert event["data"]["object"]["id"] == session.id
    assert event["request"]["id"] is None  # expired by Stripe itself
    assert client.v1.checkout.sessions.retrieve(session.id).status == "expired"
    assert client.v1.checkout.sessions.retrieve(later.id).status == "open"
    receiver.wait_for(1)
    assert receiver.types() == ["checkout.session.expired"]


def test_expire_now_control(
    open_session: Any, emulator: EmulatorServer, receiver: WebhookReceiver
) -> None:
    session = open_session()

    reply = http("POST", f"{emulator.url}/_emulator/sessions/{session.id}/expire_now")

    assert reply.json()["status"] == "expired"
    receiver.wait_for(1)
    assert receiver.types() == ["checkout.session.expired"]


def test_events_api_lists_by_type(
    open_session: Any, client: stripe.StripeClient, emulator: EmulatorServer
) -> None:
    emulator.pay(open_session().id)

    completed = client.v1.events.list(params={"type": "checkout.session.completed"})
    charges = client.v1.events.list(params={"type": "charge.*"})
    everything = client.v1.events.list(params={"limit": 100})

    assert [e.type for e in completed.data] == ["checkout.session.completed"]
    assert [e.type for e in charges.data] == ["charge.succeeded"]
    assert everything.data[0].type == "checkout.session.completed"  # newest first
    assert client.v1.events.retrieve(completed.data[0].id).data.object.object == "checkout.session"


def test_deliveries_and_events_controls(open_session: Any, emulator: EmulatorServer) -> None:
    emulator.pay(open_session().id)
    emulator.wait_for_deliveries(4)

    deliveries = http("GET", f"{emulator.url}/_emulator/deliveries").json()
    events = http("GET", f"{emulator.url}/_emulator/events").json()

    assert {d["event_id"] for d in deliveries} == {e["id"] for e in events}
    assert set(deliveries[0]) >= {"event_id", "type", "attempt", "status_code", "error", "at"}


def test_webhook_can_be_reconfigured_over_http(
    emulator: EmulatorServer, open_session: Any, receiver: WebhookReceiver
) -> None:
    reply = http(
        "POST", f"{emulator.url}/_emulator/webhook", json_body={"url": None, "secret": "whsec_x"}
    )
    emulator.pay(open_session().id)

    assert reply.json()["url"] is None
    assert all(e["pending_webhooks"] == 0 for e in emulator.events())
    assert emulator.deliveries() == [] and receiver.received == []


def test_payload_is_the_event_json(
    open_session: Any, emulator: EmulatorServer, receiver: WebhookReceiver
) -> None:
    emulator.set_webhook(receiver.url, SECRET, enabled_events=["checkout.session.completed"])
    emulator.pay(open_session().id)

    body = json.loads(receiver.wait_for(1)[0].body)

    assert set(body) == {
        "id",
        "object",
        "api_version",
        "created",
        "data",
        "livemode",
        "pending_webhooks",
        "request",
        "type",
    }
