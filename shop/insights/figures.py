"""The operator dashboard's figures, each one query over paid orders or stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from shop.catalog.models import Variant
from shop.catalog.services import LOW_STOCK_THRESHOLD
from shop.content.models import Article
from shop.db import utcnow
from shop.insights.attribution import BASIS_FOLLOWED
from shop.insights.models import ArticleReading
from shop.orders.models import Order, OrderLine, OrderStatus
from shop.orders.services import PAID_STATUSES

DAYS = 30
#: A paid order was created at most this long before it was paid (checkout expiry, slow
#: bank payments); bounds the scan so the (status, created_at) index does the work.
PAYMENT_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class DaySales:
    """Paid orders and their gross revenue on one UTC day."""

    day: date
    orders: int
    revenue: int


@dataclass(frozen=True)
class ProductSales:
    """Units of one product sold in paid orders."""

    name: str
    units: int
    revenue: int


@dataclass(frozen=True)
class ArticleSales:
    """Paid orders credited to an article: added from it, or buying a product it features."""

    slug: str
    title: str
    #: Orders with a line added from the article's "shop this" block.
    followed: int
    #: Revenue of those orders.
    followed_revenue: int
    #: Orders that bought a product the article features (the followed ones included).
    featured: int


def window(days: int = DAYS, now: datetime | None = None) -> tuple[date, datetime]:
    """The first day shown and the moment it starts (midnight UTC), today included."""
    now = now or utcnow()
    first = now.date() - timedelta(days=days - 1)
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return first, start - timedelta(days=days - 1)


def _paid_since(start: datetime, currency: str) -> list[sa.ColumnElement[bool]]:
    return [
        Order.status.in_(PAID_STATUSES),
        Order.created_at >= start - PAYMENT_WINDOW,
        Order.paid_at >= start,
        Order.currency == currency,
    ]


def _as_date(value: object) -> date:
    # SQLite's date() answers text, PostgreSQL's a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def sales_per_day(
    session: Session, currency: str, days: int = DAYS, now: datetime | None = None
) -> list[DaySales]:
    """Every day of the window, oldest first, with zeros for days without sales."""
    first, start = window(days, now)
    day = sa.func.date(Order.paid_at)
    rows = session.execute(
        sa.select(day, sa.func.count(), sa.func.sum(Order.total_amount))
        .where(*_paid_since(start, currency))
        .group_by(day)
    )
    by_day = {_as_date(d): (int(n), int(total or 0)) for d, n, total in rows}
    return [
        DaySales(d, *by_day.get(d, (0, 0)))
        for d in (first + timedelta(days=i) for i in range(days))
    ]


def waiting_for_fulfilment(session: Session) -> int:
    """Paid orders not yet shipped."""
    count = session.scalar(
        sa.select(sa.func.count()).select_from(Order).where(Order.status == OrderStatus.PAID)
    )
    return int(count or 0)


def low_stock(session: Session, threshold: int = LOW_STOCK_THRESHOLD) -> list[Variant]:
    """Active variants with at most `threshold` units a shopper can still buy."""
    available = Variant.stock_on_hand - Variant.stock_reserved
    return list(
        session.scalars(
            sa.select(Variant)
            .where(Variant.active.is_(True), available <= threshold)
            .options(joinedload(Variant.product))
            .order_by(available, Variant.sku)
        )
    )


def top_products(
    session: Session, currency: str, limit: int = 5, days: int = DAYS, now: datetime | None = None
) -> list[ProductSales]:
    """Products by units sold in paid orders of the window (names as sold)."""
    _first, start = window(days, now)
    units = sa.func.sum(OrderLine.quantity)
    rows = session.execute(
        sa.select(
            OrderLine.product_name, units, sa.func.sum(OrderLine.quantity * OrderLine.unit_amount)
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(*_paid_since(start, currency))
        .group_by(OrderLine.product_name)
        .order_by(units.desc(), OrderLine.product_name)
        .limit(limit)
    )
    return [ProductSales(name, int(n), int(total or 0)) for name, n, total in rows]


def article_sales(
    session: Session, currency: str, limit: int = 10, days: int = DAYS, now: datetime | None = None
) -> list[ArticleSales]:
    """Articles by paid orders added from them, then by paid orders buying what they feature."""
    _first, start = window(days, now)
    followed_order = sa.case((ArticleReading.basis == BASIS_FOLLOWED, Order.id))
    followed = sa.func.count(sa.distinct(followed_order))
    followed_revenue = sa.func.sum(
        sa.case((ArticleReading.basis == BASIS_FOLLOWED, Order.total_amount), else_=0)
    )
    featured = sa.func.count(sa.distinct(Order.id))
    rows = session.execute(
        sa.select(
            ArticleReading.article_slug,
            sa.func.max(Article.title),
            followed,
            followed_revenue,
            featured,
        )
        .join(Order, Order.id == ArticleReading.order_id)
        .outerjoin(Article, Article.id == ArticleReading.article_id)
        .where(*_paid_since(start, currency))
        .group_by(ArticleReading.article_slug)
        .order_by(followed.desc(), featured.desc(), ArticleReading.article_slug)
        .limit(limit)
    )
    return [
        ArticleSales(slug, title or slug, int(n), int(revenue or 0), int(m))
        for slug, title, n, revenue, m in rows
    ]
