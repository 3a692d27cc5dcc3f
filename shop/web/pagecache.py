"""Full-page cache for anonymous storefront pages, kept in each worker's memory.

A page is served from memory only when nothing about the request could make it differ from
one visitor to another: a GET or HEAD of an allow-listed endpoint, no query parameter other
than those the page understands, no staff sign-in, no cart cookie, no pending flash message.
Only plain 200 answers are kept, never one that sets a cookie or says private/no-store.

A kept page is good while the storefront generation (shop.freshness) stays where it was when
the page was rendered, and for PAGE_CACHE_TTL seconds at most, so articles scheduled to go
live at a time (which writes nothing) appear within that time. The CSRF token of a page's
forms is kept as a placeholder and replaced by the visitor's own token on every answer.

Two ways out of memory, both marked `X-Cache: hit`:

- A before-request hook, ahead of every other, answers with the kept page; the answer then
  passes through the same after-request hooks as a rendered one (security headers, the
  session cookie that carries a new visitor's CSRF secret), so both carry the same headers.
- In front of Flask, a request with no cookie at all (it cannot be signed in, have a cart or
  a message waiting) for a page without forms gets the very status and headers Flask sent
  for that page to the previous such visitor, without a Flask request being built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf

from shop.cart.cookie import COOKIE_NAME as CART_COOKIE
from shop.freshness import init_app as watch_storefront
from shop.insights.attribution import article_slug_or_none
from shop.web.pagestore import CachedPage, Final, Key, PageStore, Route

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Normalizer = Callable[[str], str | None]


def _as_given(value: str) -> str | None:
    return value


#: Endpoints whose anonymous answer is the same for everyone, with the query parameters each
#: understands and how to normalise them (to None: the page ignores the value). The product
#: page shows the option `variant` names (an unknown one is a 400, never kept) and echoes a
#: valid article slug in `from` into its form. None of these endpoints has a rate limit, which
#: an answer from memory would skip.
CACHEABLE: dict[str, dict[str, Normalizer]] = {
    "web.home": {},
    "content.hub": {},
    "content.article": {},
    "content.page": {},
    "catalog.index": {},
    "catalog.product": {"variant": _as_given, "from": article_slug_or_none},
}
#: Session keys an anonymous visitor may carry: the CSRF secret and Flask-Login's freshness.
ANONYMOUS_SESSION_KEYS = frozenset({"csrf_token", "_fresh", "_permanent"})
#: Headers never kept: cookies are the visitor's own, the length is computed per answer.
UNKEPT_HEADERS = frozenset({"set-cookie", "content-length"})
#: Cache-Control directives that forbid keeping an answer.
PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")
#: WSGI environ key telling the cookieless way in which kept page Flask answered with.
ANSWERED = "shop.page_cache.answered"


@dataclass(frozen=True)
class Pending:
    """A cacheable request that missed: where to keep its answer, and as of when."""

    key: Key
    generation: object
    started_at: float


def page_key(endpoint: str | None) -> Key | None:
    """The cache key of the current request, or None if its answer must not be shared."""
    if request.method not in ("GET", "HEAD") or endpoint not in CACHEABLE:
        return None
    if not request.query_string:
        return request.path, ()
    allowed = CACHEABLE[endpoint]
    params: list[tuple[str, str]] = []
    for name, values in request.args.lists():
        normalise = allowed.get(name)
        if normalise is None or len(values) != 1:
            return None
        value = normalise(values[0])
        if value is not None:
            params.append((name, value))
    return request.path, tuple(sorted(params))


def is_anonymous_visitor() -> bool:
    """No staff sign-in, no cart, no remembered login, nothing pending in the session."""
    cookies = request.cookies
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if CART_COOKIE in cookies or remember in cookies:
        return False
    return session.keys() <= ANONYMOUS_SESSION_KEYS


def _store() -> PageStore:
    store: PageStore = current_app.extensions["page_cache"]
    return store


def serve_cached() -> Response | None:
    """Before the view: answer from memory, or note that the rendered answer may be kept."""
    key = page_key(request.endpoint)
    if key is None or not is_anonymous_visitor():
        return None
    store = _store()
    generation = store.source.current()
    if generation is None:
        # Changes made meanwhile may go unannounced: start afresh once it can be read again.
        store.clear()
        return None
    now = store.clock()
    page = store.get(key, generation, now)
    if page is None:
        g.page_cache_pending = Pending(key, generation, now)
        return None
    request.environ[ANSWERED] = (key, page)
    return _answer(page)


def _answer(page: CachedPage) -> Response:
    body = page.parts[0]
    if page.uses_csrf:
        # A token of the visitor's own; like a rendered page, this sets the session cookie.
        body = generate_csrf().encode().join(page.parts)
    headers = [*page.headers, ("X-Cache", "hit")]
    return current_app.response_class(body, status=page.status, headers=headers)


def _keepable(response: Response) -> bool:
    if response.status_code != 200 or response.is_streamed or response.direct_passthrough:
        return False
    if "Set-Cookie" in response.headers:
        return False
    cache_control = response.headers.get("Cache-Control", "").lower()
    if any(directive in cache_control for directive in PRIVATE_DIRECTIVES):
        return False
    # The view may have flashed a message or signed someone in.
    return is_anonymous_visitor()


def _split_on_csrf(body: bytes) -> tuple[tuple[bytes, ...], bool]:
    """The body cut where this request's CSRF token appears, and whether it made one."""
    token: str | None = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if not token:
        return (body,), False
    return tuple(body.split(token.encode())), True


