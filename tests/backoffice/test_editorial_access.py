"""Only marketers and admins may edit; operators get 403 on every editorial route."""

from __future__ import annotations

import re

import pytest

from shop.accounts.models import Role
from tests.backoffice.conftest import form_token

EDITORIAL = re.compile(r"backoffice\.(products|articles|pages|(product|article|page)_\w+)$")


def editorial_routes(app):
    for rule in app.url_map.iter_rules():
        if EDITORIAL.match(rule.endpoint):
            path = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, path


def test_there_are_editorial_routes_for_each_kind(app):
    endpoints = {endpoint for endpoint, _, _ in editorial_routes(app)}
    for name in ("products", "product_edit", "articles", "article_new", "article_edit"):
        assert f"backoffice.{name}" in endpoints
    assert {"backoffice.page_history", "backoffice.article_compare"} <= endpoints


def test_operators_get_403_on_every_editorial_route(app, login_as, make_article, make_product):
    make_article(), make_product()
    client = login_as(Role.OPERATOR)
    token = form_token(client, "/admin")
    routes = list(editorial_routes(app))
    assert len(routes) > 20
    for endpoint, method, path in routes:
        if endpoint == "backoffice.product_images":
            continue  # another page's rules
        response = (
            client.get(path)
            if method == "GET"
            else client.post(path, data={"csrf_token": token, "version": "1"})
        )
        assert response.status_code == 403, (endpoint, method, path, response.status_code)


@pytest.mark.parametrize("role", [Role.MARKETER, Role.ADMIN])
def test_marketers_and_admins_see_the_editors_in_the_navigation(login_as, role):
    html = login_as(role).get("/admin").get_data(as_text=True)
    for label in ("Products", "Articles", "Pages"):
        assert f">{label}</a>" in html


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/admin/products", "/admin/articles/new", "/admin/pages/1/history"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
