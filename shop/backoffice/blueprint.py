"""The backoffice blueprint; every request passes the access check first."""

from __future__ import annotations

from flask import Blueprint

from shop.backoffice.access import check_access

bp = Blueprint("backoffice", __name__, url_prefix="/admin")
bp.before_request(check_access)
