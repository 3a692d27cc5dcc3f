"""The `/v1` endpoints: each validates its parameters, calls the domain code and expands."""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.routing import Map, Rule

from shop.stripe_emulator import params as p
from shop.stripe_emulator.expand import expand
from shop.stripe_emulator.forms import Obj
from shop.stripe_emulator.listing import created_matches, paginate
from shop.stripe_emulator.refunds import create_refund, list_refunds
from shop.stripe_emulator.sessions import (
    create_session,
    expire_session,
    list_line_items,
    list_sessions,
)
from shop.stripe_emulator.store import RequestRef, Store

JSON = dict[str, Any]


@dataclass(frozen=True)
class ApiCall:
    """One authenticated API request, its cleaned parameters and URL arguments."""

    store: Store
    params: JSON
    args: dict[str, str]
    request: RequestRef

    @property
    def expand(self) -> list[str]:
        """The request's `expand[]` paths."""
        paths: list[str] = self.params.get("expand", [])
        return paths


Handler = Callable[[ApiCall], JSON]


def _create_session(call: ApiCall) -> JSON:
    session = create_session(call.store, call.params, call.request)
    return expand(call.store, session, call.expand)


def _retrieve_session(call: ApiCall) -> JSON:
    record = call.store.session(call.args["id"])
    return expand(call.store, record.obj, call.expand)


def _list_sessions(call: ApiCall) -> JSON:
    return expand(call.store, list_sessions(call.store, call.params), call.expand, in_list=True)


def _expire_session(call: ApiCall) -> JSON:
    session = expire_session(call.store, call.args["id"], call.request)
    return expand(call.store, session, call.expand)


def _session_line_items(call: ApiCall) -> JSON:
    page = list_line_items(call.store, call.args["id"], call.params)
    return expand(call.store, page, call.expand, in_list=True)


def _retrieve(table: str, name: str) -> Handler:
    def handler(call: ApiCall) -> JSON:
        with call.store.lock:
            obj = call.store.get(getattr(call.store, table), name, call.args["id"])
            return expand(call.store, obj, call.expand)

    return handler


def _create_refund(call: ApiCall) -> JSON:
    refund = create_refund(call.store, call.params, call.request)
    return expand(call.store, refund, call.expand)


def _list_refunds(call: ApiCall) -> JSON:
    return expand(call.store, list_refunds(call.store, call.params), call.expand, in_list=True)


def _list_events(call: ApiCall) -> JSON:
    params = call.params
    types = params.get("types") or ([params["type"]] if "type" in params else ["*"])

    def keep(event: JSON) -> bool:
        delivered = event["pending_webhooks"] == 0
        return (
            any(fnmatch.fnmatchcase(event["type"], pattern) for pattern in types)
            and created_matches(event["created"], params.get("created"))
            and params.get("delivery_success", delivered) == delivered
        )

    with call.store.lock:
        page = paginate(list(call.store.events.values()), params, "/v1/events", "event", keep)
        return expand(call.store, copy.deepcopy(page), call.expand, in_list=True)


# endpoint name -> (parameter spec, handler)
ENDPOINTS: dict[str, tuple[Obj, Handler]] = {
    "sessions.create": (p.SESSION_CREATE, _create_session),
    "sessions.list": (p.SESSION_LIST, _list_sessions),
    "sessions.retrieve": (p.RETRIEVE, _retrieve_session),
    "sessions.expire": (p.RETRIEVE, _expire_session),
    "sessions.line_items": (p.LINE_ITEM_LIST, _session_line_items),
    "payment_intents.retrieve": (p.RETRIEVE, _retrieve("payment_intents", "payment_intent")),
    "charges.retrieve": (p.RETRIEVE, _retrieve("charges", "charge")),
    "refunds.create": (p.REFUND_CREATE, _create_refund),
    "refunds.list": (p.REFUND_LIST, _list_refunds),
    "refunds.retrieve": (p.RETRIEVE, _retrieve("refunds", "refund")),
    "events.list": (p.EVENT_LIST, _list_events),
    "events.retrieve": (p.RETRIEVE, _retrieve("events", "event")),
}

ROUTES = Map(
    [
        Rule("/v1/checkout/sessions", methods=["POST"], endpoint="sessions.create"),
        Rule("/v1/checkout/sessions", methods=["GET"], endpoint="sessions.list"),
        Rule("/v1/checkout/sessions/<id>", methods=["GET"], endpoint="sessions.retrieve"),
        Rule("/v1/checkout/sessions/<id>/expire", methods=["POST"], endpoint="sessions.expire"),
        Rule(
            "/v1/checkout/sessions/<id>/line_items", methods=["GET"], endpoint="sessions.line_items"
        ),
        Rule("/v1/payment_intents/<id>", methods=["GET"], endpoint="payment_intents.retrieve"),
        Rule("/v1/charges/<id>", methods=["GET"], endpoint="charges.retrieve"),
        Rule("/v1/refunds", methods=["POST"], endpoint="refunds.create"),
        Rule("/v1/refunds", methods=["GET"], endpoint="refunds.list"),
        Rule("/v1/refunds/<id>", methods=["GET"], endpoint="refunds.retrieve"),
        Rule("/v1/events", methods=["GET"], endpoint="events.list"),
        Rule("/v1/events/<id>", methods=["GET"], endpoint="events.retrieve"),
    ],
    strict_slashes=False,
    merge_slashes=False,
)


def run(endpoint: str, store: Store, raw: JSON, args: dict[str, str], request: RequestRef) -> JSON:
    """Validate `raw` parameters for `endpoint` and run it."""
    spec, handler = ENDPOINTS[endpoint]
    cleaned = spec.clean(raw, "")
    # One lock for the whole call: results are consistent snapshots, and no handler does I/O.
    with store.lock:
        return handler(ApiCall(store, cleaned, args, request))
