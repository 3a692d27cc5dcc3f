"""Saving, publishing and restoring items; every change is versioned, revisioned and audited.

A published item keeps its live values in its own columns; unpublished edits wait in its
`draft` column until someone publishes them. An item that is not published is edited in place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.accounts.models import StaffUser
from shop.accounts.services import audit
from shop.catalog.models import Product, PublishStatus
from shop.content.models import Article, Page
from shop.db import utcnow
from shop.editorial.concurrency import Editable, claim_version
from shop.editorial.errors import EditorialError
from shop.editorial.models import ItemKind, Revision
from shop.editorial.revisions import record_revision
from shop.editorial.snapshots import (
    apply_to_live,
    changed_fields,
    kind_of,
    label_of,
    live_snapshot,
    normalise,
    working_copy,
)


def _state(item: Editable, version: int) -> dict[str, Any]:
    state: dict[str, Any] = {
        "version": version,
        "status": item.status.value,
        "draft": item.draft is not None,
    }
    if isinstance(item, Article | Page):
        state["deleted"] = item.deleted_at is not None
    if isinstance(item, Article):
        state["published_at"] = item.published_at.isoformat() if item.published_at else None
    return state


def _finish(
    session: Session,
    item: Editable,
    who: StaffUser,
    action: str,
    before: tuple[dict[str, Any], dict[str, Any]],
    note: str = "",
) -> Revision:
    """Record the revision and the audit entry of a change already applied to `item`."""
    session.flush()
    copy_before, state_before = before
    after = working_copy(session, item)
    revision = record_revision(session, item, action, who, after, note)
    state_after = {**_state(item, item.version), "changed": changed_fields(copy_before, after)}
    audit(
        session, who, f"{kind_of(item).value}.{action}", label_of(item), state_before, state_after
    )
    return revision


def _begin(session: Session, item: Editable, loaded: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Claim the next version (or raise EditConflict) and remember what the item was."""
    before = (working_copy(session, item), _state(item, loaded))
    claim_version(session, item, loaded)
    return before


def ensure_slug_free(
    session: Session, model: type[Editable], slug: str, own_id: int | None
) -> None:
    """EditorialError if another item of this kind already uses `slug`."""
    query = sa.select(model.id).where(model.slug == slug)
    if own_id is not None:
        query = query.where(model.id != own_id)
    if session.scalar(query.limit(1)) is not None:
        noun = model.__tablename__
        raise EditorialError(f"Another {noun} already uses the slug “{slug}”. Choose another.")


def _existing_ids(
    session: Session, model: type[Product] | type[Article], ids: list[int]
) -> list[int]:
    # Restored snapshots may name items deleted since; keep only those still there.
    known = set(session.scalars(sa.select(model.id).where(model.id.in_(ids)))) if ids else set()
    return [i for i in ids if i in known]


def _clean(session: Session, item: Editable, values: dict[str, Any]) -> dict[str, Any]:
    values = normalise(kind_of(item), values, working_copy(session, item))
    if "product_ids" in values:
        values["product_ids"] = _existing_ids(session, Product, values["product_ids"])
    if "related_article_ids" in values:
        values["related_article_ids"] = _existing_ids(
            session, Article, values["related_article_ids"]
        )
    if "slug" in values:
        ensure_slug_free(session, type(item), values["slug"], item.id)
    return values


def _stage(session: Session, item: Editable, values: dict[str, Any]) -> None:
    """Put values where they belong: the draft of a published item, else the live columns."""
    if item.status is PublishStatus.PUBLISHED:
        item.draft = None if values == live_snapshot(session, item) else values
    else:
        apply_to_live(session, item, values)
        item.draft = None


def save(
    session: Session, item: Editable, values: dict[str, Any], loaded: int, who: StaffUser
) -> Revision:
    """Save an editor's values, made from version `loaded`."""
    before = _begin(session, item, loaded)
    _stage(session, item, _clean(session, item, values))
    return _finish(session, item, who, "save", before)


