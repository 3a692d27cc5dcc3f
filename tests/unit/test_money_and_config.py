"""Money is integer minor units; production settings refuse unsafe values."""

from __future__ import annotations

import pytest

from shop.config import DEV_SECRET_KEY, ConfigError, check_production_safety
from shop.money import Money, format_money, to_decimal


def test_prices_format_in_the_shop_locale():
    assert format_money(12900, "USD") == "$129.00"
    assert format_money(695, "usd") == "$6.95"
    assert format_money(1500, "JPY") == "¥1,500"
    assert str(to_decimal(12999, "USD")) == "129.99"


def test_money_refuses_floats_and_mixed_currencies():
    with pytest.raises(TypeError):
        Money(12.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot combine"):
        Money(100, "USD") + Money(100, "EUR")
    assert Money(250, "USD") * 3 + Money(50, "USD") == Money(800, "USD")


STRONG = "k9Vb2-QxL7pRm4TzW8yH1nC6dF3sJ0aE"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "a" * 40}, "SECRET_KEY"),
        ({"SECRET_KEY": STRONG, "DEBUG": True}, "debug"),
    ],
)
def test_production_refuses_unsafe_settings(settings, message):
    with pytest.raises(ConfigError, match=message):
        check_production_safety({"ENV": "production", **settings})


def test_production_starts_with_safe_settings_and_development_is_lenient():
    check_production_safety({"ENV": "production", "SECRET_KEY": STRONG, "DEBUG": False})
    check_production_safety({"ENV": "development", "SECRET_KEY": DEV_SECRET_KEY, "DEBUG": True})


def test_production_cookies_are_secure_httponly_and_lax(monkeypatch):
    from shop.config import Config

    monkeypatch.setenv("SHOP_ENV", "production")
    config = Config()
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SESSION_COOKIE_HTTPONLY is True
    assert config.SESSION_COOKIE_SAMESITE == "Lax"


def test_production_responses_carry_hsts(database_url):
    from tests.conftest import build_test_app

    app = build_test_app(database_url, ENV="production", SECRET_KEY=STRONG)
    response = app.test_client().get("/robots.txt")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    app.extensions["db_engine"].dispose()
