"""The backoffice home page."""

from __future__ import annotations

from flask import render_template

from shop.accounts.models import Role
from shop.backoffice.access import allow, staff
from shop.backoffice.blueprint import bp


@bp.get("")
@allow(Role.MARKETER, Role.OPERATOR)
def dashboard() -> str:
    """Where each role starts: links to the pages it may use."""
    return render_template("backoffice/dashboard.html", user=staff())
