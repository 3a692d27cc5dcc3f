"""Checkout Sessions through the official SDK: create, retrieve, list, line items, expire."""

from __future__ import annotations

import time
from typing import Any

import pytest
import stripe

from shop.stripe_emulator import EmulatorServer


def test_create_returns_an_open_session_shaped_like_stripes(
    open_session: Any, emulator: EmulatorServer
) -> None:
    session = open_session()

    assert session.object == "checkout.session"
    assert session.id.startswith("cs_test_a1") and len(session.id) == 66
    assert (session.status, session.payment_status, session.mode) == ("open", "unpaid", "payment")
    assert session.amount_subtotal == 2 * 2450 + 1290
    assert session.amount_total == 6190 + 490  # the first shipping option is preselected
    assert session.currency == "eur"
    assert session.url == f"{emulator.url}/c/pay/{session.id}"
    assert session.client_reference_id == "order_1001"
    assert session.metadata.to_dict() == {"order_id": "1001"}
    assert session.customer_email == "anna@example.com"
    assert session.payment_intent is None
    assert session.livemode is False
    assert session.shipping_address_collection.allowed_countries == ["DE", "AT", "CH"]
    assert [o.shipping_amount for o in session.shipping_options] == [490, 1290]
    assert all(o.shipping_rate.startswith("shr_") for o in session.shipping_options)
    assert session.total_details.to_dict() == {
        "amount_discount": 0,
        "amount_shipping": 490,
        "amount_tax": 0,
    }
    assert session.shipping_cost.shipping_rate == session.shipping_options[0].shipping_rate
    assert session.success_url.endswith("session_id={CHECKOUT_SESSION_ID}")


def test_retrieve_expands_line_items_and_products(
    open_session: Any, client: stripe.StripeClient
) -> None:
    created = open_session()

    session = client.v1.checkout.sessions.retrieve(
        created.id,
        params={"expand": ["line_items.data.price.product", "shipping_cost.shipping_rate"]},
    )

    items = session.line_items.data
    assert [(i.description, i.quantity, i.amount_total) for i in items] == [
        ("Massage ball set", 2, 4900),
        ("Wärmekissen", 1, 1290),
    ]
    assert items[0].object == "item" and items[0].id.startswith("li_")
    assert items[0].price.unit_amount == 2450 and items[0].price.type == "one_time"
    assert items[0].price.product.metadata["sku"] == "BALL-2"
    assert session.shipping_cost.shipping_rate.display_name == "Standard"
    assert session.shipping_cost.shipping_rate.delivery_estimate.minimum.unit == "business_day"


def test_line_items_endpoint_paginates(open_session: Any, client: stripe.StripeClient) -> None:
    session = open_session()

    first = client.v1.checkout.sessions.line_items.list(session.id, params={"limit": 1})
    rest = client.v1.checkout.sessions.line_items.list(
        session.id, params={"limit": 1, "starting_after": first.data[0].id}
    )

    assert first.has_more is True and first.data[0].description == "Massage ball set"
    assert rest.has_more is False and rest.data[0].description == "Wärmekissen"
    assert first.url == f"/v1/checkout/sessions/{session.id}/line_items"


def test_unknown_session_is_resource_missing(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.checkout.sessions.retrieve("cs_test_x")

    assert raised.value.http_status == 404
    assert raised.value.code == "resource_missing"
    assert raised.value.user_message == "No such checkout.session: 'cs_test_x'"
    assert raised.value.request_id and raised.value.request_id.startswith("req_")


def test_list_is_newest_first_with_cursors_and_filters(
    open_session: Any, client: stripe.StripeClient, emulator: EmulatorServer
) -> None:
    ids = [open_session(client_reference_id=f"order_{n}").id for n in range(3)]
    emulator.pay(ids[0])

    page = client.v1.checkout.sessions.list(params={"limit": 2})
    following = client.v1.checkout.sessions.list(
        params={"limit": 2, "starting_after": page.data[-1].id}
    )
    before = client.v1.checkout.sessions.list(params={"ending_before": ids[0]})
    complete = client.v1.checkout.sessions.list(params={"status": "complete"})
    future = client.v1.checkout.sessions.list(params={"created": {"gt": int(time.time()) + 60}})

    assert [s.id for s in page.data] == [ids[2], ids[1]] and page.has_more is True
    assert [s.id for s in following.data] == [ids[0]] and following.has_more is False
    assert [s.id for s in before.data] == [ids[2], ids[1]]
    assert [s.id for s in complete.data] == [ids[0]]
    assert future.data == []
    assert page.object == "list" and page.url == "/v1/checkout/sessions"
    assert [s.id for s in client.v1.checkout.sessions.list().auto_paging_iter()] == ids[::-1]


def test_list_filters_by_payment_intent(
    open_session: Any, client: stripe.StripeClient, emulator: EmulatorServer
) -> None:
    paid = open_session()
    open_session()
    intent = emulator.pay(paid.id)["session"]["payment_intent"]

    found = client.v1.checkout.sessions.list(params={"payment_intent": intent})

    assert [s.id for s in found.data] == [paid.id]


def test_list_limit_is_bounded(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.checkout.sessions.list(params={"limit": 101})

    assert raised.value.param == "limit"
    assert raised.value.user_message == "This value must be less than or equal to 100."


def test_expire_closes_an_open_session_once(
    open_session: Any, client: stripe.StripeClient, emulator: EmulatorServer
) -> None:
    session = open_session()

    expired = client.v1.checkout.sessions.expire(session.id)
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.checkout.sessions.expire(session.id)

    assert (expired.status, expired.url) == ("expired", None)
    assert again.value.http_status == 400
    assert again.value.user_message == (
        'Only Checkout Sessions with a status in ["open"] can be expired. '
        "This Checkout Session has a status of `expired`."
    )
    event = emulator.wait_for_event("checkout.session.expired")
    assert event["data"]["object"]["id"] == session.id
    assert event["request"]["id"] is not None  # caused by an API request


def test_expire_refuses_a_completed_session(
    open_session: Any, client: stripe.StripeClient, emulator: EmulatorServer
) -> None:
    session = open_session()
    emulator.pay(session.id)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.checkout.sessions.expire(session.id)

    assert "status of `complete`" in raised.value.user_message
