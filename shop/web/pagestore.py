"""The memory behind the page cache: kept pages of one worker process, bounded, in LRU order.

Pages belong to one storefront generation (shop.freshness): the first lookup that sees a new
generation drops them all. A page older than the TTL is dropped when it is next asked for.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from shop.freshness import Generation

#: A page's key: the path and its normalised, understood query parameters.
Key = tuple[str, tuple[tuple[str, str], ...]]
#: Where a request without cookies asked for a page: WSGI SCRIPT_NAME and PATH_INFO.
Route = tuple[str, str]
#: The status line and headers Flask sent with a page to a visitor without cookies.
Final = tuple[str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class CachedPage:
    """A rendered page, split where its CSRF token was."""

    status: int
    headers: tuple[tuple[str, str], ...]
    parts: tuple[bytes, ...]
    uses_csrf: bool
    generation: Hashable
    rendered_at: float


class PageStore:
    """Kept pages by key, and for cookieless visitors the exact answers already sent."""

    def __init__(
        self,
        generation: Generation,
        ttl: float,
        max_entries: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = generation
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._pages: OrderedDict[Key, CachedPage] = OrderedDict()
        self._sent: dict[Route, tuple[Key, CachedPage, Final]] = {}
        self._generation: Hashable | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pages)

    def _observe(self, generation: Hashable) -> None:
        # Callers hold the lock.
        if generation != self._generation:
            self._pages.clear()
            self._sent.clear()
            self._generation = generation

    def get(self, key: Key, generation: Hashable, now: float) -> CachedPage | None:
        """The page kept for `key` in `generation`, if it is younger than the TTL."""
        with self._lock:
            self._observe(generation)
            page = self._pages.get(key)
            if page is None:
                return None
            if now - page.rendered_at >= self.ttl:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: Key, page: CachedPage) -> None:
        """Keep `page` unless the storefront moved on while it was being rendered."""
        with self._lock:
            if page.generation != self._generation:
                return
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)

    def remember_sent(self, route: Route, key: Key, page: CachedPage, final: Final) -> None:
        """Note how `page` went out to a cookieless visitor at `route`."""
        with self._lock:
            if len(self._sent) >= self.max_entries:
                self._sent.clear()
            self._sent[route] = (key, page, final)

    def sent(self, route: Route, now: float) -> tuple[CachedPage, Final] | None:
        """The answer sent for `route` if its page is still the one kept and fresh.

        The generation is read only for a route answered before, so assets and other
        paths never pay for it.
        """
        with self._lock:
            found = self._sent.get(route)
        if found is None:
            return None
        generation = self.source.current()
        if generation is None:
            return None
        key, page, final = found
        if self.get(key, generation, now) is not page:
            return None
        return page, final

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._pages.clear()
            self._sent.clear()
            # A render begun before this keeps nothing, even if the generation comes back.
            self._generation = None
