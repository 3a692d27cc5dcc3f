"""Stock adjustments: atomic, never below what checkouts hold, each one in the history."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from shop.catalog.models import Variant
from shop.catalog.stock import reserve_stock
from shop.inventory.inputs import InventoryError
from shop.inventory.models import StockMovement
from shop.inventory.services import adjust_stock, movements


def fresh(db, variant_id):
    db.expire_all()
    return db.get(Variant, variant_id)


def test_adding_and_removing_units_records_each_movement(db, make_product):
    variant = make_product(variants=[("Std", 1000, 10)]).variants[0]
    up = adjust_stock(db, variant.id, 5, "received delivery", "op@example.com")
    down = adjust_stock(db, variant.id, -3, "damaged", "op@example.com")
    db.commit()
    assert (up.on_hand_before, up.movement.on_hand_after) == (10, 15)
    assert (down.on_hand_before, down.movement.on_hand_after) == (15, 12)
    assert fresh(db, variant.id).stock_on_hand == 12
    history = movements(db, variant.id)
    assert [(m.delta, m.reason, m.on_hand_after) for m in history] == [
        (-3, "damaged", 12),
        (5, "received delivery", 15),
    ]
    assert history[0].staff_email == "op@example.com"


def test_removing_more_than_is_free_is_refused_with_what_can_go(db, make_product):
    variant = make_product(variants=[("Std", 1000, 10)]).variants[0]
    assert reserve_stock(db, variant.id, 7)
    db.commit()
    with pytest.raises(InventoryError) as refused:
        adjust_stock(db, variant.id, -4, "count correction", "op@example.com")
    assert "Only 3 can be removed" in refused.value.message
    assert "7 held by open checkouts" in refused.value.message
    db.rollback()
    assert fresh(db, variant.id).stock_on_hand == 10
    assert db.scalar(sa.select(sa.func.count()).select_from(StockMovement)) == 0


def test_stock_never_goes_below_zero(db, make_product):
    variant = make_product(variants=[("Std", 1000, 2)]).variants[0]
    with pytest.raises(InventoryError, match="Only 2 can be removed"):
        adjust_stock(db, variant.id, -5, "damaged", "op@example.com")
    db.rollback()
    adjust_stock(db, variant.id, -2, "damaged", "op@example.com")
    db.commit()
    assert fresh(db, variant.id).stock_on_hand == 0


def test_an_unknown_variant_is_a_404(db):
    with pytest.raises(InventoryError) as refused:
        adjust_stock(db, 999_999, -1, "damaged", "op@example.com")
    assert refused.value.status == 404


def test_concurrent_adjustments_keep_the_sum_right(app, db, make_product):
    variant = make_product(variants=[("Std", 1000, 10)]).variants[0]
    factory = app.extensions["db_sessionmaker"]
    outcomes: list[str] = []
    start = threading.Barrier(24)

    def worker(delta: int) -> None:
        with factory() as session:
            start.wait()
            try:
                adjust_stock(session, variant.id, delta, "race", "op@example.com")
                session.commit()
                outcomes.append(f"ok{delta:+d}")
            except InventoryError:
                session.rollback()
                outcomes.append("refused")

    # 16 removals of one unit race 8 additions of one unit, from 10 on hand.
    threads = [threading.Thread(target=worker, args=(-1,)) for _ in range(16)]
    threads += [threading.Thread(target=worker, args=(1,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    on_hand = fresh(db, variant.id).stock_on_hand
    removed, added = outcomes.count("ok-1"), outcomes.count("ok+1")
    assert added == 8
    assert on_hand == 10 + added - removed >= 0
    history = movements(db, variant.id)
    assert len(history) == added + removed
    assert sum(m.delta for m in history) == on_hand - 10
    # Replayed in order, every movement's "after" is the running count: no lost update.
    running = 10
    for movement in reversed(history):
        running += movement.delta
        assert movement.on_hand_after == running
