"""Storefront catalog: the product list and product pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from shop.catalog.services import (
    buyable_variants,
    default_variant,
    get_published_product,
    list_published_products,
    stock_state,
)
from shop.content.services import articles_for_product
from shop.db import get_session
from shop.editorial.preview import PreviewError, preview_product, preview_requested
from shop.insights.attribution import article_slug_or_none
from shop.web.seo import product_data

bp = Blueprint("catalog", __name__, url_prefix="/shop")


@bp.get("")
def index() -> str:
    """All published products, featured first."""
    products = list_published_products(get_session())
    trail = [("Home", url_for("web.home")), ("Shop", url_for("catalog.index"))]
    return render_template("catalog/index.html", products=products, trail=trail)


@bp.get("/<slug:slug>")
def product(slug: str) -> ResponseReturnValue:
    """One product: gallery, variants with live price and stock, copy, FAQ, articles."""
    session = get_session()
    try:
        preview = preview_requested(request.args.get("preview"), current_user)
    except PreviewError:
        abort(400, description="Unknown preview; the only one is preview=draft.")
    if preview:
        return _preview(slug)
    item = get_published_product(session, slug)
    if item is None:
        abort(404)
    variants = buyable_variants(item)
    selected = default_variant(item)
    sku = request.args.get("variant")
    if sku is not None:
        selected = next((v for v in variants if v.sku == sku), None)
        if selected is None:
            abort(400, description=f"{item.name} has no option with the code “{sku[:40]}”.")
    path = url_for("catalog.product", slug=item.slug)
    trail = [("Home", url_for("web.home")), ("Shop", url_for("catalog.index")), (item.name, path)]
    return render_template(
        "catalog/product.html",
        product=item,
        variants=variants,
        selected=selected,
        states={v.id: stock_state(v) for v in variants},
        articles=articles_for_product(session, item.id),
        # Came from an article's "shop this" block: the add-to-cart form passes it on.
        from_article=article_slug_or_none(request.args.get("from")),
        trail=trail,
        structured=[product_data(item, path)],
    )


def _preview(slug: str) -> ResponseReturnValue:
    # Staff only: the product with its unpublished changes, never cached or indexed.
    found = preview_product(get_session(), slug)
    if found is None:
        abort(404)
    item, articles = found
    variants = buyable_variants(item)
    path = url_for("catalog.product", slug=item.slug)
    trail = [("Home", url_for("web.home")), ("Shop", url_for("catalog.index")), (item.name, path)]
    html = render_template(
        "backoffice/products/preview.html",
        product=item,
        variants=variants,
        selected=default_variant(item),
        states={v.id: stock_state(v) for v in variants},
        articles=articles,
        trail=trail,
    )
    return html, 200, {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}
