"""The emulator's in-memory state, guarded by one lock, and the clock it runs on."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shop.stripe_emulator import objects
from shop.stripe_emulator.errors import not_found

JSON = dict[str, Any]


class Clock:
    """Wall-clock time plus an offset, so tests can jump past `expires_at` without sleeping."""

    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        """Current emulator time as a unix timestamp."""
        return time.time() + self._offset

    def now_int(self) -> int:
        """Current emulator time in whole seconds, as Stripe's `created` fields use."""
        return int(self.now())

    def advance(self, seconds: float) -> None:
        """Move the emulator clock forward."""
        self._offset += seconds

    def reset(self) -> None:
        """Return to real time."""
        self._offset = 0.0

    @property
    def offset(self) -> float:
        """Seconds the clock was advanced by."""
        return self._offset


@dataclass
class Settings:
    """Run-time settings the API and pages need."""

    public_url: str = ""
    async_delay: float = 5.0


@dataclass(frozen=True)
class RequestRef:
    """The API request that caused a change, as events report it in `request`."""

    id: str | None = None
    idempotency_key: str | None = None


@dataclass
class SessionRecord:
    """A Checkout Session plus what Stripe keeps about it but does not render."""

    obj: JSON
    line_items: list[JSON]
    payment_intent_data: JSON
    # A delayed payment (bank debit) settles at `settle_at` with this outcome.
    settle_at: float | None = None
    settle_success: bool | None = None


@dataclass
class IdempotencyRecord:
    """The first request made with an idempotency key, and its saved response once done."""

    method: str
    path: str
    params: JSON
    request_id: str
    status: int | None = None
    body: JSON | None = None


@dataclass
class Store:
    """All objects by id; hold `lock` for every read-modify-write, never during network I/O."""

    clock: Clock
    settings: Settings
    lock: threading.RLock = field(default_factory=threading.RLock)
    # Called under `lock` for every new event; returns True when a webhook will be sent.
    publish: Callable[[JSON], bool] = field(default=lambda _event: False)
    sessions: dict[str, SessionRecord] = field(default_factory=dict)
    payment_intents: dict[str, JSON] = field(default_factory=dict)
    charges: dict[str, JSON] = field(default_factory=dict)
    refunds: dict[str, JSON] = field(default_factory=dict)
    products: dict[str, JSON] = field(default_factory=dict)
    shipping_rates: dict[str, JSON] = field(default_factory=dict)
    events: dict[str, JSON] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], IdempotencyRecord] = field(default_factory=dict)

    def reset(self) -> None:
        """Forget every object, event and idempotency key."""
        with self.lock:
            for table in (
                self.sessions,
                self.payment_intents,
                self.charges,
                self.refunds,
                self.products,
                self.shipping_rates,
                self.events,
                self.idempotency,
            ):
                table.clear()

    def emit(
        self,
        event_type: str,
        obj: JSON,
        request: RequestRef | None = None,
        previous: JSON | None = None,
    ) -> JSON:
        """Record an event carrying a snapshot of `obj` and hand it to webhook delivery."""
        request = request or RequestRef()
        with self.lock:
            event = objects.event(
                event_type,
                copy.deepcopy(obj),
                self.clock.now_int(),
                request.id,
                request.idempotency_key,
                previous,
            )
            self.events[event["id"]] = event
            # Publishing under the lock keeps webhook order identical to creation order.
            if self.publish(event):
                event["pending_webhooks"] = 1
            return event

    def mark_delivered(self, event_id: str) -> None:
        """A webhook for the event got a 2xx: Stripe then reports no pending webhooks."""
        with self.lock:
            event = self.events.get(event_id)
            if event is not None:
                event["pending_webhooks"] = 0

    def session(self, session_id: str, param: str = "session") -> SessionRecord:
        """The session record, or Stripe's 404."""
        record = self.sessions.get(session_id)
        if record is None:
            raise not_found("checkout.session", session_id, param)
        return record

    def get(self, table: dict[str, JSON], name: str, object_id: str, param: str = "id") -> JSON:
        """An object from `table`, or Stripe's 404 naming it `name`."""
        obj = table.get(object_id)
        if obj is None:
            raise not_found(name, object_id, param)
        return obj
