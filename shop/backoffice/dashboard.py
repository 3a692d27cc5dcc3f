"""The backoffice home page: links for everyone, sales and stock figures for operators."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template

from shop.accounts.models import Role
from shop.backoffice.access import allow, staff
from shop.backoffice.blueprint import bp
from shop.db import get_session
from shop.insights import figures
from shop.insights.chart import Bar, bar_chart
from shop.money import format_money

OPERATOR_ROLES = (Role.ADMIN, Role.OPERATOR)


def _operator_figures(currency: str) -> dict[str, Any]:
    db = get_session()
    days = figures.sales_per_day(db, currency)
    total_revenue = sum(d.revenue for d in days)
    total_orders = sum(d.orders for d in days)

    def money(amount: int) -> str:
        return format_money(amount, currency)

    span = f"{days[0].day:%B %-d} to {days[-1].day:%B %-d, %Y}"
    revenue_chart = bar_chart(
        "revenue-chart",
        f"Revenue per day, last {figures.DAYS} days",
        f"Gross revenue of paid orders per day from {span}: {money(total_revenue)} in all, "
        f"highest day {money(max(d.revenue for d in days))}. The table below lists every day.",
        [Bar(d.day, d.revenue, f"{d.day:%b %-d}: {money(d.revenue)}") for d in days],
        lambda v: format_money(v, currency).split(".")[0],
    )
    orders_chart = bar_chart(
        "orders-chart",
        f"Paid orders per day, last {figures.DAYS} days",
        f"Paid orders per day from {span}: {total_orders} in all, "
        f"most in one day {max(d.orders for d in days)}. The table below lists every day.",
        [Bar(d.day, d.orders, f"{d.day:%b %-d}: {d.orders} orders") for d in days],
        str,
    )
    return {
        "days": days,
        "total_revenue": total_revenue,
        "total_orders": total_orders,
        "revenue_chart": revenue_chart,
        "orders_chart": orders_chart,
        "waiting": figures.waiting_for_fulfilment(db),
        "low_stock": figures.low_stock(db),
        "top_products": figures.top_products(db, currency),
        "articles": figures.article_sales(db, currency),
    }


@bp.get("")
@allow(Role.MARKETER, Role.OPERATOR)
def dashboard() -> str:
    """Where each role starts: links to its pages; operators also see sales and stock."""
    user = staff()
    currency = current_app.config["CURRENCY"]
    context = _operator_figures(currency) if user.role in OPERATOR_ROLES else {}
    return render_template(
        "backoffice/dashboard.html",
        user=user,
        currency=currency,
        show_figures=user.role in OPERATOR_ROLES,
        days_shown=figures.DAYS,
        **context,
    )
