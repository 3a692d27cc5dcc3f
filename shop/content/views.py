"""Storefront content: the /learn hub, articles and static pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from shop.catalog.models import PublishStatus
from shop.catalog.services import published_products_by_slug
from shop.content.services import (
    get_published_article,
    get_published_page,
    list_published_articles,
)
from shop.db import get_session
from shop.editorial.preview import (
    PreviewError,
    preview_article,
    preview_page,
    preview_requested,
)
from shop.markup import render_markdown
from shop.web.seo import article_data

bp = Blueprint("content", __name__)


@bp.get("/learn")
def hub() -> str:
    """Every live article, the featured guide first."""
    articles = list_published_articles(get_session())
    trail = [("Home", url_for("web.home")), ("Learn", url_for("content.hub"))]
    return render_template("content/hub.html", articles=articles, trail=trail)


#: Staff previews are never cached or indexed.
PREVIEW_HEADERS = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


def _wants_preview() -> bool:
    try:
        return preview_requested(request.args.get("preview"), current_user)
    except PreviewError:
        abort(400, description="Unknown preview; the only one is preview=draft.")


@bp.get("/learn/<slug:slug>")
def article(slug: str) -> ResponseReturnValue:
    """One article with contents, reading time, disclaimer and "shop this" blocks.

    Signed-in editors asking for ?preview=draft see the unpublished changes instead.
    """
    session = get_session()
    preview = _wants_preview()
    item = preview_article(session, slug) if preview else get_published_article(session, slug)
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
    html = render_template(
        "backoffice/articles/preview.html" if preview else "content/article.html",
        article=item,
        body=body,
        inline_products=inline,
        related=related,
        trail=trail,
        # "Shop this" blocks carry the article to the cart, for the dashboard's attribution.
        attribution_slug=None if preview else item.slug,
        structured=[] if preview else [article_data(item, path, None)],
    )
    return (html, 200, PREVIEW_HEADERS) if preview else html


@bp.get("/pages/<slug:slug>")
def page(slug: str) -> ResponseReturnValue:
    """A static page: shipping, returns, privacy, terms (editors may preview the draft)."""
    session = get_session()
    preview = _wants_preview()
    item = preview_page(session, slug) if preview else get_published_page(session, slug)
    if item is None:
        abort(404)
    trail = [("Home", url_for("web.home")), (item.title, url_for("content.page", slug=item.slug))]
    html = render_template(
        "backoffice/pages/preview.html" if preview else "content/page.html",
        page=item,
        body=render_markdown(item.body_md),
        trail=trail,
    )
    return (html, 200, PREVIEW_HEADERS) if preview else html
