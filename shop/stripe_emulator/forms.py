"""Stripe's form encoding (`a[b][0][c]=x`) decoded into trees, and validated against specs.

Decoding keeps every container a dict (array indices stay string keys); a spec decides later
whether a dict is an object, a map (metadata) or an array, exactly as Stripe does server-side.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from shop.stripe_emulator.errors import invalid, invalid_empty, missing, unknown

_INTEGER = re.compile(r"-?\d+")


def decode(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Turn `(name, value)` pairs such as `("line_items[0][quantity]", "2")` into a tree."""
    root: dict[str, Any] = {}
    for name, value in pairs:
        parts = _split(name)
        node = root
        for depth, part in enumerate(parts[:-1]):
            if part == "":
                part = _append_key(node, parts[depth + 1])
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise invalid(f"Invalid hash: {name}", param=_path(parts[: depth + 1]))
            node = child
        last = parts[-1] if parts[-1] != "" else str(len(node))
        if isinstance(node.get(last), dict):
            raise invalid(f"Invalid hash: {name}", param=_path(parts))
        node[last] = value
    return root


def _split(name: str) -> list[str]:
    head, bracket, rest = name.partition("[")
    if not bracket:
        return [name]
    parts = [head]
    rest = "[" + rest
    while rest:
        end = rest.find("]")
        if not rest.startswith("[") or end < 0:
            raise invalid(f"Invalid parameter name: {name}", param=head)
        parts.append(rest[1:end])
        rest = rest[end + 1 :]
    return parts


def _append_key(node: dict[str, Any], next_part: str) -> str:
    # `a[][b]=1&a[][c]=2` builds one element until a key repeats (Rack's rule, which Stripe
    # follows); indexed keys (`a[0][b]`) never reach this branch.
    last_key = str(len(node) - 1)
    last = node.get(last_key)
    if isinstance(last, dict) and next_part not in last:
        return last_key
    return str(len(node))


def _path(parts: list[str]) -> str:
    return parts[0] + "".join(f"[{p}]" for p in parts[1:])


def child(path: str, key: str | int) -> str:
    """The bracketed name of `key` inside `path` (`line_items` + 0 -> `line_items[0]`)."""
    return f"{path}[{key}]" if path else str(key)


class Spec:
    """A parameter shape; `clean` returns the typed value or raises a Stripe error."""

    def clean(self, value: Any, path: str) -> Any:
        """Validate `value` found at `path`."""
        raise NotImplementedError


@dataclass(frozen=True)
class Str(Spec):
    """A non-empty string, optionally limited to `choices` or checked by `check`."""

    max_length: int = 5000
    choices: tuple[str, ...] | None = None
    check: Callable[[str, str], str] | None = None

    def clean(self, value: Any, path: str) -> Any:
        """Validate a string parameter."""
        if not isinstance(value, str):
            raise invalid(f"Invalid string: {path} must be a string, not an object", param=path)
        if value == "":
            raise invalid_empty(path)
        if len(value) > self.max_length:
            raise invalid(
                f"Invalid string: {value[:20]}...; must be at most {self.max_length} characters",
                param=path,
            )
        if self.choices is not None and value not in self.choices:
            raise invalid(f"Invalid {path}: must be one of {_one_of(self.choices)}", param=path)
        return self.check(value, path) if self.check else value


def _one_of(choices: tuple[str, ...]) -> str:
    if len(choices) == 1:
        return choices[0]
    return ", ".join(choices[:-1]) + f", or {choices[-1]}"


@dataclass(frozen=True)
class Int(Spec):
    """An integer within optional bounds, sent as its decimal string."""

    minimum: int | None = None
    maximum: int | None = None

    def clean(self, value: Any, path: str) -> Any:
        """Validate an integer parameter."""
        if not isinstance(value, str):
            raise invalid(
                "Invalid integer: an object", param=path, code="parameter_invalid_integer"
            )
        if value == "":
            raise invalid_empty(path)
        if not _INTEGER.fullmatch(value):
            raise invalid(f"Invalid integer: {value}", param=path, code="parameter_invalid_integer")
        number = int(value)
        if self.minimum is not None and number < self.minimum:
            raise invalid(
                f"This value must be greater than or equal to {self.minimum}.",
                param=path,
                code="parameter_invalid_integer",
            )
        if self.maximum is not None and number > self.maximum:
            raise invalid(
                f"This value must be less than or equal to {self.maximum}.",
                param=path,
                code="parameter_invalid_integer",
            )
        return number