def publish(
    session: Session,
    item: Editable,
    loaded: int,
    who: StaffUser,
    at: datetime | None = None,
    now: datetime | None = None,
) -> Revision:
    """Make the working copy live; an article goes live at `at` (a future time schedules it)."""
    now = now or utcnow()
    before = _begin(session, item, loaded)
    if item.draft is not None:
        apply_to_live(session, item, _clean(session, item, item.draft))
        item.draft = None
    if isinstance(item, Article):
        already_live = item.status is PublishStatus.PUBLISHED and item.published_at is not None
        if at is not None:
            item.published_at = at
        elif not (already_live and item.published_at is not None and item.published_at <= now):
            item.published_at = now
    item.status = PublishStatus.PUBLISHED
    note = ""
    if isinstance(item, Article) and item.published_at is not None and item.published_at > now:
        note = f"scheduled for {item.published_at:%Y-%m-%d %H:%M} UTC"
    return _finish(session, item, who, "publish", before, note)


def unpublish(session: Session, item: Editable, loaded: int, who: StaffUser) -> Revision:
    """Hide the item from shoppers; its values and any draft are kept."""
    before = _begin(session, item, loaded)
    item.status = PublishStatus.DRAFT
    return _finish(session, item, who, "unpublish", before)


def discard_draft(session: Session, item: Editable, loaded: int, who: StaffUser) -> Revision:
    """Throw away unpublished changes; the live values stay."""
    before = _begin(session, item, loaded)
    item.draft = None
    return _finish(session, item, who, "discard", before)


def restore_revision(
    session: Session, item: Editable, revision: Revision, loaded: int, who: StaffUser
) -> Revision:
    """Load an old snapshot as the working copy, as a new revision; never publishes."""
    before = _begin(session, item, loaded)
    _stage(session, item, _clean(session, item, revision.snapshot))
    return _finish(session, item, who, "restore", before, f"from version {revision.version}")


def delete_item(
    session: Session, item: Article | Page, loaded: int, who: StaffUser, now: datetime | None = None
) -> Revision:
    """Soft-delete: hidden from lists and the storefront until restored."""
    before = _begin(session, item, loaded)
    item.deleted_at = now or utcnow()
    return _finish(session, item, who, "delete", before)


def undelete_item(session: Session, item: Article | Page, loaded: int, who: StaffUser) -> Revision:
    """Bring a soft-deleted item back (with the status it had)."""
    before = _begin(session, item, loaded)
    item.deleted_at = None
    return _finish(session, item, who, "undelete", before)


def create_item(
    session: Session, kind: ItemKind, values: dict[str, Any], who: StaffUser
) -> Article | Page:
    """A new, unpublished article or page at version 1."""
    model = Article if kind is ItemKind.ARTICLE else Page
    ensure_slug_free(session, model, values["slug"], None)
    item: Article | Page = model(slug=values["slug"], title=values["title"])
    session.add(item)
    session.flush()
    if "product_ids" in values:
        values = {**values, "product_ids": _existing_ids(session, Product, values["product_ids"])}
    apply_to_live(session, item, values)
    record_revision(session, item, "create", who, working_copy(session, item))
    audit(session, who, f"{kind.value}.create", label_of(item), None, _state(item, item.version))
    return item


def load_item(session: Session, kind: ItemKind, item_id: int) -> Editable | None:
    """An item by kind and id."""
    if kind is ItemKind.PRODUCT:
        return session.get(Product, item_id)
    if kind is ItemKind.ARTICLE:
        return session.get(Article, item_id)
    return session.get(Page, item_id)


def save_edits(
    session: Session,
    item: Editable,
    values: dict[str, Any],
    loaded: int,
    who: StaffUser,
    publish_now: bool = False,
    at: datetime | None = None,
) -> Revision:
    """The edit form's buttons: save, or save and publish (skipping an empty save)."""
    if publish_now and _clean(session, item, values) == working_copy(session, item):
        return publish(session, item, loaded, who, at)
    revision = save(session, item, values, loaded, who)
    return publish(session, item, item.version, who, at) if publish_now else revision
