"""Orders as CSV for spreadsheets: streamed in key-ordered batches, safe to open."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from sqlalchemy.orm import Session

from shop.money import to_decimal
from shop.operations.queries import OrderFilter, batches
from shop.orders.models import Order, OrderLine

BOM = "\ufeff"
#: A cell starting with one of these is a formula in spreadsheet software.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROW_KINDS = ("orders", "lines")

ORDER_COLUMNS = [
    "number", "created_at_utc", "status", "email", "currency", "subtotal", "shipping",
    "discount", "tax", "total", "refunded", "items", "shipping_name", "country",
    "payment_intent",
]  # fmt: skip
LINE_COLUMNS = [
    "number", "created_at_utc", "status", "email", "currency", "sku", "product", "variant",
    "quantity", "shipped", "unit_price", "line_total",
]  # fmt: skip


def safe_cell(value: object) -> str:
    """A cell as text that spreadsheet software will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _money(amount: int, currency: str) -> str:
    return str(to_decimal(amount, currency))


def _order_head(order: Order) -> list[object]:
    return [
        order.number,
        order.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        order.status.value,
        order.email,
        order.currency,
    ]


def order_row(order: Order) -> list[object]:
    """One order as a row of ORDER_COLUMNS."""
    c = order.currency
    address = order.shipping_address or {}
    return [
        *_order_head(order),
        *(
            _money(a, c)
            for a in (
                order.subtotal_amount,
                order.shipping_amount,
                order.discount_amount,
                order.tax_amount,
                order.total_amount,
                order.refunded_amount,
            )
        ),
        sum(line.quantity for line in order.lines),
        order.shipping_name,
        address.get("country"),
        order.stripe_payment_intent_id,
    ]


def line_row(order: Order, line: OrderLine) -> list[object]:
    """One order line as a row of LINE_COLUMNS."""
    return [
        *_order_head(order),
        line.sku,
        line.product_name,
        line.variant_name,
        line.quantity,
        line.fulfilled_quantity,
        _money(line.unit_amount, order.currency),
        _money(line.line_total, order.currency),
    ]


def _encode(rows: Iterable[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def csv_chunks(
    session: Session, flt: OrderFilter, rows: str, batch_size: int = 500
) -> Iterator[str]:
    """The CSV text, a header and then one chunk per batch of orders."""
    yield BOM + _encode([list(LINE_COLUMNS if rows == "lines" else ORDER_COLUMNS)])
    for batch in batches(session, flt, batch_size, with_lines=True):
        if rows == "lines":
            yield _encode(line_row(order, line) for order in batch for line in order.lines)
        else:
            yield _encode(order_row(order) for order in batch)
