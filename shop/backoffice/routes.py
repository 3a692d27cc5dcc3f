"""Collects every backoffice page module onto the one blueprint."""

from __future__ import annotations

from shop.backoffice import auth, dashboard, staff  # noqa: F401  (modules register routes)
from shop.backoffice.blueprint import bp

__all__ = ["bp"]
