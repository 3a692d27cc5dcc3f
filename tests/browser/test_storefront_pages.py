"""Every public page in Chromium: accessible (axe), local-only, usable without JavaScript."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/learn",
    "/learn/massage-for-upper-and-mid-back-pain",
    "/learn/desk-posture-and-your-upper-back",
    "/learn/stress-and-muscle-tension",
    "/learn/flexibility-and-range-of-motion",
    "/learn/deep-tissue-massage-and-recovery",
    "/shop",
    "/shop/balmorex-pro",
    "/shop/balmorex-heat-wrap",
    "/shop/balmorex-massage-heads",
    "/shop/balmorex-travel-case",
    "/shop/balmorex-recovery-set",
    "/pages/shipping",
    "/pages/returns",
    "/pages/privacy",
    "/pages/terms",
    "/no-such-page",
]

axe = Axe()


def describe(violations: list[dict]) -> str:
    """Readable summary of axe violations for an assertion message."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_public_pages_have_no_accessibility_violations(page_factory, live_shop, viewport):
    page = page_factory(viewport)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path in PUBLIC_PAGES:
        response = page.goto(live_shop.url + path)
        assert response.status == (404 if path == "/no-such-page" else 200), path
        results = axe.run(page)
        violations = results.response["violations"]
        assert not violations, f"{path}:\n{describe(violations)}"
    assert page_factory.outside_requests == []
    csp_errors = [e for e in errors if "Content Security Policy" in e]
    assert csp_errors == []


def test_pages_fit_a_phone_screen_without_sideways_scrolling(page_factory, live_shop):
    page = page_factory(PHONE)
    for path in PUBLIC_PAGES:
        page.goto(live_shop.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide"


def test_images_load_and_have_sizes(page_factory, live_shop):
    page = page_factory(DESKTOP)
    page.goto(live_shop.url + "/shop/balmorex-pro")
    page.wait_for_load_state("load")
    images = page.locator(".gallery img")
    assert images.count() == 3
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        image.evaluate("img => img.decode()")
        assert image.evaluate("img => img.naturalWidth") > 0
        assert image.get_attribute("width") and image.get_attribute("height")


def test_reader_follows_an_article_to_the_product_with_javascript_off(page_factory, live_shop):
    page = page_factory(PHONE, javascript=False)
    page.goto(live_shop.url + "/learn")
    page.get_by_role("link", name="Massage for upper and mid-back pain").first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Massage for upper")
    page.get_by_role("link", name="How massage helps tight muscles let go").click()
    assert page.url.endswith("#how-massage-helps-tight-muscles-let-go")
    page.get_by_role("group", name="Shop this: Balmorex Pro").get_by_role(
        "link", name="Balmorex Pro", exact=True
    ).first.click()
    # The link names the article it came from, for the dashboard; nothing else is tracked.
    assert page.url == (
        live_shop.url + "/shop/balmorex-pro?from=massage-for-upper-and-mid-back-pain"
    )
    assert page.get_by_role("button", name="Add to cart").is_enabled()
    sand = page.get_by_role("radio", name="Sand")
    sand.check()
    assert sand.is_checked()
