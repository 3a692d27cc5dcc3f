"""Cart fixtures: a shopper who fills in the shop's real forms, and what the database holds."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from shop.catalog.models import Variant

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
LINE_FORM = re.compile(r'action="/cart/items/(\d+)"')
FLASH = re.compile(r'<p class="flash flash-(\w+)" role="(\w+)">(.*?)</p>', re.S)


def flashes(page: str) -> list[str]:
    """The flashed messages shown on a page, as the shopper reads them."""
    return [html.unescape(text) for _category, _role, text in FLASH.findall(page)]


def text_of(page: str) -> str:
    """A page's HTML with entities decoded, for checking the words a shopper sees."""
    return html.unescape(page)


@dataclass
class Shopper:
    """Posts the cart forms the way a browser would, CSRF token included."""

    client: FlaskClient
    _csrf: str | None = field(default=None, repr=False)

    def csrf(self) -> str:
        """The form token, read from the cart page the first time it is needed."""
        if self._csrf is None:
            if has_app_context():
                # Fixtures keep one app context across requests, so Flask-WTF's per-request
                # token cache in `g` would hand another client's token to this one.
                g.pop("csrf_token", None)
            match = CSRF_FIELD.search(self.client.get("/cart").get_data(as_text=True))
            assert match, "the cart page has no CSRF token"
            self._csrf = match.group(1)
        return self._csrf

    def add(
        self, variant_id: Any, quantity: Any = "1", follow: bool = False, **fields: Any
    ) -> TestResponse:
        """Post the add-to-cart form; quantity=None leaves the field out."""
        data = {"csrf_token": self.csrf(), "variant_id": str(variant_id), **fields}
        if quantity is not None:
            data["quantity"] = str(quantity)
        return self.client.post("/cart/items", data=data, follow_redirects=follow)

    def update(self, item_id: int, quantity: Any, follow: bool = True) -> TestResponse:
        """Post a line's quantity form."""
        data = {"csrf_token": self.csrf(), "quantity": str(quantity)}
        return self.client.post(f"/cart/items/{item_id}", data=data, follow_redirects=follow)

    def remove(self, item_id: int, follow: bool = True) -> TestResponse:
        """Press a line's Remove button."""
        data = {"csrf_token": self.csrf()}
        return self.client.post(f"/cart/items/{item_id}/remove", data=data, follow_redirects=follow)

    def cart_page(self) -> str:
        """The cart page's HTML."""
        response = self.client.get("/cart")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def line_ids(self) -> list[int]:
        """The ids of the lines shown on the cart page, in order."""
        return [int(i) for i in dict.fromkeys(LINE_FORM.findall(self.cart_page()))]


@pytest.fixture
def shopper(client: FlaskClient) -> Shopper:
    """A shopper using the test client."""
    return Shopper(client)


@pytest.fixture
def variant_id(db: Session) -> Callable[[str], int]:
    """Look up a variant's id by SKU."""

    def find(sku: str) -> int:
        return db.scalars(sa.select(Variant.id).where(Variant.sku == sku)).one()

    return find


@pytest.fixture
def stored(app: Flask) -> Callable[[], tuple[int, int]]:
    """(carts, cart items) as committed, read on a connection of its own."""
    engine: sa.Engine = app.extensions["db_engine"]

    def counts() -> tuple[int, int]:
        with engine.connect() as conn:
            carts = conn.scalar(sa.text("SELECT count(*) FROM cart"))
            items = conn.scalar(sa.text("SELECT count(*) FROM cart_item"))
        return int(carts or 0), int(items or 0)

    return counts
