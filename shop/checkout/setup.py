"""Builds the Stripe gateway from settings and refuses unsafe keys at start-up."""

from __future__ import annotations

from flask import Flask, current_app

from shop.checkout.gateway import StripeGateway
from shop.config import ConfigError

#: Used only with the local emulator, which accepts any test key.
EMULATOR_SECRET_KEY = "sk_test_local_emulator"  # noqa: S105
EMULATOR_WEBHOOK_SECRET = "whsec_local_emulator_secret"  # noqa: S105
EMULATOR_NOTICE = "Test payments: local Stripe emulator. No real card is charged."
TEST_MODE_NOTICE = (
    "Test mode: payments go to Stripe's test environment. Use card 4242 4242 4242 4242."
)

TEST_PREFIXES = ("sk_test_", "rk_test_")
LIVE_PREFIXES = ("sk_live_", "rk_live_")


def check_stripe_key(key: str, allow_live: bool) -> None:
    """Accept test keys; refuse live keys unless explicitly allowed, and anything else."""
    if key.startswith(TEST_PREFIXES):
        return
    if key.startswith(LIVE_PREFIXES):
        if allow_live:
            return
        raise ConfigError(
            "STRIPE_SECRET_KEY is a live key; set STRIPE_ALLOW_LIVE_KEYS=1 to take real payments"
        )
    raise ConfigError("STRIPE_SECRET_KEY must start with sk_test_ or rk_test_")


def init_app(app: Flask) -> None:
    """Attach a gateway for real Stripe (with a key) or for the local emulator (without)."""
    config = app.config
    key = config["STRIPE_SECRET_KEY"]
    if key:
        check_stripe_key(key, config["STRIPE_ALLOW_LIVE_KEYS"])
        if not config["STRIPE_WEBHOOK_SECRET"]:
            raise ConfigError("STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY")
        api_base = config["STRIPE_API_BASE"] or None
        webhook_secret = config["STRIPE_WEBHOOK_SECRET"]
        config.setdefault("CSP_FORM_ACTION_EXTRA", ["https://checkout.stripe.com"])
        notice = TEST_MODE_NOTICE if key.startswith(TEST_PREFIXES) else ""
    else:
        key = EMULATOR_SECRET_KEY
        api_base = config["STRIPE_API_BASE"] or config["STRIPE_EMULATOR_URL"]
        webhook_secret = config["STRIPE_WEBHOOK_SECRET"] or EMULATOR_WEBHOOK_SECRET
        # The browser follows our 303 to the emulator's page: allow it as a form target.
        config.setdefault("CSP_FORM_ACTION_EXTRA", [api_base])
        notice = EMULATOR_NOTICE
    config.setdefault("PAYMENTS_NOTICE", notice)
    app.extensions["stripe_gateway"] = StripeGateway(
        key,
        webhook_secret,
        api_base=api_base,
        timeout=config["STRIPE_TIMEOUT_SECONDS"],
        max_retries=config["STRIPE_MAX_RETRIES"],
    )


def gateway() -> StripeGateway:
    """The current app's Stripe gateway."""
    found: StripeGateway = current_app.extensions["stripe_gateway"]
    return found
