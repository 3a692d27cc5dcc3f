"""Backoffice fixtures: staff accounts and clients signed in as each role."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from shop.accounts.models import Role, StaffUser
from shop.accounts.services import create_staff

PASSWORD = "correct horse battery staple"


def form_token(client: FlaskClient, path: str = "/admin/login") -> str:
    """The CSRF token from a form on `path`."""
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, f"no form token on {path}"
    return found.group(1)


@pytest.fixture
def make_staff(db: Session) -> Callable[..., StaffUser]:
    """Create an active staff user with the shared test password."""

    def make(role: Role, email: str | None = None, password: str = PASSWORD) -> StaffUser:
        user = create_staff(db, email or f"{role.value}@balmorex.example", password, role)
        db.commit()
        return user

    return make


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, next_: str = "") -> object:
    """Post the login form like a browser would."""
    token = form_token(client)
    path = "/admin/login" + (f"?next={next_}" if next_ else "")
    return client.post(path, data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def login_as(app: Flask, make_staff: Callable[..., StaffUser]) -> Callable[[Role], FlaskClient]:
    """A fresh client signed in with a new account of the given role."""

    def login(role: Role) -> FlaskClient:
        user = make_staff(role)
        client = app.test_client()
        response = sign_in(client, user.email)
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
        return client

    return login


def page_form(client: FlaskClient, path: str) -> dict[str, str]:
    """The CSRF token and loaded version from the edit form on `path`."""
    html = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    version = re.search(r'name="version"[^>]*value="(\d+)"', html) or re.search(
        r'value="(\d+)"[^>]*name="version"', html
    )
    assert token and version, f"no edit form on {path}"
    return {"csrf_token": token.group(1), "version": version.group(1)}


def article_data(**values: object) -> dict[str, object]:
    """A complete article form submission, overridden by `values`."""
    data: dict[str, object] = {
        "title": "Shoulder blade basics",
        "slug": "shoulder-blade-basics",
        "summary": "Why the area between the shoulder blades tightens.",
        "body_md": "Intro paragraph.\n\n## Why\n\nBecause desks.\n",
        "seo_title": "",
        "seo_description": "",
        "publish_at": "",
        "action": "save",
    }
    data.update(values)
    return data
