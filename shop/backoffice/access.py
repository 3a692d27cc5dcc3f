"""Who may open which backoffice page, decided in one place for every route."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from shop.accounts.models import Role, StaffUser
from shop.accounts.services import load_session_user
from shop.db import get_session
from shop.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])

#: Routes any visitor may open (the login page itself).
PUBLIC_ENDPOINTS = frozenset({"backoffice.login", "backoffice.logout"})


def allow(*roles: Role) -> Callable[[F], F]:
    """Mark a backoffice view as open to these roles (admins may always open it)."""

    def mark(view: F) -> F:
        view.allowed_roles = frozenset(roles) | {Role.ADMIN}  # type: ignore[attr-defined]
        return view

    return mark


def check_access() -> ResponseReturnValue | None:
    """Before every /admin request: anonymous -> login; wrong role -> 403."""
    endpoint = request.endpoint or ""
    if endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("backoffice.login", next=request.full_path.rstrip("?")))
    view = current_app.view_functions.get(endpoint)
    # A view without a declaration is for admins only: new pages start locked.
    allowed = getattr(view, "allowed_roles", frozenset({Role.ADMIN}))
    if current_user.role not in allowed:
        abort(403)
    return None


def staff() -> StaffUser:
    """The signed-in staff user (only call behind check_access)."""
    user: StaffUser = current_user._get_current_object()
    return user


def is_safe_next(target: str | None) -> bool:
    """Whether a next= value is a path on this site (not //host, not a scheme, no backslash)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    return "\\" not in target and "\n" not in target and "\r" not in target


#: Backoffice navigation: (endpoint, label, roles other than admin that may open it).
ADMIN_NAV: list[tuple[str, str, tuple[str, ...]]] = [
    ("backoffice.staff_list", "Staff", ()),
    ("backoffice.audit_log", "Audit log", ()),
]


def register_nav(endpoint: str, label: str, *roles: Role) -> None:
    """Add a page to the backoffice navigation (called by each area's module)."""
    entry = (endpoint, label, tuple(r.value for r in roles))
    if entry not in ADMIN_NAV:
        ADMIN_NAV.insert(len(ADMIN_NAV) - 2, entry)


def init_app(app: Flask) -> None:
    """Configure Flask-Login for staff sessions and the navigation."""
    login_manager.init_app(app)
    app.jinja_env.globals["admin_nav"] = ADMIN_NAV
    login_manager.session_protection = "basic"

    login_manager.user_loader(_load_user)


def _load_user(identity: str) -> StaffUser | None:
    return load_session_user(get_session(), identity)
