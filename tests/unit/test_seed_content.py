"""The sample shop: loaded once, complete, and written in the project's own words."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from shop.catalog.models import Product, Variant
from shop.content.models import Article, Page
from shop.markup import render_markdown
from shop.seed.loader import CONTENT_DIR, parse_document, seed_sample_content

SOURCE_ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "brief" / "seed-article.txt"


def count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_seeding_twice_adds_nothing_the_second_time(app, seeded):
    counts = [count(seeded, m) for m in (Product, Variant, Article, Page)]
    assert counts[0] >= 3 and counts[2] >= 4 and counts[3] == 4
    assert not seed_sample_content(seeded, "USD", app.config["MEDIA_DIR"])
    assert [count(seeded, m) for m in (Product, Variant, Article, Page)] == counts


def test_the_hero_has_at_least_two_variants_with_their_own_sku_price_and_stock(seeded):
    pro = seeded.scalar(sa.select(Product).where(Product.slug == "balmorex-pro"))
    assert pro.featured
    assert len(pro.variants) >= 2
    assert len({v.sku for v in pro.variants}) == len(pro.variants)
    assert all(v.price_amount > 0 and v.currency == "USD" for v in pro.variants)


def test_every_article_links_to_the_product_and_shows_a_shop_block(seeded):
    for article in seeded.scalars(sa.select(Article)):
        body = render_markdown(article.body_md)
        assert body.product_slugs, article.slug
        assert "/shop/balmorex-pro" in article.body_md, article.slug
        assert len(body.headings) >= 2, article.slug


def test_product_copy_makes_no_medical_claims():
    text = (CONTENT_DIR / "products.json").read_text("utf-8").lower()
    for claim in ("cures", "heals", "treats ", "prevents", "cure ", "treatment for"):
        assert claim not in text


def test_articles_are_in_our_own_words():
    """No run of nine words is shared with the brief's source article."""
    if not SOURCE_ARTICLE.exists():
        return  # the brief lives beside the repository; nothing to compare against here

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z']+", text.lower())

    source = words(SOURCE_ARTICLE.read_text("utf-8"))
    runs = {" ".join(source[i : i + 9]) for i in range(len(source) - 8)}
    for path in CONTENT_DIR.rglob("*.*"):
        ours = words(path.read_text("utf-8"))
        shared = {" ".join(ours[i : i + 9]) for i in range(len(ours) - 8)} & runs
        assert not shared, f"{path.name}: {sorted(shared)[:2]}"


def test_content_files_parse():
    doc = parse_document("title: Hello: world\nsummary: s\n---\nBody\n")
    assert doc.meta == {"title": "Hello: world", "summary": "s"}
    assert doc.body == "Body\n"
