"""Dashboard figures add up from paid orders and stock, and ignore everything else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shop.catalog.stock import reserve_stock
from shop.insights import figures
from shop.insights.models import ArticleReading
from shop.orders.models import OrderStatus

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_revenue_and_orders_per_day_count_only_paid_orders_in_the_window(
    db, make_product, make_order
):
    pro = make_product(name="Pro", variants=[("Sand", 12900, 50)]).variants[0]
    case = make_product(name="Case", variants=[("Std", 2500, 50)]).variants[0]
    make_order([(pro, 1)], now=NOW, shipping=695)  # today: 135.95
    make_order([(case, 2)], now=NOW, days_ago=0.25)  # today, earlier: 50.00
    make_order([(pro, 2)], status=OrderStatus.REFUNDED, now=NOW, days_ago=3)  # paid, then refunded
    make_order([(pro, 1)], status=OrderStatus.PENDING_PAYMENT, now=NOW)  # not paid
    make_order([(pro, 1)], status=OrderStatus.CANCELLED, now=NOW, days_ago=1)  # not paid
    make_order([(case, 1)], now=NOW, days_ago=30)  # the day before the window

    days = figures.sales_per_day(db, "USD", now=NOW)
    assert len(days) == 30
    assert days[0].day == NOW.date() - timedelta(days=29) and days[-1].day == NOW.date()
    by_day = {d.day: (d.orders, d.revenue) for d in days if d.orders}
    assert by_day == {
        NOW.date(): (2, 13595 + 5000),
        NOW.date() - timedelta(days=3): (1, 25800),
    }
    assert sum(d.revenue for d in days) == 13595 + 5000 + 25800


def test_waiting_for_fulfilment_counts_paid_orders_only(db, make_product, make_order):
    pro = make_product(variants=[("Sand", 12900, 50)]).variants[0]
    make_order([(pro, 1)])
    make_order([(pro, 1)])
    make_order([(pro, 1)], status=OrderStatus.FULFILLED)
    make_order([(pro, 1)], status=OrderStatus.PENDING_PAYMENT)
    assert figures.waiting_for_fulfilment(db) == 2


def test_low_stock_lists_options_with_five_or_fewer_available(db, make_product):
    product = make_product(
        variants=[("Plenty", 1000, 40), ("Few", 1000, 5), ("Held", 1000, 9), ("None", 1000, 0)]
    )
    _plenty, few, held, none = product.variants
    reserve_stock(db, held.id, 4)  # 5 left to buy
    db.commit()
    low = figures.low_stock(db)
    assert [v.sku for v in low] == [none.sku, few.sku, held.sku]


def test_top_products_rank_by_units_sold_in_paid_orders(db, make_product, make_order):
    pro = make_product(name="Pro", variants=[("Sand", 12900, 50)]).variants[0]
    case = make_product(name="Case", variants=[("Std", 2500, 50)]).variants[0]
    heat = make_product(name="Heat head", variants=[("Std", 3900, 50)]).variants[0]
    make_order([(pro, 1), (case, 2)], now=NOW)
    make_order([(case, 3)], now=NOW, days_ago=10)
    make_order([(heat, 9)], status=OrderStatus.PENDING_PAYMENT, now=NOW)
    make_order([(heat, 9)], now=NOW, days_ago=45)
    top = figures.top_products(db, "USD", now=NOW)
    assert [(p.name, p.units, p.revenue) for p in top] == [("Case", 5, 12500), ("Pro", 1, 12900)]


def test_article_sales_rank_orders_added_from_an_article_before_featured_ones(
    db, make_product, make_article, make_order
):
    pro = make_product(name="Pro", variants=[("Sand", 12900, 50)]).variants[0]
    guide = make_article(slug="back-pain-guide", title="Back pain guide")
    stretches = make_article(slug="desk-stretches", title="Desk stretches")
    first = make_order([(pro, 1)], now=NOW)
    second = make_order([(pro, 2)], now=NOW, days_ago=2)
    third = make_order([(pro, 1)], now=NOW, days_ago=3)
    unpaid = make_order([(pro, 1)], status=OrderStatus.EXPIRED, now=NOW)
    for order in (first, second, third, unpaid):
        db.add(ArticleReading(order_id=order.id, article_id=guide.id, article_slug=guide.slug))
    for order in (second, unpaid):
        db.add(
            ArticleReading(
                order_id=order.id,
                article_id=stretches.id,
                article_slug=stretches.slug,
                basis="followed",
            )
        )
    db.add(ArticleReading(order_id=first.id, article_id=None, article_slug="deleted-article"))
    db.commit()
    rows = figures.article_sales(db, "USD", now=NOW)
    assert [(a.slug, a.title, a.followed, a.followed_revenue, a.featured) for a in rows] == [
        ("desk-stretches", "Desk stretches", 1, 12900 * 2, 1),
        ("back-pain-guide", "Back pain guide", 0, 0, 3),
        ("deleted-article", "deleted-article", 0, 0, 1),
    ]
