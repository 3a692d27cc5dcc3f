"""Every backoffice route x every role: who gets in, who gets 403, who must sign in."""

from __future__ import annotations

import re

import pytest

from shop.accounts.models import Role
from tests.backoffice.conftest import form_token

ADMIN, MARKETER, OPERATOR = Role.ADMIN, Role.MARKETER, Role.OPERATOR

#: Endpoint name patterns and the roles that may use them. Every /admin route must match one,
#: so a new page cannot ship without deciding who may open it.
ACCESS = [
    (r"backoffice\.(login|logout)$", None),
    (r"backoffice\.dashboard$", {ADMIN, MARKETER, OPERATOR}),
    (r"backoffice\.(staff|audit)", {ADMIN}),
    (r"backoffice\.(product|article|page)", {ADMIN, MARKETER}),
    (r"backoffice\.(order|stock|price|reconcile|export|outbox)", {ADMIN, OPERATOR}),
]


def allowed_roles(endpoint: str) -> set[Role] | None:
    for pattern, roles in ACCESS:
        if re.match(pattern, endpoint):
            return roles
    raise AssertionError(f"{endpoint} is not in the access table: decide who may use it")


def admin_routes(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        # Every path argument is an id; 1 is enough to reach the access check.
        path = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path


def request(client, method, path, signed_in: bool):
    if method == "GET":
        return client.get(path)
    # A valid CSRF token, so the answer comes from the access check, not the CSRF check.
    token = form_token(client, "/admin" if signed_in else "/admin/login")
    return client.post(path, data={"csrf_token": token})


def test_every_route_is_in_the_access_table(app):
    routes = list(admin_routes(app))
    assert len(routes) >= 6
    for endpoint, _method, _path in routes:
        allowed_roles(endpoint)


def test_anonymous_visitors_must_sign_in_everywhere(app):
    client = app.test_client()
    for endpoint, method, path in admin_routes(app):
        if allowed_roles(endpoint) is None:
            continue
        response = request(client, method, path, signed_in=False)
        assert response.status_code == 302, (method, path, response.status_code)
        assert "/admin/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("role", [ADMIN, MARKETER, OPERATOR], ids=lambda r: r.value)
def test_each_role_reaches_only_its_own_pages(app, login_as, role):
    client = login_as(role)
    for endpoint, method, path in admin_routes(app):
        roles = allowed_roles(endpoint)
        if roles is None or endpoint == "backoffice.logout":
            continue
        status = request(client, method, path, signed_in=True).status_code
        if role in roles:
            assert status not in (302, 403), (role, method, path, status)
        else:
            assert status == 403, (role, method, path, status)
