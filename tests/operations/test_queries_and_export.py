"""Finding orders (filters, search, keyset pages, counts) and exporting them as CSV."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from shop.operations import queries
from shop.operations.export import BOM, csv_chunks, safe_cell
from shop.operations.inputs import OperationsError
from shop.orders.models import Order, OrderLine, OrderStatus, StockHold

_n = itertools.count(1)
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def make_order(db):
    """Orders written straight to the database, for list and export tests."""

    def make(status=OrderStatus.PAID, total=1000, email="ana@example.com", at=None, **fields):
        n = next(_n)
        order = Order(
            number=fields.pop("number", f"BMX-T{n:07d}"),
            access_token=f"token-{n}",
            status=status,
            stock_hold=StockHold.COMMITTED,
            email=email,
            currency="USD",
            subtotal_amount=total,
            total_amount=total,
            created_at=at or START + timedelta(minutes=n),
            lines=[
                OrderLine(
                    product_name=fields.pop("product", "Balmorex Pro"),
                    variant_name="Sand",
                    sku="BMX-PRO-SND",
                    unit_amount=total,
                    quantity=1,
                )
            ],
            **fields,
        )
        db.add(order)
        db.commit()
        return order

    return make


def numbers(page) -> list[str]:
    return [o.number for o in page.orders]


def test_filters_by_status_date_and_search(db, make_order):
    a = make_order(email="Ana@Example.com", at=START)
    b = make_order(
        status=OrderStatus.REFUNDED, email="bo@example.com", at=START + timedelta(days=2)
    )
    make_order(status=OrderStatus.CANCELLED, email="cy@example.org", at=START + timedelta(days=5))

    def find(**args):
        return numbers(queries.list_orders(db, queries.parse_filter(args), None))

    assert find(status="refunded") == [b.number]
    assert find(**{"from": "2026-03-01", "to": "2026-03-03"}) == [b.number, a.number]
    assert find(**{"to": "2026-03-01"}) == [a.number]  # the whole "to" day counts
    assert find(q="ANA@") == [a.number]
    assert find(q=b.number.lower()) == [b.number]
    assert find(q=b.number.removeprefix("BMX-")) == [b.number]
    assert find(q="%") == []  # LIKE wildcards are searched for literally


@pytest.mark.parametrize(
    "args",
    [
        {"status": "shipped"},
        {"from": "2026-13-01"},
        {"to": "yesterday"},
        {"from": "2026-03-05", "to": "2026-03-01"},
        {"sort": "email"},
        {"q": "x" * 101},
    ],
)
def test_filters_that_do_not_parse_are_refused(args):
    with pytest.raises(OperationsError):
        queries.parse_filter(args)


@pytest.mark.parametrize("raw", ["abc", "1", "1.2.3", "-1.5", "1.x", "9" * 30 + ".1"])
def test_bad_cursors_are_refused(raw):
    with pytest.raises(OperationsError):
        queries.parse_cursor(raw)


@pytest.mark.parametrize("sort", list(queries.SORTS))
def test_keyset_pages_cover_every_order_once(db, make_order, sort):
    same_time = START + timedelta(days=9)
    made = [make_order(total=t, at=same_time if t % 2 else None) for t in (500, 700, 700, 900, 300)]
    flt = queries.parse_filter({"sort": sort})
    seen, after = [], None
    while True:
        page = queries.list_orders(db, flt, after, size=2)
        seen += numbers(page)
        if not page.next_cursor:
            break
        after = queries.parse_cursor(page.next_cursor)
    assert sorted(seen) == sorted(o.number for o in made) and len(seen) == len(set(seen))
    whole = numbers(queries.list_orders(db, flt, None, size=100))
    assert seen == whole


def test_counts_per_status_follow_the_other_filters(db, make_order):
    make_order(status=OrderStatus.PAID, at=START)
    make_order(status=OrderStatus.PAID, at=START + timedelta(days=3))
    make_order(status=OrderStatus.NEEDS_REVIEW, at=START + timedelta(days=3))
    counts = queries.status_counts(db, queries.parse_filter({"status": "paid"}))
    assert counts[OrderStatus.PAID] == 2 and counts[OrderStatus.NEEDS_REVIEW] == 1
    later = queries.status_counts(db, queries.parse_filter({"from": "2026-03-02"}))
    assert later[OrderStatus.PAID] == 1 and later[OrderStatus.REFUNDED] == 0
    assert later.label() == "2" and not later.more()


def test_counts_stop_at_the_cap_and_say_so(db, make_order):
    for _ in range(3):
        make_order(status=OrderStatus.PAID, at=START)
    make_order(status=OrderStatus.NEEDS_REVIEW, at=START)
    counts = queries.status_counts(db, queries.parse_filter({}), cap=2)
    assert counts[OrderStatus.PAID] == 2 and counts.more(OrderStatus.PAID)
    assert counts.label(OrderStatus.PAID) == "2+"
    assert counts.label(OrderStatus.NEEDS_REVIEW) == "1"
    assert counts.label() == "3+" and counts.total == 3
    exact = queries.status_counts(db, queries.parse_filter({}), cap=4)
    assert exact.label(OrderStatus.PAID) == "3" and exact.label() == "4"


def read_csv(db, rows="orders", size=500, **args) -> tuple[str, list[dict[str, str]]]:
    text = "".join(csv_chunks(db, queries.parse_filter(args), rows, size))
    return text, list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def test_export_matches_the_filter_with_money_in_major_units(db, make_order):
    paid = make_order(total=12950, at=START)
    make_order(status=OrderStatus.CANCELLED)
    text, rows = read_csv(db, status="paid")
    assert text.startswith(BOM)
    assert [r["number"] for r in rows] == [paid.number]
    assert rows[0]["total"] == "129.50" and rows[0]["refunded"] == "0.00"
    assert rows[0]["created_at_utc"] == "2026-03-01 12:00:00"


def test_export_by_line_and_in_many_batches(db, make_order):
    made = [make_order() for _ in range(7)]
    _text, rows = read_csv(db, rows="lines", size=3)
    assert [r["number"] for r in rows] == [o.number for o in reversed(made)]
    assert rows[0]["sku"] == "BMX-PRO-SND" and rows[0]["unit_price"] == "10.00"


def test_export_neutralises_formulas(db, make_order):
    make_order(email='=HYPERLINK("http://x")@example.com', product="+SUM(A1)")
    _text, rows = read_csv(db, rows="lines")
    assert rows[0]["email"].startswith("'=")
    assert rows[0]["product"] == "'+SUM(A1)"
    assert [safe_cell(v) for v in ("-1", "@x", "\tx", "\rx", "ok", None)] == [
        "'-1", "'@x", "'\tx", "'\rx", "ok", "",
    ]  # fmt: skip


def test_date_filter_uses_utc_days():
    flt = queries.parse_filter({"from": "2026-03-01"})
    assert flt.date_from == date(2026, 3, 1) and flt.args() == {"from": "2026-03-01"}
