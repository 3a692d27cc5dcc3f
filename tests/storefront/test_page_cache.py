"""Anonymous storefront pages come from memory, and never outlive a change to what they show."""

from __future__ import annotations

import itertools
import re
import secrets
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from flask import Flask, make_response, request, request_started

from shop.catalog.models import PublishStatus, Variant
from shop.content.models import Article
from shop.db import utcnow
from shop.freshness import RedisCounter, StampFile
from shop.inventory.services import adjust_stock, change_price
from shop.web import pagecache
from tests.conftest import build_test_app

PRODUCT = "/shop/balmorex-pro"
ARTICLE = "/learn/massage-for-upper-and-mid-back-pain"
PAGES = ["/", "/learn", ARTICLE, "/shop", PRODUCT, "/pages/shipping"]
REDIS_URL = "redis://127.0.0.1:6379/0"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app_overrides(tmp_path):
    return {"PAGE_CACHE": True, "PAGE_CACHE_STAMP": tmp_path / "storefront.stamp"}


class Clock:
    """The page cache's seconds and the storefront's idea of now, moved by hand."""

    def __init__(self) -> None:
        self.seconds = 1000.0
        self.started = utcnow()

    def __call__(self) -> float:
        return self.seconds

    def now(self):
        return self.started + timedelta(seconds=self.seconds - 1000.0)

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


@pytest.fixture
def clock(app, monkeypatch):
    fake = Clock()
    app.extensions["page_cache"].clock = fake
    monkeypatch.setattr("shop.content.services.utcnow", fake.now)
    return fake


def visit(app: Flask, path: str, **kwargs):
    """A first-time visitor (a client of its own, no cookies) opens `path`."""
    return app.test_client().get(path, **kwargs)


def tokens_masked(html: str) -> str:
    return TOKEN.sub('name="csrf_token" value="…"', html)


def csrf_token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the page has a form"
    return found.group(1)


def variant(db, sku: str) -> Variant:
    return db.scalar(sa.select(Variant).where(Variant.sku == sku))


@pytest.mark.parametrize("path", PAGES)
def test_a_second_visitor_gets_the_page_from_memory_without_the_database(
    app, seeded, count_queries, path
):
    first = visit(app, path)
    assert first.status_code == 200 and first.headers["X-Cache"] == "miss"
    queries = len(count_queries())
    assert queries > 0

    second = visit(app, path)
    assert second.status_code == 200 and second.headers["X-Cache"] == "hit"
    assert len(count_queries()) == queries
    assert tokens_masked(second.get_data(as_text=True)) == tokens_masked(
        first.get_data(as_text=True)
    )


@pytest.mark.parametrize("path", PAGES)
def test_pages_from_memory_carry_the_same_headers_as_rendered_ones(app, seeded, path):
    rendered, cached = visit(app, path), visit(app, path)
    assert cached.headers["X-Cache"] == "hit"

    def comparable(response):
        skip = {"X-Cache", "Set-Cookie", "Content-Length"}
        return {k: v for k, v in response.headers.items() if k not in skip}

    assert comparable(cached) == comparable(rendered)
    assert cached.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "frame-ancestors 'none'" in cached.headers["Content-Security-Policy"]
    # A page with a form gives the visitor a session (for its CSRF token) either way.
    assert ("Set-Cookie" in cached.headers) == ("Set-Cookie" in rendered.headers)


@pytest.fixture
def flask_requests(app):
    """Count the requests that reached Flask (rather than being answered in front of it)."""
    seen: list[str] = []

    def count(sender, **_extra):
        seen.append(request.path)

    request_started.connect(count, app)
    yield seen
    request_started.disconnect(count, app)


def test_cookieless_visitors_of_pages_without_forms_are_answered_before_flask(
    app, seeded, flask_requests
):
    first = visit(app, "/shop")
    second = visit(app, "/shop")
    assert flask_requests == ["/shop"]
    assert second.headers["X-Cache"] == "hit"
    assert second.get_data() == first.get_data()

    # A visitor with any cookie goes through Flask, which checks the session.
    returning = app.test_client()
    returning.set_cookie("lang", "en")
    assert returning.get("/shop").headers["X-Cache"] == "hit"
    # Pages with forms give each visitor a token and a session: always through Flask.
    visit(app, PRODUCT)
    assert visit(app, PRODUCT).headers["X-Cache"] == "hit"
    assert flask_requests == ["/shop", "/shop", PRODUCT, PRODUCT]


