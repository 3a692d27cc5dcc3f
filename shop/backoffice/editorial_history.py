"""Revision history, comparison and restore, and the one-click actions every editor shares."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from shop.accounts.models import Role
from shop.backoffice.access import allow, staff
from shop.backoffice.blueprint import bp
from shop.backoffice.editorial_common import KINDS, KindInfo, attempt, edit_url
from shop.backoffice.editorial_forms import VersionForm
from shop.backoffice.paging import parse_cursor
from shop.catalog.models import Product
from shop.content.models import Article, Page
from shop.db import get_session
from shop.editorial import publishing
from shop.editorial.concurrency import Editable
from shop.editorial.models import ItemKind, Revision
from shop.editorial.revisions import compare, get_revision, list_revisions

#: One-click actions per kind; products are never deleted.
ACTIONS = {
    "products": ("publish", "unpublish", "discard"),
    "articles": ("publish", "unpublish", "discard", "delete", "undelete"),
    "pages": ("publish", "unpublish", "discard", "delete", "undelete"),
}
DONE = {
    "publish": "Published: shoppers see it now (or at its scheduled time).",
    "unpublish": "Unpublished: shoppers no longer see it.",
    "discard": "Unpublished changes discarded; the live version is unchanged.",
    "delete": "Deleted. It is hidden from the storefront and can be restored from “Deleted”.",
    "undelete": "Restored from the deleted items.",
}


def _item(kinds: str, item_id: int) -> tuple[KindInfo, Editable]:
    info = KINDS[kinds]
    item = publishing.load_item(get_session(), info.kind, item_id)
    if item is None:
        abort(404)
    return info, item


def display_name(item: Editable) -> str:
    """What an editor calls the item: a product's name or a page's title."""
    return item.name if isinstance(item, Product) else item.title


def _titles(kind: ItemKind, revisions: list[Revision]) -> dict[int, str]:
    # Linked items are stored by id; show their names in comparisons.
    field = "related_article_ids" if kind is ItemKind.PRODUCT else "product_ids"
    ids = {i for r in revisions for i in r.snapshot.get(field, [])}
    if not ids:
        return {}
    if kind is ItemKind.PRODUCT:
        query = sa.select(Article.id, Article.title).where(Article.id.in_(ids))
    else:
        query = sa.select(Product.id, Product.name).where(Product.id.in_(ids))
    return {row[0]: row[1] for row in get_session().execute(query)}


@allow(Role.MARKETER)
def editorial_history(kinds: str, item_id: int) -> str:
    """Every saved version of an item, newest first, with compare and restore."""
    info, item = _item(kinds, item_id)
    revisions = list_revisions(get_session(), info.kind, item_id)
    return render_template(
        "backoffice/editorial/history.html",
        info=info,
        item=item,
        name=display_name(item),
        revisions=revisions,
        edit_url=edit_url(info.kind, item_id),
        form=VersionForm(data={"version": item.version}),
    )


@allow(Role.MARKETER)
def editorial_compare(kinds: str, item_id: int) -> str:
    """Two versions side by side, field by field, with changed words marked."""
    info, item = _item(kinds, item_id)
    session = get_session()
    a, b = parse_cursor(request.args.get("a")), parse_cursor(request.args.get("b"))
    if a is None or b is None:
        abort(400, description="Choose two versions to compare.")
    old = get_revision(session, info.kind, item_id, min(a, b))
    new = get_revision(session, info.kind, item_id, max(a, b))
    if old is None or new is None:
        abort(404, description="One of those versions doesn't exist.")
    changes = compare(info.kind, old.snapshot, new.snapshot, _titles(info.kind, [old, new]))
    return render_template(
        "backoffice/editorial/compare.html",
        info=info,
        item=item,
        name=display_name(item),
        old=old,
        new=new,
        changes=changes,
        edit_url=edit_url(info.kind, item_id),
    )


def _refused(
    info: KindInfo, item_id: int, status: int, message: str, link: str | None
) -> tuple[str, int]:
    return render_template(
        "backoffice/editorial/problem.html",
        message=message,
        compare_url=link,
        edit_url=edit_url(info.kind, item_id),
        info=info,
    ), status


@allow(Role.MARKETER)
def editorial_restore(kinds: str, item_id: int, version: int) -> ResponseReturnValue:
    """Load an old version into the draft, as a new revision (nothing is published)."""
    info, item = _item(kinds, item_id)
    session = get_session()
    revision = get_revision(session, info.kind, item_id, version)
    if revision is None:
        abort(404)
    form = VersionForm()
    if not form.validate_on_submit():
        return _refused(info, item_id, 400, "That form was incomplete; reload and retry.", None)
    problem = attempt(
        info.kind,
        item_id,
        lambda: publishing.restore_revision(session, item, revision, form.version.data, staff()),
    )
    if problem:
        return _refused(info, item_id, problem.status, problem.message, problem.compare_url)
    flash(f"Version {version} is loaded as the working copy. Publish when it's ready.", "success")
    return redirect(edit_url(info.kind, item_id), 303)


@allow(Role.MARKETER)
def editorial_action(kinds: str, item_id: int, action: str) -> ResponseReturnValue:
    """Publish, unpublish, discard the draft, delete or restore a deleted item."""
    info, item = _item(kinds, item_id)
    form = VersionForm()
    if not form.validate_on_submit():
        return _refused(info, item_id, 400, "That form was incomplete; reload and retry.", None)
    session, who, loaded = get_session(), staff(), form.version.data
    changes = {
        "publish": lambda: publishing.publish(session, item, loaded, who),
        "unpublish": lambda: publishing.unpublish(session, item, loaded, who),
        "discard": lambda: publishing.discard_draft(session, item, loaded, who),
    }
    if isinstance(item, Article | Page):
        changes["delete"] = lambda: publishing.delete_item(session, item, loaded, who)
        changes["undelete"] = lambda: publishing.undelete_item(session, item, loaded, who)
    problem = attempt(info.kind, item_id, changes[action])
    if problem:
        return _refused(info, item_id, problem.status, problem.message, problem.compare_url)
    flash(DONE[action], "success")
    target = url_for(info.list_endpoint) if action == "delete" else edit_url(info.kind, item_id)
    return redirect(target, 303)


# Each kind gets its own endpoints (backoffice.article_history, backoffice.page_delete, ...),
# so access rules and links name the kind they are about.
for _segment, _info in KINDS.items():
    _base = f"/{_segment}/<int:item_id>"
    _kind = {"kinds": _segment}
    bp.add_url_rule(f"{_base}/history", _info.noun + "_history", editorial_history, defaults=_kind)
    bp.add_url_rule(f"{_base}/compare", _info.noun + "_compare", editorial_compare, defaults=_kind)
    bp.add_url_rule(
        f"{_base}/history/<int:version>/restore",
        _info.noun + "_restore",
        editorial_restore,
        methods=["POST"],
        defaults=_kind,
    )
    for _action in ACTIONS[_segment]:
        bp.add_url_rule(
            f"{_base}/{_action}",
            f"{_info.noun}_{_action}",
            editorial_action,
            methods=["POST"],
            defaults={**_kind, "action": _action},
        )
