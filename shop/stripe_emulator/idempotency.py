"""Idempotency keys, with Stripe's rules: same key and params replay, anything else is refused."""

from __future__ import annotations

from typing import Any

from shop.stripe_emulator.errors import StripeError, invalid
from shop.stripe_emulator.store import IdempotencyRecord, Store

JSON = dict[str, Any]

MAX_KEY_LENGTH = 255


def begin(
    store: Store, api_key: str, key: str, method: str, path: str, params: JSON, request_id: str
) -> IdempotencyRecord | None:
    """Reserve `key` for this request (returns None) or return the finished record to replay."""
    if len(key) > MAX_KEY_LENGTH:
        raise invalid(
            f"Idempotency-Key must be no longer than {MAX_KEY_LENGTH} characters.",
            code="idempotency_key_too_long",
        )
    with store.lock:
        record = store.idempotency.get((api_key, key))
        if record is None:
            store.idempotency[(api_key, key)] = IdempotencyRecord(method, path, params, request_id)
            return None
        if (record.method, record.path) != (method, path):
            raise StripeError(
                400,
                "Keys for idempotent requests can only be used for the same endpoint they were "
                f"first used for ('{record.method} {record.path}' vs '{method} {path}'). Try "
                f"using a key other than '{key}' if you meant to execute a different request.",
                error_type="idempotency_error",
            )
        if record.params != params:
            raise StripeError(
                400,
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key}' if you meant to "
                "execute a different request.",
                error_type="idempotency_error",
            )
        if record.status is None:
            raise StripeError(
                409,
                "There is currently another in-progress request using this Stripe-Idempotency-"
                "Key (that probably means you submitted twice, and the other request is still "
                f"going through): '{key}'. Please try again later.",
                error_type="idempotency_error",
                code="idempotency_key_in_use",
            )
        return record


def finish(store: Store, api_key: str, key: str, status: int, body: JSON) -> None:
    """Save the response so later requests with the key replay it."""
    with store.lock:
        record = store.idempotency.get((api_key, key))
        if record is not None:
            record.status, record.body = status, body


def release(store: Store, api_key: str, key: str) -> None:
    """Forget the reservation: the request failed validation, so nothing is saved."""
    with store.lock:
        record = store.idempotency.get((api_key, key))
        if record is not None and record.status is None:
            del store.idempotency[(api_key, key)]
