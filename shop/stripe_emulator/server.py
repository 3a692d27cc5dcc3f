"""`EmulatorServer`: the emulator on a real loopback port, with its background threads."""

from __future__ import annotations

import functools
import threading
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from shop.stripe_emulator.app import EmulatorApp
from shop.stripe_emulator.control_http import ControlRoutes
from shop.stripe_emulator.controls import Controller
from shop.stripe_emulator.faults import FaultRegistry
from shop.stripe_emulator.hosted import HostedPages
from shop.stripe_emulator.payments import settle_due
from shop.stripe_emulator.sessions import expire_overdue
from shop.stripe_emulator.store import Clock, Settings, Store
from shop.stripe_emulator.webhooks import WebhookDispatcher

DEFAULT_WEBHOOK_SECRET = "whsec_local_emulator_secret"  # noqa: S105 - a public test value


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not log every request (tests start many servers)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip the access log line."""


class EmulatorServer(Controller):
    """A local Stripe API emulator served over HTTP; every test control is a method too."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_url: str | None = None,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        public_url: str | None = None,
        webhook_retry_base: float = 1.0,
        async_delay: float = 5.0,
        sweep_interval: float = 0.25,
        log_requests: bool = False,
    ) -> None:
        self.host, self.port = host, port
        self.sweep_interval = sweep_interval
        self.log_requests = log_requests
        faults = FaultRegistry()
        store = Store(
            Clock(), Settings(public_url=(public_url or "").rstrip("/"), async_delay=async_delay)
        )
        dispatcher = WebhookDispatcher(
            faults, webhook_retry_base, on_delivered=store.mark_delivered
        )
        store.publish = dispatcher.publish
        dispatcher.configure(webhook_url, webhook_secret)
        super().__init__(store, faults, dispatcher)
        self.app = EmulatorApp(store, faults, ControlRoutes(self), HostedPages(store))
        self._server: BaseWSGIServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()
        self._url = ""

    @property
    def url(self) -> str:
        """Base URL of the running emulator, e.g. `http://127.0.0.1:54321`."""
        if not self._url:
            raise RuntimeError("The emulator is not started.")
        return self._url

    @property
    def webhook_secret(self) -> str:
        """The secret webhooks are signed with."""
        return self.dispatcher.secret

    def start(self) -> EmulatorServer:
        """Bind the port and start serving, delivering webhooks and sweeping expiries."""
        handler = WSGIRequestHandler if self.log_requests else _QuietHandler
        try:
            server = make_server(
                self.host, self.port, self.app, threaded=True, request_handler=handler
            )
        except SystemExit:  # werkzeug exits when the port is taken; callers want an exception
            raise OSError(f"Cannot listen on {self.host}:{self.port}") from None
        self._server = server
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host  # noqa: S104
        self._url = f"http://{host}:{server.port}"
        if not self.store.settings.public_url:
            self.store.settings.public_url = self._url
        self._stopped.clear()
        self.dispatcher.start()
        # A short poll interval makes stop() return quickly (tests start and stop servers).
        serve = functools.partial(server.serve_forever, poll_interval=0.05)
        for target, name in ((serve, "http"), (self._sweep, "sweeper")):
            thread = threading.Thread(target=target, name=f"stripe-emulator-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and stop the background threads."""
        self._stopped.set()
        self.faults.clear()  # wakes requests sleeping in an injected delay
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.dispatcher.stop()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def _sweep(self) -> None:
        # Stripe expires sessions and settles bank debits on its own clock; ~1 s is plenty.
        while not self._stopped.wait(self.sweep_interval):
            expire_overdue(self.store)
            settle_due(self.store)

    def __enter__(self) -> EmulatorServer:
        """Start on entering a `with` block."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop on leaving a `with` block."""
        self.stop()

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments that point a `stripe.StripeClient` at this emulator."""
        return {"base_addresses": {"api": self.url, "files": self.url, "connect": self.url}}
