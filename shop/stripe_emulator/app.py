"""The WSGI app: Stripe's wire protocol for `/v1` (auth, request ids, idempotency, faults)."""

from __future__ import annotations

import json
import logging
import secrets
import string
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from shop.stripe_emulator import api, idempotency
from shop.stripe_emulator.errors import StripeError, unrecognized_url
from shop.stripe_emulator.faults import FaultRegistry
from shop.stripe_emulator.forms import decode
from shop.stripe_emulator.reference import API_VERSION
from shop.stripe_emulator.store import RequestRef, Store

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from shop.stripe_emulator.control_http import ControlRoutes
    from shop.stripe_emulator.hosted import HostedPages

JSON = dict[str, Any]
log = logging.getLogger(__name__)

_NO_KEY = (
    "You did not provide an API key. You need to provide your API key in the Authorization "
    "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
    "https://stripe.com/docs/api#authentication for details, or we can help at "
    "https://support.stripe.com/."
)
_LIVE_KEY = (
    "The local Stripe emulator runs in test mode only and refuses live keys (sk_live_/rk_live_). "
    "Use a test key such as sk_test_emulator."
)


def json_response(status: int, body: JSON, headers: dict[str, str] | None = None) -> Response:
    """A JSON response formatted like Stripe's (two-space indented)."""
    text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    return Response(text, status=status, headers=headers, content_type="application/json")


def new_request_id() -> str:
    """A `req_...` id for the `Request-Id` header and events' `request.id`."""
    alphabet = string.ascii_letters + string.digits
    return "req_" + "".join(secrets.choice(alphabet) for _ in range(14))


def authenticate(request: Request) -> str:
    """The API key from `Authorization: Bearer` (or Basic, as curl -u sends it)."""
    header = request.headers.get("Authorization", "")
    key = ""
    if header[:7].lower() == "bearer ":
        key = header[7:].strip()
    elif request.authorization is not None and request.authorization.type == "basic":
        key = request.authorization.username or ""
    if not key:
        raise StripeError(401, _NO_KEY)
    if key.startswith(("sk_live_", "rk_live_")):
        raise StripeError(401, _LIVE_KEY)
    if key.startswith(("pk_test_", "pk_live_")):
        raise StripeError(
            401,
            "This API call cannot be made with a publishable API key. Please use a secret API key.",
        )
    if not key.startswith(("sk_test_", "rk_test_")) or len(key) <= len("sk_test_"):
        masked = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:]
        raise StripeError(401, f"Invalid API Key provided: {masked}")
    return key


class EmulatorApp:
    """Routes `/v1` to the API, `/_emulator` to test controls, `/c/pay` to the hosted page."""

    def __init__(
        self, store: Store, faults: FaultRegistry, controls: ControlRoutes, hosted: HostedPages
    ) -> None:
        self.store = store
        self.faults = faults
        self.controls = controls
        self.hosted = hosted

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """WSGI entry point."""
        request = Request(environ)
        path = request.path
        if path.startswith("/v1/"):
            response = self.api(request)
        elif path.startswith("/_emulator/"):
            response = self.controls.handle(request)
        elif path.startswith(("/c/pay/", "/receipts/")):
            response = self.hosted.handle(request)
        elif path == "/":
            response = json_response(
                200, {"emulator": "stripe", "api_version": API_VERSION, "livemode": False}
            )
        else:
            response = Response("Not found\n", status=404, content_type="text/plain")
        return response(environ, start_response)

    def api(self, request: Request) -> Response:
        """Serve one Stripe API request."""
        request_id = new_request_id()
        headers = {"Request-Id": request_id, "Stripe-Version": API_VERSION}
        try:
            return self._api(request, request_id, headers)
        except StripeError as exc:
            return json_response(exc.status, exc.body(), headers)

    def _api(self, request: Request, request_id: str, headers: dict[str, str]) -> Response:
        adapter = api.ROUTES.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except (NotFound, MethodNotAllowed):
            raise unrecognized_url(request.method, request.path) from None
        api_key = authenticate(request)
        method, path = request.method, request.path
        self._inject_before(method, path)
        raw = self._params(request)
        key = request.headers.get("Idempotency-Key") if method == "POST" else None
        if key:
            headers["Idempotency-Key"] = key
            saved = idempotency.begin(self.store, api_key, key, method, path, raw, request_id)
            if saved is not None:
                assert saved.body is not None and saved.status is not None
                replay = {
                    **headers,
                    "Idempotent-Replayed": "true",
                    "Original-Request": saved.request_id,
                }
                return json_response(saved.status, saved.body, replay)
        status, body, keep = self._run(str(endpoint), raw, dict(args), RequestRef(request_id, key))
        # "After" faults model a slow or lost response: the work is done. While an after-delay
        # runs the key stays in flight (a concurrent retry gets 409, as from Stripe).
        delay = self.faults.take_api("api_delay", method, path, "after")
        if delay is not None:
            self.faults.sleep(delay.seconds)
        if key:
            if keep:
                idempotency.finish(self.store, api_key, key, status, body)
            else:
                idempotency.release(self.store, api_key, key)
        lost = self.faults.take_api("api_error", method, path, "after")
        if lost is not None:
            raise lost.error()
        return json_response(status, body, headers)

    def _run(
        self, endpoint: str, raw: JSON, args: dict[str, str], ref: RequestRef
    ) -> tuple[int, JSON, bool]:
        try:
            return 200, api.run(endpoint, self.store, raw, args, ref), True
        except StripeError as exc:
            return exc.status, exc.body(), exc.replayable
        except Exception:  # a bug: answer like Stripe's 500 rather than dropping the connection
            log.exception("stripe emulator: unhandled error in %s", endpoint)
            error = StripeError(500, "An unknown error occurred", error_type="api_error")
            return 500, error.body(), False

    def _inject_before(self, method: str, path: str) -> None:
        delay = self.faults.take_api("api_delay", method, path, "before")
        if delay is not None and self.faults.sleep(delay.seconds):
            # Reset (or stop) happened meanwhile: the request must not touch the fresh state.
            raise StripeError(
                503,
                "The emulator was reset while this request was delayed.",
                error_type="api_error",
            )
        error = self.faults.take_api("api_error", method, path, "before")
        if error is not None:
            raise error.error()

    def _params(self, request: Request) -> JSON:
        if request.method in ("GET", "DELETE"):
            return decode(request.args.items(multi=True))
        mimetype = request.mimetype
        if mimetype not in ("", "application/x-www-form-urlencoded") and request.content_length:
            raise StripeError(
                400,
                f"Invalid request: unsupported Content-Type {request.content_type}. If error "
                "persists and you need assistance, please contact support@stripe.com.",
            )
        return decode(request.form.items(multi=True))
