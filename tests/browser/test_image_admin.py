"""The product pictures page in Chromium: accessible (axe), fits a phone, shows refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from shop.accounts.models import Role
from shop.accounts.services import create_staff
from shop.catalog.models import Product
from shop.db import get_session
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
#: Set to a folder to keep screenshots of the page.
SHOTS = os.environ.get("SHOP_SCREENSHOT_DIR", "")

axe = Axe()


@pytest.fixture(scope="module")
def marketer(live_shop):
    """A marketer account on the live shop; returns its email."""
    with live_shop.app.app_context():
        session = get_session()
        user = create_staff(session, "pictures@balmorex.example", PASSWORD, Role.MARKETER)
        session.commit()
        return user.email


@pytest.fixture(scope="module")
def images_path(live_shop):
    """The pictures page of the hero product."""
    with live_shop.app.app_context():
        product_id = get_session().scalar(
            sa.select(Product.id).where(Product.slug == "balmorex-pro")
        )
    return f"/admin/products/{product_id}/images"


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


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_pictures_page_is_accessible_and_fits(
    page_factory, live_shop, marketer, images_path, viewport
):
    page = page_factory(viewport)
    sign_in(page, live_shop, marketer)
    response = page.goto(live_shop.url + images_path)
    assert response.status == 200
    assert page.locator(".image-item").count() >= 1
    assert page.locator(".image-thumb").first.evaluate("img => img.naturalWidth") > 0
    assert violations_of(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"images-{viewport['width']}")


def test_a_refused_upload_explains_itself(page_factory, live_shop, marketer, images_path, tmp_path):
    notes = tmp_path / "notes.png"
    notes.write_text("not a picture at all")
    page = page_factory(DESKTOP)
    sign_in(page, live_shop, marketer)
    page.goto(live_shop.url + images_path)
    page.set_input_files("#image-file", str(notes))
    page.fill("#image-alt", "Notes")
    with page.expect_navigation():
        page.click("text=Upload picture")
    assert "isn't a picture we can read" in page.inner_text("#upload-error")
    assert page.input_value("#image-alt") == "Notes"
    assert violations_of(page) == []
    assert page_factory.outside_requests == []
    shot(page, "images-refused-1366")
