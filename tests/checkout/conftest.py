"""Checkout fixtures: the local Stripe emulator over HTTP and a shopper driving the shop."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from shop.catalog.models import Variant
from shop.checkout.setup import EMULATOR_WEBHOOK_SECRET
from shop.orders.models import Order
from shop.stripe_emulator import EmulatorServer
from tests.browser.conftest import LiveServer, serve


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorServer]:
    """One emulator for the run; reset before every test that uses it."""
    server = EmulatorServer(webhook_retry_base=0.05, async_delay=60, sweep_interval=0.1)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stripe(emulator: EmulatorServer) -> EmulatorServer:
    """The emulator, emptied, sending no webhooks until a test asks for them."""
    emulator.reset()
    emulator.set_webhook(None)
    return emulator


@pytest.fixture
def app_overrides(stripe: EmulatorServer) -> dict[str, Any]:
    """Point the shop's Stripe gateway at the emulator, with a short timeout."""
    return {
        "STRIPE_API_BASE": stripe.url,
        "STRIPE_WEBHOOK_SECRET": EMULATOR_WEBHOOK_SECRET,
        "STRIPE_TIMEOUT_SECONDS": 1.5,
        "STRIPE_MAX_RETRIES": 0,
    }


@pytest.fixture
def live(app: Flask, stripe: EmulatorServer) -> Iterator[LiveServer]:
    """The shop served over HTTP, receiving the emulator's webhooks."""
    server = serve(app)
    stripe.set_webhook(f"{server.url}/webhooks/stripe", EMULATOR_WEBHOOK_SECRET)
    try:
        yield server
    finally:
        stripe.set_webhook(None)
        server.stop()


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has a form with a CSRF token"
    return found.group(1)


@dataclass
class Shopper:
    """A shopper using the shop through the test client."""

    client: FlaskClient
    db: Session

    def token(self) -> str:
        return csrf_token(self.client.get("/shop/balmorex-pro").get_data(as_text=True))

    def variant(self, sku: str) -> Variant:
        return self.db.scalar(sa.select(Variant).where(Variant.sku == sku))

    def add(self, sku: str, quantity: int = 1, **extra: Any) -> Any:
        data = {
            "variant_id": self.variant(sku).id,
            "quantity": quantity,
            "csrf_token": self.token(),
        }
        return self.client.post("/cart/items", data=data | extra)

    def checkout(self, **extra: Any) -> Any:
        return self.client.post("/checkout", data={"csrf_token": self.token()} | extra)

    def checkout_session_id(self) -> str:
        response = self.checkout()
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        found = re.search(r"/c/pay/(cs_test_\w+)", response.headers["Location"])
        assert found, response.headers["Location"]
        return found.group(1)

    def order(self, session_id: str) -> Order:
        self.db.expire_all()
        return self.db.scalar(sa.select(Order).where(Order.stripe_session_id == session_id))


@pytest.fixture
def shopper(client: FlaskClient, seeded: Session) -> Shopper:
    """A shopper in the sample shop."""
    return Shopper(client, seeded)


def sign(payload: bytes, secret: str = EMULATOR_WEBHOOK_SECRET, at: int | None = None) -> str:
    """A Stripe-Signature header for `payload`, as Stripe computes it."""
    timestamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def event_payload(event: dict[str, Any]) -> bytes:
    """The raw JSON body Stripe would send for an event."""
    return json.dumps(event).encode()


def wait_until(probe: Any, timeout: float = 5.0, what: str = "condition") -> Any:
    """Poll `probe` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
