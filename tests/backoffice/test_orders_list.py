"""Operators find orders: list, filters, pages, counts, the detail page and the CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from shop.accounts.models import Role
from shop.operations import queries
from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus, StockHold

START = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def make_order(db):
    """An order written straight to the database."""
    made = []

    def make(status=OrderStatus.PAID, email="ana@example.com", at=None, **fields):
        n = len(made) + 1
        order = Order(
            number=fields.pop("number", f"BMX-L{n:07d}"),
            access_token=f"list-token-{n}",
            status=status,
            stock_hold=StockHold.COMMITTED,
            email=email,
            currency="USD",
            subtotal_amount=fields.get("total_amount", 12900),
            total_amount=fields.pop("total_amount", 12900),
            created_at=at or START + timedelta(hours=n),
            lines=[
                OrderLine(
                    product_name="Balmorex Pro",
                    variant_name="Sand",
                    sku="BMX-PRO-SND",
                    unit_amount=12900,
                    quantity=1,
                )
            ],
            **fields,
        )
        db.add(order)
        db.commit()
        made.append(order)
        return order

    return make


@pytest.fixture
def ops(login_as):
    return login_as(Role.OPERATOR)


def numbers_in(html: str) -> list[str]:
    table = html.split('aria-label="Orders"', 1)[1]
    return re.findall(r">(BMX-[A-Z0-9]+)</a>", table)


def test_the_list_shows_orders_newest_first_with_counts(ops, make_order):
    old = make_order()
    new = make_order(status=OrderStatus.REFUNDED)
    response = ops.get("/admin/orders")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert numbers_in(html) == [new.number, old.number]
    assert re.search(r"Paid <span class=\"status-count\">1</span>", html)
    assert re.search(r"Refunded <span class=\"status-count\">1</span>", html)
    assert re.search(r"All <span class=\"status-count\">2</span>", html)


def test_needs_review_orders_come_first_with_their_reason(ops, make_order):
    flagged = make_order(status=OrderStatus.NEEDS_REVIEW, review_reason="Stripe's total differs.")
    make_order()
    html = ops.get("/admin/orders").get_data(as_text=True)
    review = html.index("Needs review (1)")
    assert review < html.index('aria-label="Orders"')
    assert html.index(flagged.number) > review and "Stripe&#39;s total differs." in html
    assert "compare the payment in Stripe" in html
    assert "Needs review (" not in ops.get("/admin/orders?status=paid").get_data(as_text=True)


def test_filters_search_and_sort_through_the_query_string(ops, make_order):
    a = make_order(email="Ana@Example.com", total_amount=5000)
    b = make_order(email="bo@example.com", status=OrderStatus.FULFILLED, total_amount=9000)
    c = make_order(email="cy@example.com", at=START + timedelta(days=3), total_amount=100)

    def listed(query: str) -> list[str]:
        response = ops.get(f"/admin/orders?{query}")
        assert response.status_code == 200, query
        return numbers_in(response.get_data(as_text=True))

    assert listed("status=fulfilled") == [b.number]
    assert listed("q=ana%40example") == [a.number]
    assert listed(f"q={b.number.lower()}") == [b.number]
    assert listed("from=2026-03-02") == [c.number]
    assert listed("to=2026-03-01") == [b.number, a.number]
    assert listed("sort=oldest") == [a.number, b.number, c.number]
    assert listed("sort=total_high") == [b.number, a.number, c.number]
    assert listed("sort=total_low&status=paid") == [c.number, a.number]


def test_pages_follow_the_key_of_the_last_order(ops, make_order, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    made = [make_order() for _ in range(5)]
    seen, path = [], "/admin/orders?status=paid"
    while path:
        html = ops.get(path).get_data(as_text=True)
        seen += numbers_in(html)
        found = re.search(r'href="([^"]+)">Next page', html)
        path = found.group(1).replace("&amp;", "&") if found else ""
        assert "status=paid" in path or not path
    assert seen == [o.number for o in reversed(made)]


@pytest.mark.parametrize(
    "query",
    [
        "status=shipped",
        "status=%3Cscript%3E",
        "from=2026-02-30",
        "to=03/01/2026",
        "sort=price",
        "after=abc",
        "after=1",
        "after=" + "9" * 40 + ".1",
        "from=2026-03-05&to=2026-03-01",
    ],
)
def test_what_does_not_parse_is_a_400_with_a_message(ops, query):
    for path in ("/admin/orders", "/admin/orders/export"):
        response = ops.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        assert "<script>" not in response.get_data(as_text=True)


def test_the_detail_page_shows_amounts_refs_timeline_and_escaped_notes(ops, make_order, db):
    order = make_order(
        stripe_session_id="cs_test_abc",
        stripe_payment_intent_id="pi_test_123",
        shipping_amount=1500,
        discount_amount=500,
        tax_amount=700,
        refunded_amount=2000,
        shipping_name="Ana Lima",
        shipping_address={
            "line1": "1 Main St",
            "city": "Portland",
            "postal_code": "97201",
            "country": "US",
            "state": "OR",
        },
    )
    db.add(
        OrderEvent(
            order_id=order.id,
            kind="payment_received",
            message="Payment of $129.00 received.",
            public=True,
        )
    )
    db.add(
        OrderEvent(
            order_id=order.id, kind="note", message="<script>alert(1)</script>", actor="op@x"
        )
    )
    db.commit()
    html = ops.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    for text in (
        "$129.00",
        "$15.00",
        "\N{MINUS SIGN}$5.00",
        "$7.00",
        "\N{MINUS SIGN}$20.00",
        "ana@example.com",
        "1 Main St",
        "cs_test_abc",
        "pi_test_123",
        "Payment of $129.00 received.",
    ):
        assert text in html, text
    assert 'href="https://dashboard.stripe.com/test/payments/pi_test_123"' in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_unknown_order_is_a_404(ops):
    assert ops.get("/admin/orders/BMX-NOPE0000").status_code == 404
    assert ops.get("/admin/orders/" + "X" * 300).status_code == 404


def test_the_export_is_a_csv_download_of_the_filter(ops, make_order):
    paid = make_order(email="=cmd|' /C calc'!A0")
    make_order(status=OrderStatus.CANCELLED)
    response = ops.get("/admin/orders/export?status=paid")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    day = datetime.now(UTC).strftime("%Y%m%d")
    assert response.headers["Content-Disposition"] == f'attachment; filename="orders-{day}.csv"'
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r["number"] for r in rows] == [paid.number]
    assert rows[0]["email"] == "'=cmd|' /C calc'!A0" and rows[0]["total"] == "129.00"
    lines = ops.get("/admin/orders/export?rows=lines").get_data().decode("utf-8-sig")
    line_rows = list(csv.DictReader(io.StringIO(lines)))
    assert len(line_rows) == 2 and {r["sku"] for r in line_rows} == {"BMX-PRO-SND"}
    assert ops.get("/admin/orders/export?rows=all").status_code == 400


def test_the_export_streams(ops, make_order):
    make_order()
    response = ops.get("/admin/orders/export", buffered=False)
    assert response.is_streamed
    response.close()
