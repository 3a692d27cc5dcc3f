"""The signed `cart` cookie that leads a returning shopper back to their cart."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from werkzeug.wrappers import Request, Response

COOKIE_NAME = "cart"
#: A cart outlives closing the browser; every change starts this period again.
COOKIE_MAX_AGE = timedelta(days=60)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="cart")


def read_cart_token(request: Request) -> str | None:
    """The cart token from the request's cookie; None if absent, forged or malformed."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        token = _serializer().loads(raw)
    except BadData:
        return None
    return token if isinstance(token, str) and 0 < len(token) <= 64 else None


def set_cart_cookie(response: Response, token: str) -> None:
    """Remember the cart on this browser for 60 days (HttpOnly, SameSite=Lax)."""
    response.set_cookie(
        COOKIE_NAME,
        _serializer().dumps(token),
        max_age=COOKIE_MAX_AGE,
        path="/",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
