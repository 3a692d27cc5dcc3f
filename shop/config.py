"""Settings read from the environment (and `.env`), with safe embedded defaults."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

# Keys that must never reach production: the signing key of a fresh checkout.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105
#: Sender of a fresh checkout; production must name a real mailbox before it sends mail.
DEFAULT_MAIL_ADDRESS = "orders@balmorex.example"


def _str(name: str, default: str = "") -> str:
    """A setting's text; an empty value (as copied from .env.example) means the default."""
    return os.environ.get(name) or default


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Runtime settings; every attribute is documented in `.env.example`."""

    def __init__(self) -> None:
        load_dotenv(PROJECT_ROOT / ".env", override=False)
        env = _str
        self.ENV = env("SHOP_ENV", "development")
        self.SECRET_KEY = env("SECRET_KEY", DEV_SECRET_KEY)
        self.DEBUG = _bool("FLASK_DEBUG")
        self.TESTING = False
        self.DATABASE_URL = env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'shop.db'}")
        self.SITE_URL = env("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.SHOP_NAME = env("SHOP_NAME", "Balmorex")
        self.SHOP_ADDRESS = env(
            "SHOP_ADDRESS", "Balmorex Supply Co., 48 Alder Street, Suite 3, Portland, OR 97205, USA"
        )
        self.CURRENCY = env("SHOP_CURRENCY", "USD").upper()
        self.LOCALE = env("SHOP_LOCALE", "en_US")
        self.MEDIA_DIR = Path(env("MEDIA_DIR", str(INSTANCE_DIR / "media")))
        self.REDIS_URL = env("REDIS_URL", "")
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_HEADERS_ENABLED = True
        # Anonymous storefront pages kept in each worker's memory (shop/web/pagecache.py).
        self.PAGE_CACHE = _bool("PAGE_CACHE", True)
        self.PAGE_CACHE_TTL = _int("PAGE_CACHE_TTL", 60)
        self.PAGE_CACHE_MAX_ENTRIES = _int("PAGE_CACHE_MAX_ENTRIES", 500)
        self.PAGE_CACHE_STAMP = Path(
            env("PAGE_CACHE_STAMP", str(INSTANCE_DIR / "page-cache.stamp"))
        )
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", self.ENV == "production")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.PREFERRED_URL_SCHEME = "https" if self.ENV == "production" else "http"
        self.SEND_FILE_MAX_AGE_DEFAULT = _int("STATIC_MAX_AGE", 3600)
        self.MAX_CONTENT_LENGTH = _int("MAX_UPLOAD_BYTES", 8 * 1024 * 1024)
        self.WTF_CSRF_TIME_LIMIT = None
        # Payments. No key: the local Stripe emulator (test payments, nothing leaves the machine).
        self.STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "")
        self.STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "")
        self.STRIPE_API_BASE = env("STRIPE_API_BASE", "")
        self.STRIPE_EMULATOR_URL = env("STRIPE_EMULATOR_URL", "http://127.0.0.1:12111")
        self.STRIPE_ALLOW_LIVE_KEYS = _bool("STRIPE_ALLOW_LIVE_KEYS")
        self.STRIPE_TIMEOUT_SECONDS = float(env("STRIPE_TIMEOUT_SECONDS", "10"))
        self.STRIPE_MAX_RETRIES = _int("STRIPE_MAX_RETRIES", 1)
        self.CHECKOUT_EXPIRY_MINUTES = _int("CHECKOUT_EXPIRY_MINUTES", 30)
        self.ALLOW_PROMOTION_CODES = _bool("ALLOW_PROMOTION_CODES")
        self.SHIPPING_COUNTRIES = [
            c.strip().upper() for c in env("SHIPPING_COUNTRIES", "US,CA").split(",") if c.strip()
        ]
        self.SHIPPING_FREE_OVER = _int("SHIPPING_FREE_OVER", 7500)
        self.SHIPPING_STANDARD_AMOUNT = _int("SHIPPING_STANDARD_AMOUNT", 695)
        self.SHIPPING_EXPRESS_AMOUNT = _int("SHIPPING_EXPRESS_AMOUNT", 1495)
        # Email. No SMTP_HOST: emails are written as .eml files to OUTBOX_DIR and logged.
        self.SMTP_HOST = env("SMTP_HOST", "")
        self.SMTP_PORT = _int("SMTP_PORT", 0)  # 0: 25, 587 or 465 by SMTP_SECURITY
        self.SMTP_USER = env("SMTP_USER", "")
        self.SMTP_PASSWORD = env("SMTP_PASSWORD", "")
        self.SMTP_SECURITY = env("SMTP_SECURITY", "starttls").strip().lower()
        self.SMTP_TIMEOUT_SECONDS = float(env("SMTP_TIMEOUT_SECONDS", "10"))
        self.MAIL_FROM = env("MAIL_FROM", f"{self.SHOP_NAME} <{DEFAULT_MAIL_ADDRESS}>")
        self.STAFF_ALERT_EMAIL = env("STAFF_ALERT_EMAIL", "")
        self.OUTBOX_DIR = Path(env("OUTBOX_DIR", str(INSTANCE_DIR / "outbox")))
        self.OUTBOX_SEND_AFTER_COMMIT = _bool("OUTBOX_SEND_AFTER_COMMIT", True)

    def as_dict(self) -> dict[str, Any]:
        """The settings as a mapping for `app.config.update`."""
        return {k: v for k, v in vars(self).items() if k.isupper()}


class TestConfig(Config):
    """Settings for the test suite: throwaway database and media folder."""

    def __init__(self, database_url: str, media_dir: Path) -> None:
        super().__init__()
        self.ENV = "testing"
        self.TESTING = True
        self.SECRET_KEY = "test-secret-key-for-the-suite"  # noqa: S105
        self.DATABASE_URL = database_url
        self.MEDIA_DIR = media_dir
        self.SITE_URL = "http://shop.test"
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.SESSION_COOKIE_SECURE = False
        # Off: tests that want the page cache turn it on, with a stamp file of their own.
        self.PAGE_CACHE = False
        # No mail server from a developer's .env; never the project's instance/ folder (the
        # suite's app fixture gives each test a folder of its own).
        self.SMTP_HOST = self.SMTP_USER = self.SMTP_PASSWORD = ""
        self.OUTBOX_DIR = Path(tempfile.gettempdir()) / "balmorex-test-outbox"


class ConfigError(RuntimeError):
    """A setting that makes it unsafe or impossible to start."""


def check_production_safety(settings: dict[str, Any]) -> None:
    """Refuse to start production with a weak secret key or debug on."""
    if settings.get("ENV") != "production":
        return
    key = str(settings.get("SECRET_KEY") or "")
    if key == DEV_SECRET_KEY or len(key) < 32 or len(set(key)) < 10:
        raise ConfigError(
            "SECRET_KEY must be a random value of at least 32 characters in production"
        )
    if settings.get("DEBUG"):
        raise ConfigError("debug mode must be off in production (unset FLASK_DEBUG)")
