"""Storefront content: the /learn hub, articles and static pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for

from shop.catalog.models import PublishStatus
from shop.catalog.services import published_products_by_slug
from shop.content.services import (
    get_published_article,
    get_published_page,
    list_published_articles,
)
from shop.db import get_session
from shop.markup import render_markdown
from shop.web.seo import article_data

bp = Blueprint("content", __name__)


@bp.get("/learn")
def hub() -> str:
    """Every live article, the featured guide first."""
    articles = list_published_articles(get_session())
    trail = [("Home", url_for("web.home")), ("Learn", url_for("content.hub"))]
    return render_template("content/hub.html", articles=articles, trail=trail)


@bp.get("/learn/<slug:slug>")
def article(slug: str) -> str:
    """One article with contents, reading time, disclaimer and "shop this" blocks."""
    session = get_session()
    item = get_published_article(session, slug)
    if item is None:
        abort(404)
    body = render_markdown(item.body_md)
    # Products named inside the body and those linked to the article, in one query.
    inline = published_products_by_slug(session, body.product_slugs)
    # Linked products not already shown inside the body get their own cards at the end.
    related = [
        p for p in item.products if p.status == PublishStatus.PUBLISHED and p.slug not in inline
    ]
    path = url_for("content.article", slug=item.slug)
    trail = [("Home", url_for("web.home")), ("Learn", url_for("content.hub")), (item.title, path)]
    return render_template(
        "content/article.html",
        article=item,
        body=body,
        inline_products=inline,
        related=related,
        trail=trail,
        structured=[article_data(item, path, None)],
    )


@bp.get("/pages/<slug:slug>")
def page(slug: str) -> str:
    """A static page: shipping, returns, privacy, terms."""
    item = get_published_page(get_session(), slug)
    if item is None:
        abort(404)
    trail = [("Home", url_for("web.home")), (item.title, url_for("content.page", slug=item.slug))]
    return render_template(
        "content/page.html", page=item, body=render_markdown(item.body_md), trail=trail
    )
