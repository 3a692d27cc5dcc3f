"""Loads the sample content under shop/seed/content into the database, once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from PIL import Image
from sqlalchemy.orm import Session

from shop.catalog.models import Product, ProductImage, PublishStatus, Variant
from shop.content.models import Article, Page
from shop.media.placeholders import render_placeholder, save_webp_set
from shop.media.storage import IMAGE_WIDTHS

CONTENT_DIR = Path(__file__).parent / "content"
GUIDE_SLUG = "massage-for-upper-and-mid-back-pain"


@dataclass(frozen=True)
class MarkdownDocument:
    """A Markdown file with `key: value` header lines above a `---` line."""

    meta: dict[str, str]
    body: str


def parse_document(text: str) -> MarkdownDocument:
    """Split a content file into its header fields and Markdown body."""
    header, sep, body = text.partition("\n---\n")
    if not sep:
        raise ValueError("content file has no '---' line after its header")
    meta: dict[str, str] = {}
    for line in header.splitlines():
        if line.strip():
            key, colon, value = line.partition(":")
            if not colon:
                raise ValueError(f"header line without a colon: {line!r}")
            meta[key.strip()] = value.strip()
    return MarkdownDocument(meta, body.strip() + "\n")


def _published_on(day: str) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), time(9, 0), tzinfo=UTC)


def _load_products(session: Session, currency: str, media_dir: Path) -> dict[str, Product]:
    data: list[dict[str, Any]] = json.loads((CONTENT_DIR / "products.json").read_text("utf-8"))
    products: dict[str, Product] = {}
    for item in data:
        product = Product(
            slug=item["slug"],
            name=item["name"],
            tagline=item["tagline"],
            description_md=item["description"],
            highlights=item.get("highlights", []),
            faq=item.get("faq", []),
            seo_title=item.get("seo_title", ""),
            seo_description=item.get("seo_description", ""),
            featured=bool(item.get("featured")),
            position=int(item.get("position", 100)),
            status=PublishStatus.PUBLISHED,
        )
        for position, v in enumerate(item["variants"]):
            product.variants.append(
                Variant(
                    sku=v["sku"],
                    name=v["name"],
                    price_amount=int(v["price"]),
                    currency=currency,
                    stock_on_hand=int(v["stock"]),
                    position=position,
                )
            )
        for position, image in enumerate(item.get("images", [])):
            product.images.append(
                _placeholder_image(media_dir, f"{item['slug']}-{position + 1}", image, position)
            )
        session.add(product)
        products[product.slug] = product
    return products


def _placeholder_image(
    media_dir: Path, stem: str, spec: dict[str, str], position: int
) -> ProductImage:
    """Draw a placeholder once at the largest width; smaller renditions are downscaled.

    Files already on disk are kept, so seeding a fresh database is quick.
    """
    motif, palette = spec["motif"], spec["palette"]
    widths = list(IMAGE_WIDTHS)
    if not all((media_dir / f"{stem}-{w}.webp").exists() for w in widths):
        largest = render_placeholder(motif, palette, widths[-1], widths[-1], seed=stem)
        save_webp_set(
            lambda w, h: largest.resize((w, h), Image.Resampling.LANCZOS),
            media_dir,
            stem,
            widths,
            aspect=1.0,
        )
    return ProductImage(
        stem=stem,
        alt=spec["alt"],
        position=position,
        width=widths[-1],
        height=widths[-1],
        widths=widths,
    )


def _load_articles(session: Session, products: dict[str, Product]) -> None:
    for path in sorted((CONTENT_DIR / "articles").glob("*.md")):
        doc = parse_document(path.read_text("utf-8"))
        related = [s.strip() for s in doc.meta.get("related_products", "").split(",") if s.strip()]
        session.add(
            Article(
                slug=path.stem,
                title=doc.meta["title"],
                summary=doc.meta.get("summary", ""),
                body_md=doc.body,
                seo_title=doc.meta.get("seo_title", ""),
                seo_description=doc.meta.get("seo_description", ""),
                status=PublishStatus.PUBLISHED,
                featured=path.stem == GUIDE_SLUG,
                published_at=_published_on(doc.meta["published"]),
                products=[products[s] for s in related if s in products],
            )
        )


def _load_pages(session: Session) -> None:
    for path in sorted((CONTENT_DIR / "pages").glob("*.md")):
        doc = parse_document(path.read_text("utf-8"))
        session.add(
            Page(
                slug=path.stem,
                title=doc.meta["title"],
                seo_description=doc.meta.get("seo_description", ""),
                body_md=doc.body,
                status=PublishStatus.PUBLISHED,
            )
        )


def _link_product_articles(session: Session, products: dict[str, Product]) -> None:
    """Add the product side's "related articles" to the article-product links."""
    data: list[dict[str, Any]] = json.loads((CONTENT_DIR / "products.json").read_text("utf-8"))
    articles = {a.slug: a for a in session.scalars(sa.select(Article))}
    for item in data:
        product = products[item["slug"]]
        for slug in item.get("related_articles", []):
            article = articles.get(slug)
            if article is not None and product not in article.products:
                article.products.append(product)


def shop_is_empty(session: Session) -> bool:
    """True when no product, article or page exists yet."""
    return all(
        session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
        for model in (Product, Article, Page)
    )


def seed_sample_content(session: Session, currency: str, media_dir: Path) -> bool:
    """Load the sample shop if the database is empty; returns whether anything was added."""
    if not shop_is_empty(session):
        return False
    products = _load_products(session, currency, media_dir)
    session.flush()
    _load_articles(session, products)
    _load_pages(session)
    session.flush()
    _link_product_articles(session, products)
    session.flush()
    return True