def keep_rendered(response: Response) -> Response:
    """After the view: keep a rendered page that anybody could have been given."""
    pending: Pending | None = g.pop("page_cache_pending", None)
    if pending is None or not _keepable(response):
        return response
    parts, uses_csrf = _split_on_csrf(response.get_data())
    headers = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in UNKEPT_HEADERS
    )
    page = CachedPage(
        response.status_code, headers, parts, uses_csrf, pending.generation, pending.started_at
    )
    _store().put(pending.key, page)
    request.environ[ANSWERED] = (pending.key, page)
    response.headers["X-Cache"] = "miss"
    return response


def _cookieless_route(environ: WSGIEnvironment) -> Route | None:
    """Where a GET or HEAD without cookies or query string asks to go; else None."""
    if environ.get("HTTP_COOKIE") or environ.get("QUERY_STRING"):
        return None
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    return environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", "")


def _plain_page(status: str, headers: list[tuple[str, str]]) -> bool:
    """A 200 from the page cache that gives the visitor nothing of their own (no cookie)."""
    names = {name.lower() for name, _ in headers}
    return status.startswith("200 ") and "x-cache" in names and "set-cookie" not in names


def _as_hit(name: str, value: str) -> tuple[str, str]:
    return (name, "hit") if name.lower() == "x-cache" else (name, value)


class CookielessAnswers:
    """WSGI middleware: answers sent to cookieless visitors, sent again from memory."""

    def __init__(self, app: WSGIApplication, store: PageStore) -> None:
        self.app = app
        self.store = store

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        route = _cookieless_route(environ)
        if route is None:
            return self.app(environ, start_response)
        store = self.store
        found = store.sent(route, store.clock())
        if found is None:
            return self.app(environ, self._noting(route, environ, start_response))
        page, (status, headers) = found
        start_response(status, list(headers))
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [page.parts[0]]

    def _noting(
        self, route: Route, environ: WSGIEnvironment, start_response: StartResponse
    ) -> StartResponse:
        """start_response that remembers a kept page's answer when it needs no session."""

        def noting(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answered = environ.get(ANSWERED)
            if answered is not None and _plain_page(status, headers):
                key, page = answered
                final: Final = (status, tuple(_as_hit(name, value) for name, value in headers))
                self.store.remember_sent(route, key, page, final)
            return start_response(status, headers, exc_info)

        return noting


def init_app(app: Flask) -> None:
    """With PAGE_CACHE on: watch for storefront changes and serve pages from memory.

    Call after every other extension has registered its hooks: the cache answers before any
    other before-request hook, and keeps a page before other after-request hooks add headers
    (they add them to answers from memory alike).
    """
    if not app.config.get("PAGE_CACHE"):
        return
    store = PageStore(
        watch_storefront(app),
        ttl=float(app.config.get("PAGE_CACHE_TTL", 60)),
        max_entries=int(app.config.get("PAGE_CACHE_MAX_ENTRIES", 500)),
    )
    app.extensions["page_cache"] = store
    app.before_request_funcs.setdefault(None, []).insert(0, serve_cached)
    app.after_request(keep_rendered)
    app.wsgi_app = CookielessAnswers(app.wsgi_app, store)  # type: ignore[method-assign]
