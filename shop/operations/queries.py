"""Finding orders: filters from the query string, keyset pages, counts per status."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from shop.operations.inputs import OperationsError
from shop.operations.models import Shipment
from shop.orders.models import Order, OrderStatus

PAGE_SIZE = 50
MAX_SEARCH = 100
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: Sort name -> (label, key column, newest/largest first?)
SORTS: dict[str, tuple[str, Any, bool]] = {
    "newest": ("Newest first", Order.created_at, True),
    "oldest": ("Oldest first", Order.created_at, False),
    "total_high": ("Total, high to low", Order.total_amount, True),
    "total_low": ("Total, low to high", Order.total_amount, False),
}


@dataclass(frozen=True)
class OrderFilter:
    """Which orders to show, as parsed from ?status=&from=&to=&q=&sort=."""

    status: OrderStatus | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    sort: str = "newest"

    @property
    def is_default(self) -> bool:
        """No filter and the default order: the operator's starting view."""
        return self == OrderFilter()

    def args(self, **changes: str | None) -> dict[str, str]:
        """The query string for this filter (with changes), without empty values."""
        values = {
            "status": self.status.value if self.status else "",
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "q": self.q,
            "sort": "" if self.sort == "newest" else self.sort,
        }
        values.update({k: v or "" for k, v in changes.items()})
        return {k: v for k, v in values.items() if v}


def _date(raw: str, name: str) -> date | None:
    if not raw:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise OperationsError(f"“{name}” must be a date like 2026-01-31.") from None


def parse_filter(args: Mapping[str, str]) -> OrderFilter:
    """The filter from a query string; OperationsError (a 400) for anything that doesn't parse."""
    raw_status = (args.get("status") or "").strip()
    try:
        status = OrderStatus(raw_status) if raw_status else None
    except ValueError:
        raise OperationsError(f"There is no order status called “{raw_status[:40]}”.") from None
    date_from = _date((args.get("from") or "").strip(), "from")
    date_to = _date((args.get("to") or "").strip(), "to")
    if date_from and date_to and date_from > date_to:
        raise OperationsError("The “from” date is after the “to” date.")
    q = " ".join((args.get("q") or "").split())
    if len(q) > MAX_SEARCH:
        raise OperationsError(f"Search for at most {MAX_SEARCH} characters.")
    sort = (args.get("sort") or "newest").strip()
    if sort not in SORTS:
        raise OperationsError("Sort by newest, oldest, total_high or total_low.")
    return OrderFilter(status, date_from, date_to, q, sort)


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def conditions(flt: OrderFilter, *, with_status: bool = True) -> list[sa.ColumnElement[bool]]:
    """WHERE clauses for a filter; the search is a prefix match so indexes can serve it."""
    where: list[sa.ColumnElement[bool]] = []
    if with_status and flt.status is not None:
        where.append(Order.status == flt.status)
    if flt.date_from:
        start = datetime.combine(flt.date_from, datetime.min.time(), UTC)
        where.append(Order.created_at >= start)
    if flt.date_to:
        end = datetime.combine(flt.date_to + timedelta(days=1), datetime.min.time(), UTC)
        where.append(Order.created_at < end)
    if flt.q:
        number = flt.q.upper()
        where.append(
            sa.or_(
                Order.number.like(_like_prefix(number), escape="\\"),
                Order.number.like(_like_prefix("BMX-" + number), escape="\\"),
                sa.func.lower(Order.email).like(_like_prefix(flt.q.lower()), escape="\\"),
            )
        )
    return where


def cursor_for(order: Order, sort: str) -> str:
    """The page link key after `order`: "<sort value>.<id>", both whole numbers."""
    if SORTS[sort][1] is Order.total_amount:
        return f"{order.total_amount}.{order.id}"
    delta = order.created_at - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}.{order.id}"


def parse_cursor(raw: str | None) -> tuple[int, int] | None:
    """A page key from the query string; OperationsError for anything but "<int>.<int>"."""
    if not raw:
        return None
    value, _, ident = raw.partition(".")
    if not (value.isascii() and value.isdigit() and ident.isascii() and ident.isdigit()):
        raise OperationsError("That page link is not valid.")
    if len(value) > 18 or len(ident) > 18:
        raise OperationsError("That page link is not valid.")
    return int(value), int(ident)


def _keyset(query: sa.Select[Order], sort: str, after: tuple[int, int] | None) -> sa.Select[Order]:
    _label, column, descending = SORTS[sort]
    if after is not None:
        value: object = after[0]
        if column is Order.created_at:
            value = EPOCH + timedelta(microseconds=after[0])
        # A row-value comparison, so the (…, key, id) index can start right after the key
        # instead of filtering every row of the earlier pages.
        key = sa.tuple_(column, Order.id)
        bound = sa.tuple_(sa.literal(value, column.type), sa.literal(after[1]))
        query = query.where(key < bound if descending else key > bound)
    if descending:
        return query.order_by(column.desc(), Order.id.desc())
    return query.order_by(column.asc(), Order.id.asc())


