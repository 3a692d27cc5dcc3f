"""Browser fixtures: the shop served over real HTTP and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wsgi import ClosingIterator

from shop.checkout.setup import EMULATOR_WEBHOOK_SECRET
from shop.db import get_session
from shop.seed.loader import seed_sample_content
from shop.stripe_emulator import EmulatorServer
from tests.conftest import IN_CI, build_test_app, truncate_all

CHROMIUM = os.environ.get("SHOP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


class InFlight:
    """WSGI wrapper counting requests not finished yet, work after the response included.

    The shop does some work once a response is out (it tries the emails it just wrote), so a
    test's teardown waits for that before it empties the tables under it.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.count = 0
        self.changed = threading.Condition()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.changed:
            self.count += 1
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self.done()
            raise
        return ClosingIterator(body, [self.done])  # after the app's own close hooks

    def done(self) -> None:
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_idle(self, timeout: float) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.count == 0, timeout)


@dataclass
class LiveServer:
    """The app served on a loopback port in a background thread."""

    app: Flask
    server: BaseWSGIServer
    in_flight: InFlight
    thread: threading.Thread = field(init=False)

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321."""
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> None:
        """Serve requests until stop()."""
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Shut the server down once the requests it is handling are finished."""
        self.server.shutdown()
        self.in_flight.wait_idle(timeout=10)
        self.thread.join(timeout=5)


def serve(app: Flask) -> LiveServer:
    """Start a threaded server for `app` on a free port."""
    in_flight = InFlight(app)
    live = LiveServer(app, make_server("127.0.0.1", 0, in_flight, threaded=True), in_flight)
    live.start()
    return live


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Chromium from Debian; skipped locally if missing, a failure in CI."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def live_shop(database_url: str) -> Iterator[LiveServer]:
    """The sample shop served over HTTP for one test module; emptied afterwards."""
    app = build_test_app(database_url)
    live = serve(app)
    app.config["SITE_URL"] = live.url
    with app.app_context():
        session = get_session()
        seed_sample_content(session, app.config["CURRENCY"], app.config["MEDIA_DIR"])
        session.commit()
    try:
        yield live
    finally:
        live.stop()
        engine: sa.Engine = app.extensions["db_engine"]
        truncate_all(engine)
        engine.dispose()


@pytest.fixture
def page_factory(browser: Any, live_shop: LiveServer) -> Iterator[Any]:
    """Open pages in fresh contexts; requests to any other host are blocked and recorded."""
    contexts: list[Any] = []
    outside: list[str] = []

    def new_page(viewport: dict[str, int] = DESKTOP, javascript: bool = True) -> Any:
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        contexts.append(context)

        def guard(route: Any) -> None:
            if route.request.url.startswith(live_shop.url):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        return context.new_page()

    new_page.outside_requests = outside  # type: ignore[attr-defined]
    yield new_page
    for context in contexts:
        context.close()


@contextmanager
def shop_with_payments(
    database_url: str, prepare: Callable[[Session], None] | None = None
) -> Iterator[tuple[LiveServer, EmulatorServer]]:
    """The sample shop and the Stripe emulator, wired to each other over loopback HTTP.

    `prepare` may add rows (staff accounts, say) before the shop opens; everything is
    emptied again afterwards.
    """
    emulator = EmulatorServer(webhook_retry_base=0.05, async_delay=60).start()
    app = build_test_app(
        database_url,
        STRIPE_API_BASE=emulator.url,
        STRIPE_WEBHOOK_SECRET=EMULATOR_WEBHOOK_SECRET,
        STRIPE_MAX_RETRIES=0,
    )
    live = serve(app)
    app.config["SITE_URL"] = live.url
    emulator.set_webhook(f"{live.url}/webhooks/stripe", EMULATOR_WEBHOOK_SECRET)
    with app.app_context():
        session = get_session()
        seed_sample_content(session, app.config["CURRENCY"], app.config["MEDIA_DIR"])
        if prepare is not None:
            prepare(session)
        session.commit()
    try:
        yield live, emulator
    finally:
        live.stop()
        emulator.stop()
        truncate_all(app.extensions["db_engine"])
        app.extensions["db_engine"].dispose()


@contextmanager
def guarded_pages(browser: Any, *allowed: str) -> Iterator[Callable[..., Any]]:
    """Open pages that may only contact the given origins; contexts close afterwards."""
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int] = DESKTOP, javascript: bool = True) -> Any:
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        contexts.append(context)
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(allowed) else route.abort()
            ),
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()
