"""Fixtures: one emulator for the folder (reset per test), a webhook receiver, SDK clients."""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import stripe

from shop.stripe_emulator import EmulatorServer

SECRET = "whsec_test_emulator_suite"
_PATHS = itertools.count(1)
API_KEY = "sk_test_emulator"
# Loopback only: never route test traffic through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


NO_REDIRECT_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


@dataclass
class Reply:
    """A raw HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode()


def http(
    method: str,
    url: str,
    *,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    follow_redirects: bool = True,
) -> Reply:
    """A raw request with urllib; HTTP errors are returned, not raised."""
    data = None
    all_headers = dict(headers or {})
    if json_body is not None:
        data = json.dumps(json_body).encode()
        all_headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    opener = OPENER if follow_redirects else NO_REDIRECT_OPENER
    try:
        with opener.open(request, timeout=10) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), error.read())


@dataclass
class Received:
    """One webhook request as the receiver saw it."""

    body: bytes
    signature: str
    content_type: str
    at: float

    def event(self) -> stripe.Event:
        """The event, verified exactly as the shop will verify it."""
        return stripe.Webhook.construct_event(self.body, self.signature, SECRET)


@dataclass
class WebhookReceiver:
    """A tiny HTTP server that records webhooks and answers with scripted status codes."""

    base_url: str = ""
    url: str = ""
    received: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer_next(self, *statuses: int) -> None:
        """Answer the next requests with these status codes (then 200 again)."""
        with self.lock:
            self.statuses.extend(statuses)

    def record(self, path: str, item: Received) -> int:
        """Store a request; return the status to answer with."""
        with self.lock:
            if not self.url.endswith(path):
                return 200  # a late delivery meant for an earlier test
            self.received.append(item)
            return self.statuses.pop(0) if self.statuses else 200

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Wait until `count` requests arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.01)
        raise AssertionError(f"expected {count} webhooks, got {len(self.received)}")

    def types(self) -> list[str]:
        """Event types received so far, verified, in arrival order."""
        with self.lock:
            items = list(self.received)
        return [item.event().type for item in items]

    def clear(self) -> None:
        """Forget received requests and scripted answers; listen on a fresh path."""
        with self.lock:
            self.received.clear()
            self.statuses.clear()
            # Each test gets its own path, so stragglers from the previous test are ignored.
            self.url = f"{self.base_url}/webhooks/{next(_PATHS)}"


def _receiver_handler(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.record(
                self.path,
                Received(
                    body,
                    self.headers.get("Stripe-Signature", ""),
                    self.headers.get("Content-Type", ""),
                    time.monotonic(),
                ),
            )
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="session")
def _receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _receiver_handler(receiver))
    receiver.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def _emulator_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(
        webhook_secret=SECRET, webhook_retry_base=0.05, sweep_interval=0.05
    ) as server:
        yield server


@pytest.fixture
def receiver(_receiver: WebhookReceiver) -> WebhookReceiver:
    """The webhook receiver, emptied for this test."""
    _receiver.clear()
    return _receiver


@pytest.fixture
def emulator(_emulator_server: EmulatorServer, receiver: WebhookReceiver) -> EmulatorServer:
    """The emulator, reset, sending webhooks to `receiver`."""
    _emulator_server.reset()
    _emulator_server.set_webhook(receiver.url, SECRET)
    _emulator_server.store.settings.async_delay = 5.0
    return _emulator_server


@pytest.fixture
def client(emulator: EmulatorServer) -> stripe.StripeClient:
    """The official SDK pointed at the emulator, without retries."""
    return stripe.StripeClient(API_KEY, max_network_retries=0, **emulator.client_options())


@pytest.fixture
def session_params() -> Callable[..., dict[str, Any]]:
    """A factory of create-session parameters like the shop sends (override any key)."""

    def build(**overrides: Any) -> dict[str, Any]:
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": 2450,
                        "product_data": {
                            "name": "Massage ball set",
                            "description": "Two balls for the upper back",
                            "metadata": {"sku": "BALL-2"},
                        },
                    },
                    "quantity": 2,
                },
                {
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": 1290,
                        "product_data": {"name": "Wärmekissen", "metadata": {"sku": "HEAT-1"}},
                    },
                    "quantity": 1,
                },
            ],
            "client_reference_id": "order_1001",
            "metadata": {"order_id": "1001"},
            "customer_email": "anna@example.com",
            "success_url": "http://shop.test/checkout/success?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": "http://shop.test/cart",
            "expires_at": int(time.time()) + 3600,
            "shipping_address_collection": {"allowed_countries": ["DE", "AT", "CH"]},
            "shipping_options": [
                {
                    "shipping_rate_data": {
                        "type": "fixed_amount",
                        "display_name": "Standard",
                        "fixed_amount": {"amount": 490, "currency": "eur"},
                        "delivery_estimate": {
                            "minimum": {"unit": "business_day", "value": 2},
                            "maximum": {"unit": "business_day", "value": 4},
                        },
                    }
                },
                {
                    "shipping_rate_data": {
                        "type": "fixed_amount",
                        "display_name": "Express",
                        "fixed_amount": {"amount": 1290, "currency": "eur"},
                    }
                },
            ],
            "allow_promotion_codes": True,
            "payment_intent_data": {"metadata": {"order_id": "1001"}},
            "locale": "de",
        }
        params.update(overrides)
        return {k: v for k, v in params.items() if v is not None}

    return build


@pytest.fixture
def open_session(
    client: stripe.StripeClient, session_params: Callable[..., dict[str, Any]]
) -> Callable[..., Any]:
    """Create a session through the SDK (overrides as in `session_params`)."""

    def create(**overrides: Any) -> Any:
        return client.v1.checkout.sessions.create(params=session_params(**overrides))

    return create