@dataclass(frozen=True)
class DecimalStr(Spec):
    """A non-negative decimal such as `unit_amount_decimal=12.5`."""

    def clean(self, value: Any, path: str) -> Any:
        """Validate a decimal parameter."""
        if not isinstance(value, str) or value == "":
            raise invalid_empty(path) if value == "" else invalid("Invalid decimal", param=path)
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise invalid(f"Invalid decimal: {value}", param=path) from None
        if not number.is_finite() or number < 0:
            raise invalid(f"Invalid decimal: {value}", param=path)
        return number


@dataclass(frozen=True)
class Bool(Spec):
    """`true` or `false`, the only spellings Stripe accepts."""

    def clean(self, value: Any, path: str) -> Any:
        """Validate a boolean parameter."""
        if value == "":
            raise invalid_empty(path)
        if value not in ("true", "false"):
            raise invalid(f"Invalid boolean: {value}", param=path)
        return value == "true"


@dataclass(frozen=True)
class Metadata(Spec):
    """Stripe's metadata map: up to 50 string keys (40 chars) with string values (500 chars)."""

    def clean(self, value: Any, path: str) -> Any:
        """Validate a metadata map; an empty string means "no metadata"."""
        if value == "":
            return {}
        if not isinstance(value, dict):
            raise invalid("Invalid object", param=path)
        if len(value) > 50:
            raise invalid("You can have up to 50 metadata keys.", param=path)
        for key, item in value.items():
            if len(key) > 40:
                raise invalid(
                    f"Metadata keys can have up to 40 characters, but you passed in a key that "
                    f"is {len(key)} characters. Invalid key: {key}",
                    param=child(path, key),
                )
            if not isinstance(item, str):
                raise invalid("Invalid value type: must be a string", param=child(path, key))
            if len(item) > 500:
                raise invalid(
                    f"Metadata values can have up to 500 characters, but you passed in a value "
                    f"that is {len(item)} characters.",
                    param=child(path, key),
                )
        return dict(value)


@dataclass(frozen=True)
class Obj(Spec):
    """A hash with known fields; unknown names are rejected as Stripe rejects them."""

    fields: Mapping[str, Spec]
    required: frozenset[str] = field(default_factory=frozenset)

    def clean(self, value: Any, path: str) -> Any:
        """Validate a hash parameter and its fields."""
        if not isinstance(value, dict):
            if value == "":
                raise invalid_empty(path)
            raise invalid("Invalid object", param=path)
        for key in value:
            if key not in self.fields:
                raise unknown(child(path, key))
        cleaned: dict[str, Any] = {}
        for key, spec in self.fields.items():
            if key in value:
                cleaned[key] = spec.clean(value[key], child(path, key))
            elif key in self.required:
                raise missing(child(path, key))
        return cleaned


@dataclass(frozen=True)
class Arr(Spec):
    """An array sent as `name[0]=..&name[1]=..` (or `name[]=`)."""

    item: Spec
    max_items: int | None = None

    def clean(self, value: Any, path: str) -> Any:
        """Validate an array parameter; indices must run 0..n-1."""
        if value == "":
            return []
        if not isinstance(value, dict) or sorted(value, key=_index) != [
            str(i) for i in range(len(value))
        ]:
            raise invalid("Invalid array", param=path)
        if self.max_items is not None and len(value) > self.max_items:
            raise invalid(
                f"Invalid array: {path} may contain at most {self.max_items} elements",
                param=path,
            )
        return [self.item.clean(value[str(i)], child(path, i)) for i in range(len(value))]


def _index(key: str) -> int:
    return int(key) if key.isdigit() else -1


@dataclass(frozen=True)
class IntOrRange(Spec):
    """A timestamp filter: `created=123` or `created[gte]=123&created[lt]=456`."""

    def clean(self, value: Any, path: str) -> Any:
        """Validate and return a `{op: int}` mapping."""
        if isinstance(value, str):
            return {"eq": Int().clean(value, path)}
        ranges = Obj({op: Int() for op in ("gt", "gte", "lt", "lte")})
        cleaned: dict[str, int] = ranges.clean(value, path)
        return cleaned


@dataclass(frozen=True)
class Ignored(Spec):
    """A real Stripe parameter the emulator accepts but does not model."""

    def clean(self, value: Any, path: str) -> Any:
        """Accept anything."""
        return value
