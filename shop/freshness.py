"""The storefront generation: a value shared by every worker that moves when shoppers' pages change.

Any committed transaction that wrote to a table the storefront shows (products, variants with
their prices and stock, pictures, articles and their product links, pages) moves the
generation, and every worker's page cache (shop.web.pagecache) drops what it kept.

Writes are noticed by the ORM, so no service has to remember to say so: objects of those
models added, changed or deleted in a flush, and UPDATE, INSERT or DELETE statements on those
tables run through the session (the conditional stock updates, price compare-and-set, version
claims, restocks). A write the ORM cannot see (SQL on a raw connection) calls
`storefront_changed(session)`. The generation moves only after the commit, and not at all
when the transaction rolls back.

Where the generation lives: with REDIS_URL a Redis counter (INCR/GET), otherwise a stamp file
(PAGE_CACHE_STAMP) that grows by one byte per change, read with one `os.stat` per request.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Hashable
from pathlib import Path
from typing import Any, Protocol

import redis
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.orm.session import SessionTransaction

from shop.catalog.models import Product, ProductImage, Variant
from shop.content.models import Article, Page, article_product

log = logging.getLogger(__name__)

#: Models whose rows appear on storefront pages.
STOREFRONT_MODELS: tuple[type[Any], ...] = (Product, Variant, ProductImage, Article, Page)
#: Their tables, and the article-product links, for statements that bypass the objects.
STOREFRONT_TABLES = frozenset(
    [*(model.__table__.name for model in STOREFRONT_MODELS), article_product.name]
)
#: `Session.info` key of the "this transaction changed the storefront" flag.
CHANGED = "storefront_changed"
#: Redis key of the shared counter.
REDIS_KEY = "shop:storefront-generation"


class Generation(Protocol):
    """Where the storefront generation is kept."""

    def current(self) -> Hashable | None:
        """The generation now; None when it cannot be read (then nothing is cached)."""

    def bump(self) -> None:
        """Move the generation, so every worker sees a new value from now on."""


class StampFile:
    """The generation as the stamp file's inode, size and modification time.

    Each change appends one byte, so the size only grows (a modification time alone could
    repeat within a clock tick); a file grown to `rotate_at` bytes is replaced by a new one,
    whose inode differs. Reading it is one `os.stat`, a few microseconds.
    """

    def __init__(self, path: Path, rotate_at: int = 64 * 1024) -> None:
        self.path = path
        self.rotate_at = rotate_at

    def ensure(self) -> None:
        """Create the file (and its folder) if it is missing."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch(exist_ok=True)

    def current(self) -> Hashable | None:
        """(inode, size, modification time) of the stamp file; None if it cannot be read."""
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def bump(self) -> None:
        """Append a byte (the atomic O_APPEND write of every POSIX system); rotate when big."""
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, b"\n")
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if size >= self.rotate_at:
            self._rotate()

    def _rotate(self) -> None:
        fresh = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}")
        fresh.write_bytes(b"\n")
        os.replace(fresh, self.path)


class RedisCounter:
    """The generation as a Redis counter shared by every worker on every host."""

    def __init__(self, client: redis.Redis, key: str = REDIS_KEY) -> None:
        self.client = client
        self.key = key
        self._unreachable = False

    def current(self) -> Hashable | None:
        """The counter's value (b"0" before the first change); None if Redis fails."""
        try:
            value: Hashable = self.client.get(self.key) or b"0"
        except redis.RedisError as error:
            if not self._unreachable:
                log.warning("page cache: Redis unreachable (%s); pages are rendered", error)
            self._unreachable = True
            return None
        if self._unreachable:
            log.warning("page cache: Redis reachable again")
        self._unreachable = False
        return value

    def bump(self) -> None:
        """INCR the counter."""
        self.client.incr(self.key)


def generation_from_config(config: dict[str, Any]) -> Generation:
    """Redis when REDIS_URL is set, else the stamp file PAGE_CACHE_STAMP."""
    url = str(config.get("REDIS_URL") or "")
    if url:
        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        return RedisCounter(client)
    stamp = StampFile(Path(config["PAGE_CACHE_STAMP"]))
    stamp.ensure()
    return stamp


def storefront_changed(session: Session) -> None:
    """Mark the session's transaction as changing what shoppers see (bump on commit)."""
    session.info[CHANGED] = True


def _changes_storefront(session: Session) -> bool:
    touched = (*session.new, *session.dirty, *session.deleted)
    return any(isinstance(item, STOREFRONT_MODELS) for item in touched)


def _note_flush(session: Session, _context: Any) -> None:
    # After a flush the session still lists what the flush wrote.
    if _changes_storefront(session):
        storefront_changed(session)


def _note_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_insert or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in STOREFRONT_TABLES:
        storefront_changed(state.session)


def _forget_when_over(session: Session, transaction: SessionTransaction) -> None:
    # Rolled back or closed: nothing changed. A savepoint rolled back inside a transaction
    # keeps the flag, as it may not have held the change (a spare bump is safe).
    if transaction.parent is None:
        session.info.pop(CHANGED, None)


def watch_sessions(factory: sessionmaker[Session], generation: Generation) -> None:
    """Bump `generation` after each commit of a session from `factory` that changed the shop."""

    def bump_after_commit(session: Session) -> None:
        if not session.info.pop(CHANGED, False):
            return
        try:
            generation.bump()
        except (OSError, redis.RedisError):
            # The data is committed; cached pages catch up within PAGE_CACHE_TTL.
            log.exception("page cache: could not move the storefront generation")

    event.listen(factory, "after_flush", _note_flush)
    event.listen(factory, "do_orm_execute", _note_statement)
    event.listen(factory, "after_commit", bump_after_commit)
    event.listen(factory, "after_transaction_end", _forget_when_over)


def init_app(app: Flask) -> Generation:
    """Build the app's generation and watch its database sessions for storefront changes."""
    generation = generation_from_config(app.config)
    app.extensions["storefront_generation"] = generation
    watch_sessions(app.extensions["db_sessionmaker"], generation)
    return generation
