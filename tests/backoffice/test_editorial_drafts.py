"""Drafts: shoppers keep the published version until a marketer publishes the changes."""

from __future__ import annotations

import re

import pytest

from shop.accounts.models import Role
from tests.backoffice.conftest import article_data, page_form

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "<iframe src='https://evil.example'></iframe>",
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="javascript:alert(1)" onclick="alert(2)">x</a>',
]


@pytest.fixture
def marketer(login_as):
    return login_as(Role.MARKETER)


@pytest.fixture
def live_article(make_article):
    return make_article(slug="live-article", title="Live title", body="Original words here.\n")


def save_draft(client, article, **values):
    path = f"/admin/articles/{article.id}"
    form = page_form(client, path)
    data = article_data(slug=article.slug, title=article.title, **values)
    return client.post(path, data={**form, **data})


def test_a_draft_of_a_published_article_waits_for_publishing(client, marketer, live_article):
    assert save_draft(marketer, live_article, body_md="Brand new words.\n").status_code == 303

    public = client.get("/learn/live-article").get_data(as_text=True)
    assert "Original words here." in public and "Brand new words." not in public

    preview = marketer.get("/learn/live-article?preview=draft")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Brand new words." in html and "Original words here." not in html
    assert "Preview of unpublished changes" in html
    assert '<meta name="robots" content="noindex' in html
    assert "no-store" in preview.headers["Cache-Control"]


def test_shoppers_asking_for_a_preview_get_the_published_page(client, marketer, live_article):
    save_draft(marketer, live_article, body_md="Secret draft words.\n")
    html = client.get("/learn/live-article?preview=draft").get_data(as_text=True)
    assert "Secret draft words." not in html and "Preview of unpublished" not in html
    assert client.get("/learn/live-article?preview=anything").status_code == 400


def test_an_unpublished_article_cannot_be_previewed_by_shoppers(client, marketer, make_article):
    from shop.catalog.models import PublishStatus

    make_article(slug="hidden-draft", status=PublishStatus.DRAFT, body="Hidden body.\n")
    assert client.get("/learn/hidden-draft?preview=draft").status_code == 404
    assert "Hidden body." in marketer.get("/learn/hidden-draft?preview=draft").get_data(
        as_text=True
    )


def test_operators_are_not_shown_previews(client, login_as, marketer, live_article):
    save_draft(marketer, live_article, body_md="Draft for marketers.\n")
    operator = login_as(Role.OPERATOR)
    html = operator.get("/learn/live-article?preview=draft").get_data(as_text=True)
    assert "Draft for marketers." not in html


def test_publishing_shows_the_new_text_immediately(client, marketer, live_article):
    save_draft(marketer, live_article, body_md="Published words now.\n")
    form = page_form(marketer, f"/admin/articles/{live_article.id}")
    response = marketer.post(f"/admin/articles/{live_article.id}/publish", data=form)
    assert response.status_code == 303
    html = client.get("/learn/live-article").get_data(as_text=True)
    assert "Published words now." in html and "Original words here." not in html


def test_discarding_a_draft_keeps_the_live_text(client, marketer, live_article):
    save_draft(marketer, live_article, body_md="Throwaway.\n")
    form = page_form(marketer, f"/admin/articles/{live_article.id}")
    marketer.post(f"/admin/articles/{live_article.id}/discard", data=form)
    edit = marketer.get(f"/admin/articles/{live_article.id}").get_data(as_text=True)
    assert "Throwaway." not in edit and "Original words here." in edit
    assert "Original words here." in client.get("/learn/live-article").get_data(as_text=True)


@pytest.mark.parametrize("payload", XSS)
def test_unsafe_markdown_never_reaches_the_storefront_or_the_preview(
    client, marketer, live_article, payload
):
    save_draft(marketer, live_article, body_md=f"Before.\n\n{payload}\n\nAfter.\n")
    preview = marketer.get("/learn/live-article?preview=draft").get_data(as_text=True)
    form = page_form(marketer, f"/admin/articles/{live_article.id}")
    marketer.post(f"/admin/articles/{live_article.id}/publish", data=form)
    public = client.get("/learn/live-article").get_data(as_text=True)
    for html in (preview, public):
        assert "After." in html
        body = html.split('class="prose"', 1)[1].lower()
        # Escaped text is harmless; live tags, handlers and script URLs are not.
        for bad in (
            r"<script",
            r"<iframe",
            r"<img",
            r"<[^>]*\son\w+\s*=",
            r"(href|src)=[\"']?(javascript|data):",
        ):
            assert not re.search(bad, body), (payload, bad)


def test_a_product_draft_shows_only_in_the_preview_until_published(client, marketer, make_product):
    product = make_product(slug="pro", name="Pro", tagline="Old tagline")
    path = f"/admin/products/{product.id}"
    form = page_form(marketer, path)
    data = {**form, "name": "Pro", "tagline": "New tagline", "action": "save"}
    assert marketer.post(path, data=data).status_code == 303

    assert "Old tagline" in client.get("/shop/pro").get_data(as_text=True)
    preview = marketer.get("/shop/pro?preview=draft").get_data(as_text=True)
    assert "New tagline" in preview and "Preview of unpublished changes" in preview
    assert "New tagline" not in client.get("/shop/pro?preview=draft").get_data(as_text=True)

    form = page_form(marketer, path)
    assert marketer.post(f"{path}/publish", data=form).status_code == 303
    assert "New tagline" in client.get("/shop/pro").get_data(as_text=True)


def test_page_drafts_and_previews(client, marketer, make_page):
    page = make_page("shipping", body="Ships in two days.")
    path = f"/admin/pages/{page.id}"
    form = page_form(marketer, path)
    data = {**form, "title": "Shipping", "slug": "shipping", "body_md": "Ships tomorrow."}
    assert marketer.post(path, data={**data, "action": "save"}).status_code == 303
    assert "Ships in two days." in client.get("/pages/shipping").get_data(as_text=True)
    assert "Ships tomorrow." in marketer.get("/pages/shipping?preview=draft").get_data(as_text=True)
