"""Template filters and globals: money, images, canonical URLs, JSON-LD."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, current_app, request
from markupsafe import Markup

from shop.catalog.models import ProductImage
from shop.catalog.services import price_from, stock_state
from shop.markup import render_markdown
from shop.media.storage import image_srcset, image_url
from shop.money import format_money
from shop.web.seo import breadcrumbs


def money(amount: int, currency: str | None = None) -> str:
    """Format minor units with the shop's locale."""
    return format_money(
        amount, currency or current_app.config["CURRENCY"], current_app.config["LOCALE"]
    )


def canonical_url(path: str | None = None) -> str:
    """Absolute URL of the current page without its query string."""
    site: str = current_app.config["SITE_URL"]
    return site + (path if path is not None else request.path)


def image_attrs(image: ProductImage, sizes: str, *, eager: bool = False) -> Markup:
    """src, srcset, sizes, width, height and loading attributes for an <img>."""
    widths = sorted(image.widths)
    fallback = next((w for w in widths if w >= 800), widths[-1])
    height = round(fallback * image.height / image.width)
    attrs = {
        "src": image_url(image.stem, fallback),
        "srcset": image_srcset(image.stem, widths),
        "sizes": sizes,
        "width": str(fallback),
        "height": str(height),
        "alt": image.alt,
        "loading": "eager" if eager else "lazy",
        "decoding": "async",
    }
    if eager:
        attrs["fetchpriority"] = "high"
    # Every value is escaped before it is joined.
    return Markup(" ".join(f'{k}="{Markup.escape(v)}"' for k, v in attrs.items()))  # noqa: S704


def json_ld(data: dict[str, Any] | list[dict[str, Any]]) -> Markup:
    """A JSON-LD script body, safe to embed in HTML (no closing tags can sneak in)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(safe)  # noqa: S704 - markup characters are escaped as JSON unicode escapes


def init_app(app: Flask) -> None:
    """Register filters and globals."""
    app.add_template_filter(money, "money")
    app.add_template_filter(json_ld, "json_ld")
    app.add_template_global(canonical_url)
    app.add_template_global(image_attrs)
    app.add_template_global(price_from)
    app.add_template_global(stock_state)
    app.add_template_global(render_markdown)
    app.add_template_global(breadcrumbs, "breadcrumb_ld")

    @app.context_processor
    def site_context() -> dict[str, Any]:
        return {
            "shop_name": app.config["SHOP_NAME"],
            "shop_address": app.config["SHOP_ADDRESS"],
            "payments_notice": app.config.get("PAYMENTS_NOTICE", ""),
        }
