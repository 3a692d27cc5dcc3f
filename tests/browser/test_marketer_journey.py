"""A marketer edits, previews and publishes in Chromium; every editor page passes axe."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from shop.accounts.models import Role
from shop.accounts.services import create_staff
from shop.catalog.models import Product
from shop.content.models import Article, Page
from shop.db import get_session
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
#: Set to a folder to keep screenshots of the editor pages.
SHOTS = os.environ.get("SHOP_SCREENSHOT_DIR", "")
NEW_TAGLINE = "Reaches the knot between your shoulder blades, no help needed."

axe = Axe()


@pytest.fixture(scope="module")
def marketer(live_shop):
    """A marketer account on the live shop; returns its email."""
    with live_shop.app.app_context():
        session = get_session()
        user = create_staff(session, "editor@balmorex.example", PASSWORD, Role.MARKETER)
        session.commit()
        return user.email


@pytest.fixture(scope="module")
def ids(live_shop):
    """Ids of the hero product, the guide article and the shipping page."""
    with live_shop.app.app_context():
        session = get_session()
        return {
            "product": session.scalar(sa.select(Product.id).where(Product.slug == "balmorex-pro")),
            "article": session.scalar(
                sa.select(Article.id).where(Article.slug == "massage-for-upper-and-mid-back-pain")
            ),
            "page": session.scalar(sa.select(Page.id).where(Page.slug == "shipping")),
        }


def sign_in(page, live_shop, email):
    """Sign in through the login form."""
    page.goto(live_shop.url + "/admin/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin")


def shot(page, name):
    """Keep a full-page screenshot when SHOP_SCREENSHOT_DIR is set."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def violations_of(page):
    """Axe violations as readable lines."""
    found = axe.run(page).response["violations"]
    return [f"{v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:3]}" for v in found]


def test_marketer_changes_the_tagline_previews_and_publishes(
    page_factory, live_shop, marketer, ids
):
    page = page_factory(DESKTOP, javascript=False)  # the whole journey works without scripts
    sign_in(page, live_shop, marketer)
    page.click("nav[aria-label=Backoffice] >> text=Products")
    page.click("text=Balmorex Pro")
    page.fill("#tagline", NEW_TAGLINE)
    page.click("button:has-text('Save draft')")
    assert page.locator(".flash").first.inner_text() == "Saved."

    shopper = page_factory(DESKTOP, javascript=False)
    shopper.goto(live_shop.url + "/shop/balmorex-pro")
    assert NEW_TAGLINE not in shopper.content()

    page.click("text=Preview on the storefront")
    assert "Preview of unpublished changes" in page.locator(".notice").inner_text()
    assert page.locator("p.lead").first.inner_text() == NEW_TAGLINE

    page.click("text=Back to editing")
    page.click("button:has-text('Publish changes')")
    assert "Published" in page.locator(".flash").first.inner_text()

    shopper.goto(live_shop.url + "/shop/balmorex-pro")
    assert shopper.locator("p.lead").first.inner_text() == NEW_TAGLINE
    assert "Preview of unpublished" not in shopper.content()


def _make_history(page, live_shop, article_id):
    # Two saves give the article a history with something to compare.
    for summary in ("A calmer summary for the guide.", "A calmer, shorter summary."):
        page.goto(f"{live_shop.url}/admin/articles/{article_id}")
        page.fill("#summary", summary)
        page.click("button:has-text('Save draft')")
        page.wait_for_selector(".flash")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_editor_pages_are_accessible_and_fit_the_screen(
    page_factory, live_shop, marketer, ids, viewport
):
    page = page_factory(viewport)
    sign_in(page, live_shop, marketer)
    _make_history(page, live_shop, ids["article"])
    page.goto(f"{live_shop.url}/admin/articles/{ids['article']}/history")
    versions = page.locator("select#a option").all_inner_texts()
    newest, older = versions[0].split()[0], versions[1].split()[0]
    pages = {
        "products": "/admin/products",
        "product-edit": f"/admin/products/{ids['product']}",
        "articles": "/admin/articles",
        "article-edit": f"/admin/articles/{ids['article']}",
        "article-new": "/admin/articles/new",
        "article-history": f"/admin/articles/{ids['article']}/history",
        "article-compare": f"/admin/articles/{ids['article']}/compare?a={older}&b={newest}",
        "article-preview": "/learn/massage-for-upper-and-mid-back-pain?preview=draft",
        "pages": "/admin/pages",
        "page-edit": f"/admin/pages/{ids['page']}",
    }
    for name, path in pages.items():
        response = page.goto(live_shop.url + path)
        assert response.status == 200, path
        assert violations_of(page) == [], path
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{path} scrolls sideways at {viewport['width']}px"
        shot(page, f"{name}-{viewport['width']}")
    assert page_factory.outside_requests == []
