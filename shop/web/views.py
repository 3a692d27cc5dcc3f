"""Home page, health check, robots.txt and sitemap.xml."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify, render_template, url_for

from shop.catalog.services import list_published_products
from shop.content.services import list_published_articles, list_published_pages
from shop.db import get_session
from shop.web.seo import organization_data

bp = Blueprint("web", __name__)


@bp.get("/")
def home() -> str:
    """The hero product, the benefits in short, and the latest articles."""
    session = get_session()
    products = list_published_products(session)
    articles = list_published_articles(session)
    hero = products[0] if products else None
    return render_template(
        "web/home.html",
        hero=hero,
        products=products[1:4],
        guide=articles[0] if articles else None,
        articles=articles[1:4],
        structured=[organization_data()],
    )


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Liveness and database check for load balancers."""
    try:
        get_session().execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.get("/robots.txt")
def robots() -> Response:
    """Let crawlers in, keep them out of carts, checkout and the backoffice."""
    site = current_app.config["SITE_URL"]
    lines = [
        "User-agent: *",
        "Disallow: /cart",
        "Disallow: /checkout",
        "Disallow: /orders/",
        "Disallow: /admin",
        f"Sitemap: {site}{url_for('web.sitemap')}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every public page with its last change."""
    session = get_session()
    entries: list[tuple[str, datetime | None]] = [
        (url_for("web.home"), None),
        (url_for("content.hub"), None),
        (url_for("catalog.index"), None),
    ]
    entries += [
        (url_for("content.article", slug=a.slug), a.updated_at)
        for a in list_published_articles(session)
    ]
    entries += [
        (url_for("catalog.product", slug=p.slug), p.updated_at)
        for p in list_published_products(session)
    ]
    entries += [
        (url_for("content.page", slug=p.slug), p.updated_at) for p in list_published_pages(session)
    ]
    xml = render_template("web/sitemap.xml", entries=entries, site=current_app.config["SITE_URL"])
    return Response(xml, mimetype="application/xml")
