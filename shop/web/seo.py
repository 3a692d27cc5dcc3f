"""Structured data (schema.org JSON-LD) for products, articles and breadcrumbs."""

from __future__ import annotations

from typing import Any

from flask import current_app

from shop.catalog.models import Product
from shop.catalog.services import buyable_variants
from shop.content.models import Article
from shop.media.storage import image_url
from shop.money import to_decimal


def absolute(path: str) -> str:
    """An absolute URL on this site."""
    site: str = current_app.config["SITE_URL"]
    return site + path


def breadcrumbs(trail: list[tuple[str, str]]) -> dict[str, Any]:
    """BreadcrumbList for (name, path) pairs, home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": absolute(path)}
            for i, (name, path) in enumerate(trail, start=1)
        ],
    }


def product_data(product: Product, path: str) -> dict[str, Any]:
    """Product with one Offer per active variant, prices from the database."""
    offers = [
        {
            "@type": "Offer",
            "sku": v.sku,
            "name": f"{product.name} ({v.name})",
            "price": str(to_decimal(v.price_amount, v.currency)),
            "priceCurrency": v.currency,
            "availability": "https://schema.org/"
            + ("InStock" if v.available > 0 else "OutOfStock"),
            "url": absolute(f"{path}?variant={v.sku}"),
        }
        for v in buyable_variants(product)
    ]
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.seo_description or product.tagline,
        "url": absolute(path),
        "brand": {"@type": "Brand", "name": current_app.config["SHOP_NAME"]},
        "image": [absolute(image_url(i.stem, max(i.widths))) for i in product.images],
        "sku": offers[0]["sku"] if offers else None,
        "offers": offers,
    }


def article_data(article: Article, path: str, image: str | None) -> dict[str, Any]:
    """Article with headline, dates and publisher."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "description": article.seo_description or article.summary,
        "mainEntityOfPage": absolute(path),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
        "author": {"@type": "Organization", "name": current_app.config["SHOP_NAME"]},
        "publisher": {"@type": "Organization", "name": current_app.config["SHOP_NAME"]},
    }
    if image:
        data["image"] = absolute(image)
    return data


def organization_data() -> dict[str, Any]:
    """The shop as an Organization with its website, for the home page."""
    return {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": current_app.config["SHOP_NAME"],
        "url": absolute("/"),
        "address": current_app.config["SHOP_ADDRESS"],
    }
