"""Site-wide promises: SEO files, canonical URLs, headers, errors and health."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from shop.catalog.models import Product, PublishStatus

PUBLIC_PAGES = [
    "/",
    "/learn",
    "/learn/massage-for-upper-and-mid-back-pain",
    "/learn/stress-and-muscle-tension",
    "/shop",
    "/shop/balmorex-pro",
    "/shop/balmorex-recovery-set",
    "/pages/shipping",
    "/pages/privacy",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_is_self_contained_and_described(client, seeded, path):
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<link rel="canonical" href="http://shop.test{path}">' in html
    for prop in ("og:title", "og:description", "og:url", "og:type"):
        assert f'property="{prop}"' in html
    assert 'type="application/ld+json"' in html
    # Nothing is loaded from another host: every src and stylesheet is a local path.
    for url in re.findall(r'(?:src|srcset)="([^"]+)"', html) + re.findall(
        r'<link rel="(?:stylesheet|icon)" href="([^"]+)"', html
    ):
        assert url.startswith("/"), url
    assert "<script src" not in html


def test_canonical_drops_the_query_string(client, seeded):
    html = client.get("/shop/balmorex-pro?variant=BMX-PRO-SND").get_data(as_text=True)
    assert '<link rel="canonical" href="http://shop.test/shop/balmorex-pro">' in html


def test_sitemap_lists_published_pages_only(client, seeded, make_product):
    make_product(slug="draft-gizmo", status=PublishStatus.DRAFT)
    response = client.get("/sitemap.xml")
    xml = response.get_data(as_text=True)
    assert response.mimetype == "application/xml"
    locs = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert "http://shop.test/shop/balmorex-pro" in locs
    assert "http://shop.test/learn/stress-and-muscle-tension" in locs
    assert "http://shop.test/pages/terms" in locs
    assert not any("draft-gizmo" in loc for loc in locs)
    assert len(locs) == 3 + 5 + 5 + 4


def test_robots_points_to_the_sitemap_and_keeps_out_of_checkout(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://shop.test/sitemap.xml" in text
    assert "Disallow: /checkout" in text


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_check_fails_when_the_database_is_down(app, client):
    app.extensions["db_sessionmaker"].configure(
        bind=sa.create_engine("sqlite:////nonexistent/x.db")
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


@pytest.mark.parametrize("path", ["/", "/shop/nope", "/healthz", "/robots.txt"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_an_unexpected_error_shows_a_plain_page_without_a_traceback(app, client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("shop.web.views.list_published_products", broken)
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "secret internal detail" not in html and "Traceback" not in html


def test_wrong_method_is_a_405_page(client):
    response = client.post("/learn")
    assert response.status_code in (400, 405)  # CSRF check or method: never a 500
    assert "<h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "name", ["..%2Fshop.db", "balmorex-pro-1-480.png", "x.webp", "..", "balmorex-pro-1-99999.webp"]
)
def test_media_only_serves_generated_webp_names(client, seeded, name):
    assert client.get(f"/media/{name}").status_code == 404


def test_media_is_served_as_cacheable_webp(client, seeded):
    product = seeded.scalar(sa.select(Product).where(Product.slug == "balmorex-pro"))
    response = client.get(f"/media/{product.images[0].stem}-480.webp")
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert response.data[:4] == b"RIFF" and response.data[8:12] == b"WEBP"
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
