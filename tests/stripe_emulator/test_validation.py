"""Stripe's parameter validation and authentication, byte for byte where it matters."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import stripe

from shop.stripe_emulator import EmulatorServer
from tests.stripe_emulator.conftest import http

Params = Callable[..., dict[str, Any]]


def _refused(client: stripe.StripeClient, params: dict[str, Any]) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.checkout.sessions.create(params=params)
    assert raised.value.http_status == 400
    return raised.value


def test_unknown_top_level_parameter(client: stripe.StripeClient, session_params: Params) -> None:
    error = _refused(client, session_params(foo="bar"))

    assert error.user_message == "Received unknown parameter: foo"
    assert (error.code, error.param) == ("parameter_unknown", "foo")
    assert error.json_body["error"]["type"] == "invalid_request_error"
    assert error.json_body["error"]["doc_url"].endswith("/parameter-unknown")


def test_unknown_nested_parameter_names_its_full_path(
    client: stripe.StripeClient, session_params: Params
) -> None:
    params = session_params()
    params["line_items"][0]["bogus"] = "1"

    error = _refused(client, params)

    assert error.user_message == "Received unknown parameter: line_items[0][bogus]"
    assert error.param == "line_items[0][bogus]"


def test_parameters_removed_from_this_api_version_are_unknown(
    client: stripe.StripeClient, session_params: Params
) -> None:
    error = _refused(client, session_params(payment_method_types=["card"]))

    assert error.code == "parameter_unknown"


def test_real_but_unmodelled_parameters_are_accepted(
    client: stripe.StripeClient, session_params: Params
) -> None:
    session = client.v1.checkout.sessions.create(
        params=session_params(
            automatic_tax={"enabled": False}, custom_text={"submit": {"message": "Thanks"}}
        )
    )

    assert session.status == "open"


@pytest.mark.parametrize(
    ("change", "param"),
    [
        (lambda p: p.pop("mode"), "mode"),
        (lambda p: p.pop("line_items"), "line_items"),
        (lambda p: p["line_items"][1].pop("quantity"), "line_items[1][quantity]"),
        (
            lambda p: p["line_items"][0]["price_data"].pop("currency"),
            "line_items[0][price_data][currency]",
        ),
        (
            lambda p: p["line_items"][0]["price_data"]["product_data"].pop("name"),
            "line_items[0][price_data][product_data][name]",
        ),
        (
            lambda p: p["shipping_options"][0]["shipping_rate_data"].pop("display_name"),
            "shipping_options[0][shipping_rate_data][display_name]",
        ),
    ],
)
def test_missing_required_parameter(
    client: stripe.StripeClient, session_params: Params, change: Any, param: str
) -> None:
    params = session_params()
    change(params)

    error = _refused(client, params)

    assert (error.code, error.param) == ("parameter_missing", param)
    assert error.user_message == f"Missing required param: {param}."


@pytest.mark.parametrize(
    ("offset", "word"), [(29 * 60, "at least 30 minutes"), (25 * 3600, "less than 24 hours")]
)
def test_expires_at_outside_thirty_minutes_to_a_day(
    client: stripe.StripeClient, session_params: Params, offset: int, word: str
) -> None:
    error = _refused(client, session_params(expires_at=int(time.time()) + offset))

    assert error.param == "expires_at"
    assert word in error.user_message


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("two", "parameter_invalid_integer", "Invalid integer: two"),
        ("0", "parameter_invalid_integer", "This value must be greater than or equal to 1."),
        ("1.5", "parameter_invalid_integer", "Invalid integer: 1.5"),
    ],
)
def test_bad_quantity(
    client: stripe.StripeClient, session_params: Params, value: str, code: str, message: str
) -> None:
    params = session_params()
    params["line_items"][0]["quantity"] = value

    error = _refused(client, params)

    assert (error.code, error.param, error.user_message) == (
        code,
        "line_items[0][quantity]",
        message,
    )


def test_empty_string_cannot_unset_a_create_parameter(
    client: stripe.StripeClient, session_params: Params
) -> None:
    error = _refused(client, session_params(customer_email=""))

    assert (error.code, error.param) == ("parameter_invalid_empty", "customer_email")
    assert error.user_message.startswith("You passed an empty string for 'customer_email'.")


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"mode": "lease"}, "mode"),
        ({"locale": "xx"}, "locale"),
        ({"customer_email": "not-an-email"}, "customer_email"),
        ({"success_url": "shop.test/ok"}, "success_url"),
        ({"allow_promotion_codes": "yes"}, "allow_promotion_codes"),
        (
            {"shipping_address_collection": {"allowed_countries": ["DE", "QQ"]}},
            "shipping_address_collection[allowed_countries][1]",
        ),
    ],
)
def test_invalid_values(
    client: stripe.StripeClient, session_params: Params, overrides: dict[str, Any], param: str
) -> None:
    error = _refused(client, session_params(**overrides))

    assert error.param == param


def test_price_ids_are_unknown_to_the_emulator(
    client: stripe.StripeClient, session_params: Params
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.checkout.sessions.create(
            params=session_params(line_items=[{"price": "price_123", "quantity": 1}])
        )

    assert (raised.value.http_status, raised.value.code) == (404, "resource_missing")
    assert raised.value.param == "line_items[0][price]"
    assert raised.value.user_message == "No such price: 'price_123'"


def test_currencies_must_agree(client: stripe.StripeClient, session_params: Params) -> None:
    params = session_params()
    params["shipping_options"][0]["shipping_rate_data"]["fixed_amount"]["currency"] = "usd"

    error = _refused(client, params)

    assert error.param == "shipping_options[0][shipping_rate_data][fixed_amount][currency]"


def test_nothing_is_created_by_a_refused_request(
    client: stripe.StripeClient, session_params: Params, emulator: EmulatorServer
) -> None:
    _refused(client, session_params(foo="bar"))

    assert client.v1.checkout.sessions.list().data == []
    assert emulator.events() == []


def test_live_keys_are_refused(emulator: EmulatorServer) -> None:
    live = stripe.StripeClient(
        "sk_live_not-a-real-key", max_network_retries=0, **emulator.client_options()
    )

    with pytest.raises(stripe.AuthenticationError) as raised:
        live.v1.checkout.sessions.list()

    assert raised.value.http_status == 401
    assert "test mode only" in raised.value.user_message


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer sk_wrong_key", "Bearer pk_test_123"])
def test_missing_or_invalid_keys_are_401(emulator: EmulatorServer, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}

    reply = http("GET", f"{emulator.url}/v1/checkout/sessions", headers=headers)

    assert reply.status == 401
    assert reply.json()["error"]["type"] == "invalid_request_error"
    assert reply.headers["Request-Id"].startswith("req_")


def test_restricted_test_keys_and_basic_auth_work(emulator: EmulatorServer) -> None:
    restricted = http(
        "GET", f"{emulator.url}/v1/events", headers={"Authorization": "Bearer rk_test_abc"}
    )
    basic = http(
        "GET", f"{emulator.url}/v1/events", headers={"Authorization": "Basic c2tfdGVzdF9hYmM6"}
    )

    assert (restricted.status, basic.status) == (200, 200)


def test_unknown_urls_answer_like_stripe(emulator: EmulatorServer) -> None:
    reply = http(
        "GET", f"{emulator.url}/v1/customers", headers={"Authorization": "Bearer sk_test_x"}
    )

    assert reply.status == 404
    assert reply.json()["error"]["message"].startswith(
        "Unrecognized request URL (GET: /v1/customers)."
    )


def test_json_bodies_are_refused(emulator: EmulatorServer) -> None:
    reply = http(
        "POST",
        f"{emulator.url}/v1/checkout/sessions",
        json_body={"mode": "payment"},
        headers={"Authorization": "Bearer sk_test_x"},
    )

    assert reply.status == 400
    assert "unsupported Content-Type" in reply.json()["error"]["message"]


def test_bracketed_form_encoding_with_empty_brackets(
    emulator: EmulatorServer, session_params: Params
) -> None:
    # curl users write `expand[]=...` and `allowed_countries[]=...`; Stripe accepts both forms.
    form = {
        "mode": "payment",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "990",
        "line_items[0][price_data][product_data][name]": "Massage oil",
        "line_items[0][quantity]": "1",
        "shipping_address_collection[allowed_countries][]": "DE",
        "expand[]": "line_items",
    }
    reply = http(
        "POST",
        f"{emulator.url}/v1/checkout/sessions",
        form=form,
        headers={"Authorization": "Bearer sk_test_x"},
    )

    body = reply.json()
    assert reply.status == 200, body
    assert body["shipping_address_collection"] == {"allowed_countries": ["DE"]}
    assert body["line_items"]["data"][0]["amount_total"] == 990
