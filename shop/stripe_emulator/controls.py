"""Test controls: act as the shopper, the dashboard or the network (Python side of `/_emulator`)."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any, TypeVar

from shop.stripe_emulator.checkout_input import prefilled, with_overrides
from shop.stripe_emulator.faults import FaultRegistry
from shop.stripe_emulator.payments import pay_session, settle_session
from shop.stripe_emulator.refunds import refund_from_dashboard
from shop.stripe_emulator.sessions import expire_session
from shop.stripe_emulator.store import Store
from shop.stripe_emulator.webhooks import WebhookDispatcher

JSON = dict[str, Any]
T = TypeVar("T")

ADDRESS_FIELDS = ("line1", "line2", "city", "postal_code", "state", "country")


class Controller:
    """Test controls shared by the `/_emulator` HTTP routes and `EmulatorServer`'s methods."""

    def __init__(self, store: Store, faults: FaultRegistry, dispatcher: WebhookDispatcher) -> None:
        self.store = store
        self.faults = faults
        self.dispatcher = dispatcher

    def reset(self) -> None:
        """Clear objects, events, idempotency keys, faults, deliveries and the clock offset."""
        self.faults.clear()
        self.dispatcher.reset()
        self.store.reset()
        self.store.clock.reset()

    def pay(
        self,
        session_id: str,
        outcome: str = "succeeded",
        *,
        shipping_option: int | None = None,
        email: str | None = None,
        name: str | None = None,
        address: dict[str, str] | None = None,
        promotion_code: str | None = None,
    ) -> JSON:
        """Press a pay button on the hosted page (test values fill what is not given)."""
        unknown = set(address or {}) - set(ADDRESS_FIELDS)
        if unknown:
            raise ValueError(f"Unknown address fields: {', '.join(sorted(unknown))}")
        with self.store.lock:
            details = with_overrides(
                prefilled(self.store.session(session_id), outcome),
                outcome=outcome,
                email=email,
                name=name,
                shipping_option=shipping_option,
                promotion_code=promotion_code,
                **(address or {}),
            )
            result = pay_session(self.store, session_id, details)
            return {
                "outcome": result.outcome,
                "error": result.error,
                "redirect_url": result.redirect_url,
                "session": copy.deepcopy(result.session),
            }

    def settle(self, session_id: str) -> JSON:
        """Finish a delayed payment now instead of after the configured delay."""
        with self.store.lock:
            return copy.deepcopy(settle_session(self.store, session_id))

    def expire_now(self, session_id: str) -> JSON:
        """Expire an open session as if its `expires_at` had passed."""
        with self.store.lock:
            record = self.store.session(session_id)
            if record.obj["status"] == "open":
                record.obj["expires_at"] = min(record.obj["expires_at"], self.store.clock.now_int())
            return copy.deepcopy(expire_session(self.store, session_id, None))

    def dashboard_refund(self, payment_intent_id: str, amount: int | None = None) -> JSON:
        """Refund outside the shop (as in the Dashboard): charge.refunded + refund.created."""
        return refund_from_dashboard(self.store, payment_intent_id, amount)

    def add_fault(self, **spec: Any) -> JSON:
        """Arm a fault, e.g. `add_fault(kind="api_error", path_prefix="/v1/refunds")`."""
        fault = self.faults.add(spec)
        armed = [f for f in self.faults.list() if f["id"] == fault.id]
        return armed[0] if armed else {"id": fault.id, "kind": fault.kind}

    def clear_faults(self) -> None:
        """Disarm all faults."""
        self.faults.clear()

    def pause_webhooks(self) -> None:
        """Hold webhook deliveries until `resume_webhooks`."""
        self.dispatcher.pause()

    def resume_webhooks(self, order: str = "created") -> None:
        """Deliver held events, in creation order or (`order="reverse"`) newest first."""
        if order not in ("created", "reverse"):
            raise ValueError("order must be created or reverse")
        self.dispatcher.resume(order)

    def set_webhook(
        self, url: str | None, secret: str | None = None, enabled_events: list[str] | None = None
    ) -> None:
        """Send future events to `url` (None stops sending), signed with `secret`."""
        self.dispatcher.configure(url, secret or self.dispatcher.secret, enabled_events)

    def webhook_config(self) -> JSON:
        """The current webhook endpoint configuration."""
        return {
            "url": self.dispatcher.url,
            "secret": self.dispatcher.secret,
            "enabled_events": list(self.dispatcher.enabled_events),
            "pending": self.dispatcher.pending(),
        }

    def deliveries(self) -> list[JSON]:
        """Every webhook delivery attempt, oldest first."""
        return self.dispatcher.deliveries()

    def events(self, event_type: str | None = None) -> list[JSON]:
        """Every event, oldest first (optionally of one type)."""
        with self.store.lock:
            events = [e for e in self.store.events.values() if event_type in (None, e["type"])]
            return copy.deepcopy(events)

    def advance_clock(self, seconds: float) -> float:
        """Move emulator time forward (expiry and delayed settlement follow); returns the offset."""
        with self.store.lock:
            self.store.clock.advance(seconds)
            return self.store.clock.offset

    def wait_for_deliveries(
        self,
        count: int,
        timeout: float = 5.0,
        event_type: str | None = None,
        ok: bool | None = None,
    ) -> list[JSON]:
        """Wait until at least `count` matching delivery attempts were made; returns them."""

        def matching() -> list[JSON] | None:
            found = [
                d
                for d in self.deliveries()
                if event_type in (None, d["type"]) and ok in (None, d["ok"])
            ]
            return found if len(found) >= count else None

        return _poll(matching, timeout, f"{count} deliveries of {event_type or 'any event'}")

    def wait_for_event(self, event_type: str, timeout: float = 5.0) -> JSON:
        """Wait for the first event of `event_type`; returns it."""
        return _poll(
            lambda: next(iter(self.events(event_type)), None), timeout, f"a {event_type} event"
        )


def _poll(probe: Callable[[], T | None], timeout: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            raise TimeoutError(f"Timed out after {timeout}s waiting for {what}")
        time.sleep(0.01)
