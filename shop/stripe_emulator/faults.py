"""Fault injection: API errors and delays, failing, duplicated and delayed webhook deliveries."""

from __future__ import annotations

import fnmatch
import itertools
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from shop.stripe_emulator.errors import StripeError

JSON = dict[str, Any]

API_KINDS = ("api_error", "api_delay")
WEBHOOK_KINDS = ("webhook_fail", "webhook_duplicate", "webhook_delay")
_FIELDS = {
    "kind",
    "times",
    "path_prefix",
    "method",
    "status",
    "seconds",
    "phase",
    "deliver",
    "event_type",
    "error_type",
    "code",
    "message",
}

# Default error bodies by status, matching what Stripe sends for each.
_DEFAULT_ERRORS = {
    400: ("invalid_request_error", None, "Invalid request (injected by the emulator)."),
    401: ("invalid_request_error", None, "Invalid API Key provided (injected by the emulator)."),
    402: ("card_error", "card_declined", "Your card was declined."),
    404: ("invalid_request_error", "resource_missing", "No such object (injected)."),
    409: (
        "invalid_request_error",
        "lock_timeout",
        "This object cannot be accessed right now because another API request or Stripe "
        "process is currently accessing it.",
    ),
    429: (
        "invalid_request_error",
        "rate_limit",
        "Request rate limit exceeded. Learn more about rate limits here "
        "https://stripe.com/docs/rate-limits.",
    ),
}
_SERVER_ERROR = (
    "api_error",
    None,
    "Sorry, something went wrong. We've already been notified of the problem, but if you "
    "need any help, you can reach us at support.stripe.com/contact.",
)


@dataclass
class Fault:
    """One armed fault; `times=None` keeps it armed until cleared."""

    id: str
    kind: str
    times: int | None = 1
    path_prefix: str = ""
    method: str | None = None
    status: int = 500
    seconds: float = 0.0
    phase: str = "before"  # api faults: before the endpoint runs, or after (response lost)
    deliver: bool = False  # webhook_fail: still send the request, then ignore its answer
    event_type: str | None = None  # webhook faults: only events matching this glob
    error_type: str | None = None
    code: str | None = None
    message: str | None = None

    def error(self) -> StripeError:
        """The Stripe error an `api_error` fault answers with."""
        default_type, default_code, default_message = _DEFAULT_ERRORS.get(
            self.status, _SERVER_ERROR
        )
        return StripeError(
            self.status,
            self.message or default_message,
            error_type=self.error_type or default_type,
            code=self.code or default_code,
        )


class FaultRegistry:
    """Armed faults, consumed by matching requests and deliveries."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._wake = threading.Event()

    def add(self, spec: Mapping[str, Any]) -> Fault:
        """Arm a fault from its JSON description; raises ValueError when it is malformed."""
        unknown = set(spec) - _FIELDS
        if unknown:
            raise ValueError(f"Unknown fault fields: {', '.join(sorted(unknown))}")
        kind = spec.get("kind")
        if kind not in API_KINDS + WEBHOOK_KINDS:
            raise ValueError(f"kind must be one of {', '.join(API_KINDS + WEBHOOK_KINDS)}")
        if spec.get("phase", "before") not in ("before", "after"):
            raise ValueError("phase must be before or after")
        times = spec.get("times", 1)
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError("times must be a positive integer or null (for always)")
        try:
            fault = Fault(id=f"fault_{next(self._ids)}", **dict(spec))
            fault.status = int(fault.status)
            fault.seconds = float(fault.seconds)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Invalid fault: {exc}") from None
        if fault.method:
            fault.method = fault.method.upper()
        with self._lock:
            self._faults.append(fault)
        return fault

    def take_api(self, kind: str, method: str, path: str, phase: str) -> Fault | None:
        """Consume the first armed API fault of `kind` matching this request."""
        return self._take(
            lambda f: (
                f.kind == kind
                and f.phase == phase
                and path.startswith(f.path_prefix)
                and f.method in (None, "", method)
            )
        )

    def take_webhook(self, kind: str, event_type: str) -> Fault | None:
        """Consume the first armed webhook fault of `kind` matching this event type."""
        return self._take(
            lambda f: (
                f.kind == kind
                and (not f.event_type or fnmatch.fnmatchcase(event_type, f.event_type))
            )
        )

    def _take(self, matches: Any) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if matches(fault):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def list(self) -> list[JSON]:
        """Armed faults as JSON."""
        with self._lock:
            return [asdict(fault) for fault in self._faults]

    def clear(self) -> None:
        """Disarm every fault and cut short any injected delay in progress."""
        with self._lock:
            self._faults.clear()
            wake, self._wake = self._wake, threading.Event()
        wake.set()

    def sleep(self, seconds: float) -> bool:
        """An injected delay that `clear()` (so reset or stop) cuts short; True if it did."""
        with self._lock:
            wake = self._wake
        return wake.wait(seconds)