@pytest.mark.parametrize("path", ["/shop", PRODUCT])
def test_head_requests_share_the_cached_page(app, seeded, path):
    page = visit(app, path)
    for _ in range(2):
        head = app.test_client().head(path)
        assert head.status_code == 200 and head.headers["X-Cache"] == "hit"
        assert head.get_data() == b""
        assert head.headers["Content-Type"] == "text/html; charset=utf-8"
        assert head.headers["Content-Length"] == page.headers["Content-Length"]


def test_a_visitor_served_from_memory_can_add_to_the_cart(app, seeded):
    visit(app, PRODUCT)
    shopper = app.test_client()
    page = shopper.get(PRODUCT)
    assert page.headers["X-Cache"] == "hit"
    data = {
        "variant_id": variant(seeded, "BMX-PRO-GRF").id,
        "quantity": "1",
        "csrf_token": csrf_token(page.get_data(as_text=True)),
    }
    response = shopper.post("/cart/items", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/cart")


def test_every_visitor_gets_a_token_of_their_own(app, seeded):
    visit(app, ARTICLE)
    alice, bob = app.test_client(), app.test_client()
    pages = [alice.get(ARTICLE), bob.get(ARTICLE)]
    assert [p.headers["X-Cache"] for p in pages] == ["hit", "hit"]
    alice_token, bob_token = (csrf_token(p.get_data(as_text=True)) for p in pages)
    assert alice_token != bob_token
    # Each token belongs to its visitor's session, as on a rendered page.
    data = {"variant_id": variant(seeded, "BMX-PRO-GRF").id, "quantity": "1"}
    assert bob.post("/cart/items", data={**data, "csrf_token": alice_token}).status_code == 400
    assert bob.post("/cart/items", data={**data, "csrf_token": bob_token}).status_code == 303


def test_a_price_change_shows_on_the_next_visit(app, seeded):
    assert "$129.00" in visit(app, PRODUCT).get_data(as_text=True)
    assert visit(app, PRODUCT).headers["X-Cache"] == "hit"

    change_price(seeded, variant(seeded, "BMX-PRO-GRF"), 11900, "ops@balmorex.example")
    seeded.commit()

    page = visit(app, PRODUCT)
    assert page.headers["X-Cache"] == "miss"
    assert "$119.00" in page.get_data(as_text=True)


def test_a_stock_adjustment_flips_the_stock_label(app, seeded):
    assert "Only 4 left" in visit(app, PRODUCT + "?variant=BMX-PRO-SND").get_data(as_text=True)

    sandstone = variant(seeded, "BMX-PRO-SND")
    adjust_stock(seeded, sandstone.id, -4, "damaged", "ops@balmorex.example")
    seeded.commit()

    html = visit(app, PRODUCT + "?variant=BMX-PRO-SND").get_data(as_text=True)
    assert "Only 4 left" not in html and "Sold out" in html


def test_stock_moved_by_a_plain_update_statement_shows_too(app, seeded):
    """Restocks and stock holds are single UPDATE statements, not changed objects."""
    visit(app, "/shop")
    assert visit(app, "/shop").headers["X-Cache"] == "hit"
    seeded.execute(sa.update(Variant).values(stock_on_hand=0))
    seeded.commit()
    assert visit(app, "/shop").headers["X-Cache"] == "miss"


def test_a_change_rolled_back_keeps_the_cache(app, seeded):
    visit(app, PRODUCT)
    stamp = app.extensions["storefront_generation"]
    before = stamp.current()
    change_price(seeded, variant(seeded, "BMX-PRO-GRF"), 100, "ops@balmorex.example")
    seeded.rollback()
    assert stamp.current() == before
    assert visit(app, PRODUCT).headers["X-Cache"] == "hit"


def test_adding_to_a_cart_keeps_everyone_elses_pages_cached(app, seeded):
    visit(app, "/shop")
    shopper = app.test_client()
    token = csrf_token(shopper.get(PRODUCT).get_data(as_text=True))
    data = {"variant_id": variant(seeded, "BMX-PRO-GRF").id, "quantity": "1", "csrf_token": token}
    assert shopper.post("/cart/items", data=data).status_code == 303
    assert visit(app, "/shop").headers["X-Cache"] == "hit"


def test_a_scheduled_article_appears_within_the_ttl(app, seeded, clock):
    seeded.add(
        Article(
            slug="coming-soon",
            title="Coming soon to the hub",
            summary="Scheduled.",
            body_md="Soon.\n",
            status=PublishStatus.PUBLISHED,
            published_at=clock.now() + timedelta(seconds=30),
        )
    )
    seeded.commit()
    assert "Coming soon to the hub" not in visit(app, "/learn").get_data(as_text=True)

    clock.advance(31)  # live now, but nothing was written: the kept page still shows
    still = visit(app, "/learn")
    assert still.headers["X-Cache"] == "hit"
    assert "Coming soon to the hub" not in still.get_data(as_text=True)

    clock.advance(30)  # past PAGE_CACHE_TTL (60 s) since the page was rendered
    fresh = visit(app, "/learn")
    assert fresh.headers["X-Cache"] == "miss"
    assert "Coming soon to the hub" in fresh.get_data(as_text=True)


def test_a_shopper_with_a_cart_is_never_served_or_stored(app, seeded, count_queries):
    visit(app, PRODUCT)
    shopper = app.test_client()
    token = csrf_token(shopper.get(PRODUCT).get_data(as_text=True))
    data = {"variant_id": variant(seeded, "BMX-PRO-GRF").id, "quantity": "2", "csrf_token": token}
    shopper.post("/cart/items", data=data, follow_redirects=True)

    before = len(count_queries())
    page = shopper.get(PRODUCT)
    assert "X-Cache" not in page.headers
    assert len(count_queries()) > before
    assert re.search(r'Cart <span class="count">2</span>', page.get_data(as_text=True))
    # Nor was their page kept for others.
    assert '<span class="count">' not in visit(app, PRODUCT).get_data(as_text=True)


def test_a_pending_flash_message_is_shown_not_cached(app, seeded):
    visit(app, PRODUCT)
    shopper = app.test_client()
    token = csrf_token(shopper.get(PRODUCT).get_data(as_text=True))
    data = {"variant_id": variant(seeded, "BMX-PRO-GRF").id, "quantity": "lots"}
    back = shopper.post(
        "/cart/items",
        data={**data, "csrf_token": token},
        headers={"Referer": f"http://localhost{PRODUCT}"},
    )
    assert back.status_code == 303 and back.headers["Location"].endswith(PRODUCT)

    page = shopper.get(PRODUCT)
    assert "X-Cache" not in page.headers
    assert 'class="flash flash-error"' in page.get_data(as_text=True)
    assert "flash-error" not in visit(app, PRODUCT).get_data(as_text=True)
    # Once the message has been shown, the shopper is an anonymous visitor again.
    assert shopper.get(PRODUCT).headers["X-Cache"] == "hit"


@pytest.mark.parametrize(
    "path",
    [
        "/?utm_source=newsletter",
        "/shop?page=2",
        f"{PRODUCT}?preview=draft",
        f"{ARTICLE}?preview=draft",
        f"{PRODUCT}?variant=BMX-PRO-SND&variant=BMX-PRO-GRF",
    ],
)
def test_query_strings_the_page_does_not_know_are_never_cached(app, seeded, path):
    for _ in range(2):
        response = visit(app, path)
        assert response.status_code == 200
        assert "X-Cache" not in response.headers


def test_each_product_option_and_article_link_is_kept_apart(app, seeded):
    sandstone_id = variant(seeded, "BMX-PRO-SND").id
    chosen = f'value="{sandstone_id}" checked'
    assert chosen not in visit(app, PRODUCT).get_data(as_text=True)
    assert chosen in visit(app, PRODUCT + "?variant=BMX-PRO-SND").get_data(as_text=True)
    again = visit(app, PRODUCT + "?variant=BMX-PRO-SND")
    assert again.headers["X-Cache"] == "hit" and chosen in again.get_data(as_text=True)
    assert chosen not in visit(app, PRODUCT).get_data(as_text=True)

    linked = visit(app, f"{PRODUCT}?from=desk-posture-and-your-upper-back")
    assert linked.headers["X-Cache"] == "miss"
    assert 'name="from_article" value="desk-posture-and-your-upper-back"' in linked.get_data(
        as_text=True
    )
    again = visit(app, f"{PRODUCT}?from=desk-posture-and-your-upper-back")
    assert again.headers["X-Cache"] == "hit"
    assert "from_article" in again.get_data(as_text=True)
    # A mangled `from` is ignored by the page, so it is the plain product page.
    mangled = visit(app, f"{PRODUCT}?from=%3Cscript%3E")
    assert mangled.headers["X-Cache"] == "hit"
    assert "from_article" not in mangled.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/shop/no-such-thing", f"{PRODUCT}?variant=NOPE"])
def test_error_pages_are_never_kept(app, seeded, path):
    for _ in range(2):
        response = visit(app, path)
        assert response.status_code in (400, 404)
        assert "X-Cache" not in response.headers


def test_private_answers_and_cookies_are_never_kept(app, seeded, monkeypatch):
    def private():
        return "mine", 200, {"Cache-Control": "private, no-store"}

    def cookie():
        response = make_response("with a cookie")
        response.set_cookie("seen", "1")
        return response

    for name, view in (("private", private), ("cookie", cookie)):
        app.add_url_rule(f"/test-{name}", name, view)
        monkeypatch.setitem(pagecache.CACHEABLE, name, {})
    for path in ("/test-private", "/test-cookie"):
        assert visit(app, path).status_code == 200
        assert "X-Cache" not in visit(app, path).headers


def test_two_workers_sharing_a_stamp_file_see_each_others_changes(
    app, seeded, database_url, tmp_path
):
    other = build_test_app(
        database_url,
        PAGE_CACHE=True,
        PAGE_CACHE_STAMP=app.config["PAGE_CACHE_STAMP"],
        OUTBOX_DIR=tmp_path / "outbox",
    )
    try:
        for worker in (app, other):
            visit(worker, PRODUCT)
            assert visit(worker, PRODUCT).headers["X-Cache"] == "hit"

        # A change committed in one worker's session...
        with app.extensions["db_sessionmaker"]() as session:
            change_price(session, variant(session, "BMX-PRO-GRF"), 9900, "ops@balmorex.example")
            session.commit()

        # ... is on the next page of both.
        for worker in (other, app):
            page = visit(worker, PRODUCT)
            assert page.headers["X-Cache"] == "miss"
            assert "$99.00" in page.get_data(as_text=True)
    finally:
        other.extensions["db_engine"].dispose()


def test_the_cache_keeps_a_bounded_number_of_pages(app, seeded):
    cache = app.extensions["page_cache"]
    cache.max_entries = 2
    for path in ("/", "/learn", "/shop"):
        visit(app, path)
    assert len(cache) == 2
    assert visit(app, "/").headers["X-Cache"] == "miss"
    assert visit(app, "/shop").headers["X-Cache"] == "hit"


def test_the_stamp_file_never_repeats_a_generation(tmp_path):
    stamp = StampFile(tmp_path / "stamp", rotate_at=3)
    stamp.ensure()
    seen = [stamp.current()]
    for _ in range(7):
        stamp.bump()
        seen.append(stamp.current())
    assert None not in seen
    assert all(a != b for a, b in itertools.pairwise(seen))
    assert (tmp_path / "stamp").stat().st_size < 3


def test_an_unreadable_stamp_means_pages_are_rendered(app, seeded):
    visit(app, "/shop")
    app.config["PAGE_CACHE_STAMP"].unlink()
    for _ in range(2):
        response = visit(app, "/shop")
        assert response.status_code == 200 and "X-Cache" not in response.headers


def test_the_cache_is_off_unless_configured(database_url, tmp_path):
    plain = build_test_app(database_url, OUTBOX_DIR=tmp_path / "outbox")
    try:
        assert "page_cache" not in plain.extensions
        assert "X-Cache" not in visit(plain, "/").headers
    finally:
        plain.extensions["db_engine"].dispose()


@pytest.fixture
def redis_counter():
    """A generation counter of this test's own in the local Redis (skipped without one)."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    counter = RedisCounter(client, key=f"test:storefront-generation:{secrets.token_hex(6)}")
    yield counter
    client.delete(counter.key)


def test_with_redis_every_worker_sees_a_change(redis_counter):
    worker = RedisCounter(redis_counter.client, redis_counter.key)
    seen = worker.current()
    assert seen is not None
    redis_counter.bump()
    assert worker.current() not in (None, seen)


def test_a_shop_with_redis_keeps_its_generation_there(
    database_url, seeded, redis_counter, tmp_path
):
    shop = build_test_app(
        database_url, PAGE_CACHE=True, REDIS_URL=REDIS_URL, OUTBOX_DIR=tmp_path / "outbox"
    )
    try:
        generation = shop.extensions["storefront_generation"]
        assert isinstance(generation, RedisCounter)
        generation.key = redis_counter.key
        visit(shop, PRODUCT)
        assert visit(shop, PRODUCT).headers["X-Cache"] == "hit"
        redis_counter.bump()  # another host's worker committed a change
        assert visit(shop, PRODUCT).headers["X-Cache"] == "miss"
    finally:
        shop.extensions["db_engine"].dispose()


def test_an_unreachable_redis_means_pages_are_rendered(database_url, seeded, tmp_path):
    shop = build_test_app(
        database_url,
        PAGE_CACHE=True,
        REDIS_URL="redis://127.0.0.1:1/0",
        OUTBOX_DIR=tmp_path / "outbox",
    )
    try:
        for _ in range(2):
            response = visit(shop, "/shop")
            assert response.status_code == 200 and "X-Cache" not in response.headers
    finally:
        shop.extensions["db_engine"].dispose()
