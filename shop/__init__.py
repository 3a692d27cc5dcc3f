"""The Balmorex storefront: a Flask app built by `create_app`."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shop import db
from shop.config import Config, check_production_safety
from shop.extensions import csrf, limiter


def create_app(config: Config | dict[str, Any] | None = None) -> Flask:
    """Build the app from `config` (defaults to the environment)."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=False,
    )
    settings = config.as_dict() if isinstance(config, Config) else dict(config or {})
    if not isinstance(config, Config):
        settings = {**Config().as_dict(), **settings}
    app.config.update(settings)
    check_production_safety(app.config)

    from shop.web import errors, inputs, pagecache, security, sessions, templating

    inputs.init_app(app)
    sessions.init_app(app)
    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    _register_blueprints(app)
    _register_payments(app)
    _register_backoffice(app)
    _register_mail(app)

    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    # Last: it answers ahead of every other hook, and keeps pages before they add headers.
    pagecache.init_app(app)

    from shop import cli

    cli.init_app(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from shop.cart.views import bp as cart_bp
    from shop.catalog.views import bp as catalog_bp
    from shop.content.views import bp as content_bp
    from shop.media.views import bp as media_bp
    from shop.web.views import bp as web_bp

    for blueprint in (web_bp, catalog_bp, cart_bp, content_bp, media_bp):
        app.register_blueprint(blueprint)


def _register_payments(app: Flask) -> None:
    from shop.checkout import setup
    from shop.checkout.views import bp as checkout_bp
    from shop.checkout.views import webhooks
    from shop.orders.views import bp as orders_bp

    setup.init_app(app)
    for blueprint in (checkout_bp, webhooks, orders_bp):
        app.register_blueprint(blueprint)


def _register_backoffice(app: Flask) -> None:
    from shop.backoffice import access
    from shop.backoffice.routes import bp as backoffice_bp

    access.init_app(app)
    app.register_blueprint(backoffice_bp)


def _register_mail(app: Flask) -> None:
    from shop.mail import setup

    setup.init_app(app)
