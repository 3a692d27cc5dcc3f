"""A shopper lands on the home page and browses the catalog."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy.orm import Session

from shop.catalog.models import PublishStatus, Variant
from shop.catalog.services import LOW_STOCK_THRESHOLD, StockLevel, stock_state


def json_ld(html: str) -> list[dict]:
    """Every JSON-LD block of a page."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(b) for b in blocks]


def test_home_leads_with_the_hero_product_and_links_to_articles(client, seeded):
    html = client.get("/").get_data(as_text=True)
    assert "Balmorex Pro from $129.00" in html
    assert 'href="/shop/balmorex-pro"' in html
    assert "What massage can do for upper and mid-back pain" in html
    assert 'href="/learn/massage-for-upper-and-mid-back-pain"' in html
    assert html.count('href="/learn/') >= 4


def test_home_works_before_any_content_exists(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Bring massage home" in response.get_data(as_text=True)


def test_catalog_lists_featured_products_first(client, make_product):
    make_product(slug="plain-thing", name="Plain Thing", position=1)
    make_product(slug="star-thing", name="Star Thing", featured=True, position=9)
    make_product(slug="secret-thing", name="Secret Thing", status=PublishStatus.DRAFT)
    html = client.get("/shop").get_data(as_text=True)
    assert html.index("Star Thing") < html.index("Plain Thing")
    assert "Secret Thing" not in html


def test_product_page_shows_each_variant_with_sku_price_and_stock(client, seeded):
    html = client.get("/shop/balmorex-pro").get_data(as_text=True)
    for sku in ("BMX-PRO-GRF", "BMX-PRO-SND", "BMX-PRO-HEAT"):
        assert f"SKU {sku}" in html
    assert "$149.00" in html
    assert "Only 4 left" in html
    assert 'name="csrf_token"' in html
    assert 'action="/cart/items"' in html


def test_sold_out_variant_cannot_be_chosen(client, make_product):
    make_product(slug="heads", variants=[("Firm", 2400, 3), ("Soft", 2400, 0)])
    html = client.get("/shop/heads").get_data(as_text=True)
    soft = re.search(r'<input type="radio"[^>]*>\s*<span class="variant-name">Soft', html)
    assert soft and "disabled" in soft.group(0)
    assert "Sold out" in html
    assert "Only 3 left" in html


def test_fully_sold_out_product_disables_the_add_button(client, make_product):
    make_product(slug="gone", variants=[("Only", 1000, 0)])
    html = client.get("/shop/gone").get_data(as_text=True)
    assert re.search(r'<button class="button" type="submit" disabled>Add to cart', html)


def test_variant_in_the_query_string_is_preselected(client, seeded):
    html = client.get("/shop/balmorex-pro?variant=BMX-PRO-HEAT").get_data(as_text=True)
    checked = re.search(r'value="(\d+)" checked', html)
    heat = seeded.query(Variant).filter_by(sku="BMX-PRO-HEAT").one()
    assert checked and int(checked.group(1)) == heat.id
    assert '<span class="price price-large">$149.00</span>' in html


def test_unknown_variant_in_the_query_string_is_a_400_with_a_message(client, seeded):
    response = client.get("/shop/balmorex-pro?variant=NOPE")
    assert response.status_code == 400
    assert "has no option with the code" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/shop/no-such-thing", "/shop/draft-thing", "/shop/x%00y", "/shop/UPPER", "/shop/a..b"]
)
def test_unknown_and_unpublished_products_are_404(client, make_product, path):
    make_product(slug="draft-thing", status=PublishStatus.DRAFT)
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["variant=%00", "x%00=1", "variant=a%00b"])
def test_nul_characters_in_the_query_string_are_a_400(client, seeded, query):
    response = client.get(f"/shop/balmorex-pro?{query}")
    assert response.status_code == 400
    assert "null character" in response.get_data(as_text=True)


def test_product_structured_data_carries_live_prices(client, seeded):
    variant = seeded.query(Variant).filter_by(sku="BMX-PRO-GRF").one()
    variant.price_amount = 11900
    seeded.commit()
    data = json_ld(client.get("/shop/balmorex-pro").get_data(as_text=True))
    product = next(d for d in data if d["@type"] == "Product")
    prices = {o["sku"]: (o["price"], o["priceCurrency"]) for o in product["offers"]}
    assert prices["BMX-PRO-GRF"] == ("119.00", "USD")
    assert prices["BMX-PRO-HEAT"] == ("149.00", "USD")
    crumbs = next(d for d in data if d["@type"] == "BreadcrumbList")
    assert [i["name"] for i in crumbs["itemListElement"]] == ["Home", "Shop", "Balmorex Pro"]


def test_product_page_links_related_articles(client, seeded):
    html = client.get("/shop/balmorex-pro").get_data(as_text=True)
    assert "Related reading" in html
    assert 'href="/learn/desk-posture-and-your-upper-back"' in html


def test_product_images_have_srcset_dimensions_and_alt(client, seeded):
    html = client.get("/shop/balmorex-pro").get_data(as_text=True)
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 3
    for tag in images:
        assert re.search(r'srcset="/media/balmorex-pro-\d-480\.webp 480w, ', tag)
        assert 'width="800"' in tag and 'height="800"' in tag
        assert re.search(r'alt="[^"]{10,}"', tag)


def test_product_page_query_count_does_not_grow_with_the_catalog(
    client, make_product, make_article, count_queries
):
    small = make_product(slug="small", variants=[("A", 100, 1)], images=1)
    big = make_product(slug="big", variants=[(f"V{i}", 100, 1) for i in range(8)], images=5)
    for _ in range(5):
        make_article(products=[big])
    make_article(products=[small])
    before = len(count_queries())
    client.get("/shop/small")
    small_queries = len(count_queries()) - before
    client.get("/shop/big")
    big_queries = len(count_queries()) - before - small_queries
    assert big_queries == small_queries <= 5


@pytest.mark.parametrize(
    ("available", "level", "label"),
    [
        (0, StockLevel.SOLD_OUT, "Sold out"),
        (1, StockLevel.LOW, "Only 1 left"),
        (LOW_STOCK_THRESHOLD, StockLevel.LOW, f"Only {LOW_STOCK_THRESHOLD} left"),
        (LOW_STOCK_THRESHOLD + 1, StockLevel.IN_STOCK, "In stock"),
    ],
)
def test_stock_labels(available, level, label):
    variant = Variant(stock_on_hand=available + 2, stock_reserved=2)
    state = stock_state(variant)
    assert (state.level, state.label) == (level, label)


def test_reserved_units_are_not_offered(db: Session, make_product):
    product = make_product(variants=[("Only", 1000, 3)])
    product.variants[0].stock_reserved = 3
    db.commit()
    assert stock_state(product.variants[0]).level is StockLevel.SOLD_OUT
