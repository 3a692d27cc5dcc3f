"""Stripe's bracketed form encoding and the parameter specs, without HTTP."""

from __future__ import annotations

import pytest

from shop.stripe_emulator.errors import StripeError
from shop.stripe_emulator.forms import Arr, Int, Metadata, Obj, Str, decode


def test_nested_keys_become_trees() -> None:
    tree = decode([("a[b][0][c]", "x"), ("a[b][0][d]", "y"), ("a[b][1][c]", "z"), ("e", "1")])

    assert tree == {"a": {"b": {"0": {"c": "x", "d": "y"}, "1": {"c": "z"}}}, "e": "1"}


def test_empty_brackets_append() -> None:
    assert decode([("expand[]", "a"), ("expand[]", "b")]) == {"expand": {"0": "a", "1": "b"}}


def test_a_key_cannot_be_both_a_value_and_a_hash() -> None:
    with pytest.raises(StripeError):
        decode([("a", "1"), ("a[b]", "2")])


def test_arrays_need_contiguous_indices() -> None:
    spec = Arr(Str())

    assert spec.clean({"1": "b", "0": "a"}, "x") == ["a", "b"]
    with pytest.raises(StripeError) as raised:
        spec.clean({"0": "a", "2": "c"}, "x")
    assert raised.value.message == "Invalid array"


def test_metadata_keeps_numeric_looking_keys() -> None:
    assert Metadata().clean({"0": "zero", "sku": "A"}, "metadata") == {"0": "zero", "sku": "A"}


def test_metadata_limits() -> None:
    with pytest.raises(StripeError) as raised:
        Metadata().clean({"k" * 41: "v"}, "metadata")

    assert "up to 40 characters" in raised.value.message


def test_object_reports_unknown_before_missing() -> None:
    spec = Obj({"name": Str(), "n": Int()}, required=frozenset({"name"}))

    with pytest.raises(StripeError) as raised:
        spec.clean({"nmae": "typo"}, "product_data")

    assert raised.value.param == "product_data[nmae]"
