"""Price changes keep the old and new price."""

from __future__ import annotations

from shop.inventory.services import change_price, price_changes


def test_a_price_change_is_recorded_with_old_and_new(db, make_product):
    variant = make_product(variants=[("Std", 12900, 5)]).variants[0]
    change = change_price(db, variant, 13900, "op@example.com")
    db.commit()
    assert (change.old_amount, change.new_amount, change.currency) == (12900, 13900, "USD")
    assert variant.price_amount == 13900
    assert [(c.old_amount, c.new_amount) for c in price_changes(db, variant.id)] == [(12900, 13900)]


def test_setting_the_same_price_records_nothing(db, make_product):
    variant = make_product(variants=[("Std", 12900, 5)]).variants[0]
    assert change_price(db, variant, 12900, "op@example.com") is None
    assert price_changes(db, variant.id) == []