@dataclass(frozen=True)
class OrderPage:
    """One page of the orders list and the key of the next page, if there is one."""

    orders: list[Order]
    next_cursor: str | None


def list_orders(
    session: Session, flt: OrderFilter, after: tuple[int, int] | None, size: int | None = None
) -> OrderPage:
    """A page of orders matching the filter, by key (never OFFSET)."""
    size = size or PAGE_SIZE
    query = _keyset(sa.select(Order).where(*conditions(flt)), flt.sort, after)
    orders = list(session.scalars(query.limit(size + 1).options(selectinload(Order.lines))))
    more = len(orders) > size
    orders = orders[:size]
    return OrderPage(orders, cursor_for(orders[-1], flt.sort) if more and orders else None)


#: Counting every order of a status is a scan of a million rows; past this many the list
#: says "10,000+" and each count stays a short index walk.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class StatusCounts:
    """Orders matching a filter per status, each counted up to `cap` and then "cap+"."""

    found: dict[OrderStatus, int]
    cap: int = COUNT_CAP

    def __getitem__(self, status: OrderStatus) -> int:
        return min(self.found.get(status, 0), self.cap)

    def more(self, status: OrderStatus | None = None) -> bool:
        """Whether the count (or, with no status, any count) stopped at the cap."""
        if status is None:
            return any(n > self.cap for n in self.found.values())
        return self.found.get(status, 0) > self.cap

    @property
    def total(self) -> int:
        """The sum of the counts (a lower bound when `more()`)."""
        return sum(self[status] for status in OrderStatus)

    def label(self, status: OrderStatus | None = None) -> str:
        """A count for people: "1,234", or "10,000+" once past the cap."""
        value = self.total if status is None else self[status]
        return f"{value:,}+" if self.more(status) else f"{value:,}"


def status_counts(session: Session, flt: OrderFilter, cap: int = COUNT_CAP) -> StatusCounts:
    """How many orders match the filter in each status, counting each up to `cap` + 1.

    One statement: per status a LIMITed subquery the (status, created_at, id) index answers,
    so the cost is bounded by the cap, not by the size of the order book.
    """
    where = conditions(flt, with_status=False)
    parts = [
        sa.select(sa.literal(index).label("status"), sa.func.count().label("n")).select_from(
            sa.select(Order.id).where(Order.status == status, *where).limit(cap + 1).subquery()
        )
        for index, status in enumerate(OrderStatus)
    ]
    statuses = list(OrderStatus)
    rows = session.execute(sa.union_all(*parts))
    return StatusCounts({statuses[index]: int(n) for index, n in rows}, cap)


def review_queue(session: Session, limit: int = 20) -> list[Order]:
    """Orders an operator must look at, oldest waiting first."""
    return list(
        session.scalars(
            sa.select(Order)
            .where(Order.status == OrderStatus.NEEDS_REVIEW)
            .order_by(Order.created_at, Order.id)
            .limit(limit)
        )
    )


def order_by_number(session: Session, number: str) -> Order | None:
    """One order by its public number, with lines, timeline and refunds."""
    if not number or len(number) > 20:
        return None
    return session.scalar(
        sa.select(Order)
        .where(Order.number == number.upper())
        .options(selectinload(Order.lines), selectinload(Order.events), selectinload(Order.refunds))
    )


def shipments_of(session: Session, order_id: int) -> list[Shipment]:
    """An order's shipments with their lines, oldest first (two queries, whatever the count)."""
    return list(
        session.scalars(
            sa.select(Shipment)
            .where(Shipment.order_id == order_id)
            .order_by(Shipment.id)
            .options(selectinload(Shipment.lines))
        )
    )


def batches(
    session: Session, flt: OrderFilter, size: int = 500, *, with_lines: bool = False
) -> Iterator[list[Order]]:
    """Every order matching the filter, in key order, `size` at a time (flat memory)."""
    after: tuple[int, int] | None = None
    while True:
        query = _keyset(sa.select(Order).where(*conditions(flt)), flt.sort, after).limit(size)
        if with_lines:
            query = query.options(selectinload(Order.lines))
        batch = list(session.scalars(query))
        if not batch:
            return
        yield batch
        if len(batch) < size:
            return
        after = parse_cursor(cursor_for(batch[-1], flt.sort))
        session.expunge_all()  # let the finished batch go
