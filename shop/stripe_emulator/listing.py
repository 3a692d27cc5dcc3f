"""Stripe's cursor pagination and `created` filters for list endpoints."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from shop.stripe_emulator.errors import not_found, only_one_of
from shop.stripe_emulator.objects import list_object

JSON = dict[str, Any]


def created_matches(created: int, spec: dict[str, int] | None) -> bool:
    """Whether `created` satisfies `created=..` or `created[gte|gt|lte|lt]=..`."""
    if not spec:
        return True
    checks: dict[str, Callable[[int, int], bool]] = {
        "eq": lambda a, b: a == b,
        "gt": lambda a, b: a > b,
        "gte": lambda a, b: a >= b,
        "lt": lambda a, b: a < b,
        "lte": lambda a, b: a <= b,
    }
    return all(checks[op](created, bound) for op, bound in spec.items())


def paginate(
    objects_oldest_first: Iterable[JSON],
    params: JSON,
    url: str,
    object_name: str,
    keep: Callable[[JSON], bool] = lambda _obj: True,
) -> JSON:
    """A Stripe list page, newest first, honouring limit/starting_after/ending_before."""
    ordered = list(reversed(list(objects_oldest_first)))
    limit = params.get("limit", 10)
    after, before = params.get("starting_after"), params.get("ending_before")
    if after and before:
        raise only_one_of("ending_before", "starting_after")
    # The cursor is located among all objects, so a cursor that the filters would exclude
    # still marks a position, as Stripe's time-ordered cursors do.
    if after:
        window = [
            o for o in ordered[_position(ordered, after, object_name, "starting_after") + 1 :]
        ]
        window = [o for o in window if keep(o)]
        return list_object(url, window[:limit], len(window) > limit)
    if before:
        window = [o for o in ordered[: _position(ordered, before, object_name, "ending_before")]]
        window = [o for o in window if keep(o)]
        return list_object(url, window[-limit:], len(window) > limit)
    window = [o for o in ordered if keep(o)]
    return list_object(url, window[:limit], len(window) > limit)


def _position(ordered: list[JSON], cursor: str, object_name: str, param: str) -> int:
    for index, obj in enumerate(ordered):
        if obj["id"] == cursor:
            return index
    raise not_found(object_name, cursor, param)
