"""A shopper reads articles in the /learn hub and follows them to the product."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from shop.catalog.models import PublishStatus, Variant
from shop.db import utcnow
from tests.storefront.test_home_and_catalog import json_ld

GUIDE = "/learn/massage-for-upper-and-mid-back-pain"


def test_hub_leads_with_the_guide_and_lists_every_article(client, seeded):
    html = client.get("/learn").get_data(as_text=True)
    assert "Start here" in html
    assert html.index(GUIDE) < html.index("/learn/desk-posture-and-your-upper-back")
    assert len(set(re.findall(r'href="(/learn/[a-z0-9-]+)"', html))) == 5


def test_article_has_contents_reading_time_and_disclaimer(client, seeded):
    html = client.get(GUIDE).get_data(as_text=True)
    assert "In this article" in html
    anchors = re.findall(r'<li><a href="#([a-z0-9-]+)">', html)
    assert len(anchors) >= 6
    for anchor in anchors:
        assert f'<h2 id="{anchor}">' in html
    assert re.search(r"\d+ min read", html)
    assert "Educational content, not medical advice." in html


def test_shop_this_block_shows_live_price_and_stock(client, seeded):
    sand = seeded.query(Variant).filter_by(sku="BMX-PRO-GRF").one()
    sand.price_amount = 9900
    seeded.commit()
    html = client.get(GUIDE).get_data(as_text=True)
    block = re.search(r'aria-label="Shop this: Balmorex Pro">(.*?)See options', html, re.S)
    assert block, "the guide shows a shop-this block for the Balmorex Pro"
    assert "from $99.00" in block.group(0)
    assert "In stock" in block.group(0)
    assert 'href="/shop/balmorex-pro?from=massage-for-upper-and-mid-back-pain"' in block.group(0)


def test_shop_this_block_for_an_unpublished_product_is_left_out(client, make_product, make_article):
    make_product(slug="hidden", name="Hidden Gadget", status=PublishStatus.DRAFT)
    make_article(slug="mentions", body="Text.\n\n[[shop hidden]]\n\nMore.\n")
    html = client.get("/learn/mentions").get_data(as_text=True)
    assert "Hidden Gadget" not in html
    assert "[[shop" not in html


def test_article_structured_data(client, seeded):
    data = json_ld(client.get(GUIDE).get_data(as_text=True))
    article = next(d for d in data if d["@type"] == "Article")
    assert article["headline"].startswith("Massage for upper and mid-back pain")
    assert article["mainEntityOfPage"] == "http://shop.test" + GUIDE
    assert any(d["@type"] == "BreadcrumbList" for d in data)


@pytest.mark.parametrize(
    "setup",
    [
        {"status": PublishStatus.DRAFT},
        {"published_at": utcnow() + timedelta(days=2)},
        {"deleted_at": utcnow()},
    ],
    ids=["draft", "scheduled-for-later", "deleted"],
)
def test_articles_shoppers_should_not_see_are_404(client, make_article, setup):
    make_article(slug="not-yet", title="Not Yet Visible", **setup)
    assert client.get("/learn/not-yet").status_code == 404
    assert "Not Yet Visible" not in client.get("/learn").get_data(as_text=True)


@pytest.mark.parametrize("slug", ["shipping", "returns", "privacy", "terms"])
def test_policy_pages(client, seeded, slug):
    response = client.get(f"/pages/{slug}")
    assert response.status_code == 200
    assert "<h2" in response.get_data(as_text=True)


def test_unknown_page_is_404(client, seeded):
    assert client.get("/pages/careers").status_code == 404
