"""Webhook delivery: Stripe's signature scheme and a background sender with retries."""

from __future__ import annotations

import fnmatch
import heapq
import hmac
import http.client
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any
from urllib.parse import urlsplit

from shop.stripe_emulator.faults import FaultRegistry

JSON = dict[str, Any]

MAX_ATTEMPTS = 8
MAX_BACKOFF = 3600.0
TIMEOUT = 5.0
# Loopback deliveries must never go through an HTTP proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    """The `Stripe-Signature` header: HMAC-SHA256 of `"{t}.{body}"` keyed by the secret."""
    signed = str(timestamp).encode() + b"." + payload
    digest = hmac.new(secret.encode(), signed, sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass(order=True)
class _Pending:
    due: float
    seq: int
    event_id: str = field(compare=False)
    event_type: str = field(compare=False)
    payload: bytes = field(compare=False)
    attempts: int = field(default=0, compare=False)
    delayed: bool = field(default=False, compare=False)


class WebhookDispatcher:
    """Sends events in creation order from one daemon thread; failures retry with backoff."""

    def __init__(
        self,
        faults: FaultRegistry,
        retry_base: float = 1.0,
        on_delivered: Callable[[str], None] | None = None,
    ) -> None:
        self._faults = faults
        self._retry_base = retry_base
        self._on_delivered = on_delivered or (lambda _event_id: None)
        self._cond = threading.Condition()
        self._queue: list[_Pending] = []
        self._seq = itertools.count()
        self._log: list[JSON] = []
        self._generation = 0
        self._paused = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.url: str | None = None
        self.secret = ""
        self.enabled_events: list[str] = ["*"]

    def configure(
        self, url: str | None, secret: str, enabled_events: list[str] | None = None
    ) -> None:
        """Point deliveries at `url` (None: stop sending) signed with `secret`."""
        if url is not None and urlsplit(url).scheme not in ("http", "https"):
            raise ValueError("The webhook URL must be an http(s) URL.")
        with self._cond:
            self.url, self.secret = url, secret
            self.enabled_events = list(enabled_events or ["*"])

    def publish(self, event: JSON) -> bool:
        """Queue `event` if an endpoint wants it; safe to call with the store lock held."""
        with self._cond:
            if self.url is None or not any(
                fnmatch.fnmatchcase(event["type"], pattern) for pattern in self.enabled_events
            ):
                return False
            body = {**event, "pending_webhooks": 1}
            payload = json.dumps(body, indent=2, ensure_ascii=False).encode()
            item = _Pending(time.monotonic(), next(self._seq), event["id"], event["type"], payload)
            heapq.heappush(self._queue, item)
            self._cond.notify_all()
            return True

    def pause(self) -> None:
        """Hold deliveries (events keep queueing) until `resume`."""
        with self._cond:
            self._paused = True

    def resume(self, order: str = "created") -> None:
        """Release held deliveries; `order="reverse"` sends the held ones newest first."""
        with self._cond:
            self._paused = False
            if order == "reverse":
                now = time.monotonic()
                held = sorted((p for p in self._queue if p.due <= now), key=lambda p: -p.seq)
                for item in held:
                    item.due, item.seq = now, next(self._seq)
                heapq.heapify(self._queue)
            self._cond.notify_all()

    def deliveries(self) -> list[JSON]:
        """Every delivery attempt so far, oldest first."""
        with self._cond:
            return [dict(entry) for entry in self._log]

    def pending(self) -> int:
        """Deliveries queued or waiting for a retry."""
        with self._cond:
            return len(self._queue)

    def reset(self) -> None:
        """Drop queued deliveries and the delivery log; keep the endpoint configuration."""
        with self._cond:
            self._queue.clear()
            self._log.clear()
            self._generation += 1
            self._paused = False

    def start(self) -> None:
        """Start the delivery thread."""
        with self._cond:
            self._stopping = False
        self._thread = threading.Thread(
            target=self._run, name="stripe-emulator-webhooks", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the delivery thread (a delivery in flight finishes or times out)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=TIMEOUT + 1)

    def _next_due(self) -> tuple[_Pending, str | None, str, int] | None:
        with self._cond:
            while not self._stopping:
                now = time.monotonic()
                if self._queue and not self._paused and self._queue[0].due <= now:
                    item = heapq.heappop(self._queue)
                    return item, self.url, self.secret, self._generation
                wait = self._queue[0].due - now if self._queue and not self._paused else None
                self._cond.wait(timeout=wait)
            return None

    def _run(self) -> None:
        while (job := self._next_due()) is not None:
            item, url, secret, generation = job
            if not item.delayed and (
                delay := self._faults.take_webhook("webhook_delay", item.event_type)
            ):
                # A delayed delivery is set aside, so later events overtake it (out of order).
                self._requeue(item, delay.seconds, generation, delayed=True)
                continue
            if url is None:
                continue
            if item.attempts == 0 and self._faults.take_webhook(
                "webhook_duplicate", item.event_type
            ):
                twin = threading.Thread(
                    target=self._attempt, args=(item, url, secret, generation, True), daemon=True
                )
                twin.start()
            ok = self._attempt(item, url, secret, generation, False)
            if ok:
                self._on_delivered(item.event_id)
            elif item.attempts < MAX_ATTEMPTS:
                backoff = min(self._retry_base * 2 ** (item.attempts - 1), MAX_BACKOFF)
                self._requeue(item, backoff, generation)

    def _requeue(
        self, item: _Pending, after: float, generation: int, delayed: bool = False
    ) -> None:
        with self._cond:
            if generation != self._generation:
                return
            item.due = time.monotonic() + after
            item.delayed = item.delayed or delayed
            heapq.heappush(self._queue, item)

    def _attempt(
        self, item: _Pending, url: str, secret: str, generation: int, duplicate: bool
    ) -> bool:
        if not duplicate:
            item.attempts += 1
        fail = self._faults.take_webhook("webhook_fail", item.event_type)
        status: int | None = None
        error: str | None = None
        if fail is None or fail.deliver:
            status, error = _post(url, item.payload, sign(item.payload, secret, int(time.time())))
        if fail is not None:
            status, error = fail.status, None
        ok = status is not None and 200 <= status < 300
        entry = {
            "event_id": item.event_id,
            "type": item.event_type,
            "attempt": max(item.attempts, 1),
            "status_code": status,
            "error": error,
            "ok": ok,
            "duplicate": duplicate,
            "injected": fail is not None,
            "url": url,
            "at": time.time(),
        }
        with self._cond:
            if generation == self._generation:
                self._log.append(entry)
        return ok


def _post(url: str, payload: bytes, signature: str) -> tuple[int | None, str | None]:
    request = urllib.request.Request(  # noqa: S310 - configure() only admits http(s) URLs
        url,
        data=payload,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "*/*; q=0.5, application/xml",
            "Cache-Control": "no-cache",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": signature,
        },
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            response.read()
            return int(response.status), None
    except urllib.error.HTTPError as exc:
        return exc.code, None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"
