"""What staff publish is on shoppers' next page; staff never get pages from the cache."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.accounts.models import Role
from shop.catalog.models import Product
from shop.editorial.publishing import save_edits
from shop.editorial.snapshots import working_copy
from tests.backoffice.conftest import article_data, form_token, page_form

PRODUCT = "/shop/balmorex-pro"


@pytest.fixture
def app_overrides(tmp_path):
    return {"PAGE_CACHE": True, "PAGE_CACHE_STAMP": tmp_path / "storefront.stamp"}


@pytest.fixture
def marketer(login_as):
    return login_as(Role.MARKETER)


def visit(app, path):
    """A first-time visitor opens `path`."""
    return app.test_client().get(path)


def cached_twice(app, path) -> str:
    """Render `path` for one visitor and check the next one gets it from memory."""
    html = visit(app, path).get_data(as_text=True)
    assert visit(app, path).headers["X-Cache"] == "hit"
    return html


def test_a_published_tagline_shows_on_the_next_visit(app, seeded, make_staff):
    old = "A handheld back massager that reaches between your shoulder blades."
    assert old in cached_twice(app, PRODUCT)
    assert old in cached_twice(app, "/")

    pro = seeded.scalar(sa.select(Product).where(Product.slug == "balmorex-pro"))
    values = {**working_copy(seeded, pro), "tagline": "Reaches the knot you can't."}
    save_edits(seeded, pro, values, pro.version, make_staff(Role.MARKETER), publish_now=True)
    seeded.commit()

    for path in (PRODUCT, "/"):
        html = visit(app, path).get_data(as_text=True)
        assert "Reaches the knot you can&#39;t." in html and old not in html


def test_publishing_in_the_backoffice_shows_on_the_next_visit(app, marketer, make_product):
    product = make_product(slug="pro", name="Pro", tagline="Old tagline")
    assert "Old tagline" in cached_twice(app, "/shop/pro")

    path = f"/admin/products/{product.id}"
    data = {**page_form(marketer, path), "name": "Pro", "tagline": "New tagline"}
    assert marketer.post(path, data={**data, "action": "save"}).status_code == 303
    assert "Old tagline" in visit(app, "/shop/pro").get_data(as_text=True)  # a draft, still

    assert marketer.post(f"{path}/publish", data=page_form(marketer, path)).status_code == 303
    assert "New tagline" in visit(app, "/shop/pro").get_data(as_text=True)


def test_unpublishing_takes_the_page_down_at_once(app, marketer, make_product):
    product = make_product(slug="pro", name="Pro")
    cached_twice(app, "/shop/pro")
    assert "/shop/pro" in cached_twice(app, "/shop")

    path = f"/admin/products/{product.id}"
    assert marketer.post(f"{path}/unpublish", data=page_form(marketer, path)).status_code == 303

    assert visit(app, "/shop/pro").status_code == 404
    assert "/shop/pro" not in visit(app, "/shop").get_data(as_text=True)


def test_a_published_article_shows_on_the_hub_and_its_page(app, marketer, make_article):
    article = make_article(slug="live-article", title="Live title", body="Original words.\n")
    assert "Live title" in cached_twice(app, "/learn")
    assert "Original words." in cached_twice(app, "/learn/live-article")

    path = f"/admin/articles/{article.id}"
    data = article_data(slug="live-article", title="Better title", body_md="New words.\n")
    assert marketer.post(path, data={**page_form(marketer, path), **data}).status_code == 303
    assert marketer.post(f"{path}/publish", data=page_form(marketer, path)).status_code == 303

    assert "Better title" in visit(app, "/learn").get_data(as_text=True)
    assert "New words." in visit(app, "/learn/live-article").get_data(as_text=True)


def test_a_new_picture_description_shows_on_the_next_visit(app, marketer, make_product):
    product = make_product(slug="pro", name="Pro", images=1)
    image = product.images[0]
    assert f'alt="{image.alt}"' in cached_twice(app, "/shop/pro")

    path = f"/admin/products/{product.id}/images"
    data = {"alt": "The Pro on a desk", "csrf_token": form_token(marketer, path)}
    assert marketer.post(f"{path}/{image.id}/alt", data=data).status_code == 303

    assert 'alt="The Pro on a desk"' in visit(app, "/shop/pro").get_data(as_text=True)


def test_staff_are_never_served_from_memory_nor_stored(app, seeded, marketer, count_queries):
    before = len(count_queries())
    for _ in range(2):
        page = marketer.get(PRODUCT)
        assert page.status_code == 200 and "X-Cache" not in page.headers
    assert len(count_queries()) > before

    # The page a signed-in marketer saw was not kept for shoppers.
    assert visit(app, PRODUCT).headers["X-Cache"] == "miss"
    # Nor do they get the shoppers' page after it is kept.
    assert "X-Cache" not in marketer.get(PRODUCT).headers


def test_previews_are_never_cached(app, marketer, make_product):
    product = make_product(slug="pro", name="Pro", tagline="Live tagline")
    cached_twice(app, "/shop/pro")
    path = f"/admin/products/{product.id}"
    data = {**page_form(marketer, path), "name": "Pro", "tagline": "Draft tagline"}
    marketer.post(path, data={**data, "action": "save"})

    for _ in range(2):
        preview = marketer.get("/shop/pro?preview=draft")
        assert "Draft tagline" in preview.get_data(as_text=True)
        assert "X-Cache" not in preview.headers
    shopper = visit(app, "/shop/pro?preview=draft")
    assert "X-Cache" not in shopper.headers
    assert "Draft tagline" not in shopper.get_data(as_text=True)
