"""Collects every backoffice page module onto the one blueprint."""

from __future__ import annotations

from shop.backoffice import (  # noqa: F401  (modules register routes)
    articles,
    auth,
    dashboard,
    editorial_history,
    images,
    orders,
    orders_actions,
    outbox,
    pages,
    products,
    reconcile,
    staff,
    stock,
)
from shop.backoffice.blueprint import bp

__all__ = ["bp"]
