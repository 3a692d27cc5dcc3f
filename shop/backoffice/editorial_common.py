"""What the product, article and page editors share: kinds, list arguments, running changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from sqlalchemy.exc import IntegrityError

from shop.backoffice.blueprint import bp
from shop.backoffice.paging import parse_page
from shop.db import get_session, utcnow
from shop.editorial.errors import EditConflict, EditorialError
from shop.editorial.models import ItemKind
from shop.editorial.revisions import get_revision


@dataclass(frozen=True)
class KindInfo:
    """How the backoffice names and links one kind of item."""

    kind: ItemKind
    segment: str
    noun: str
    list_endpoint: str
    edit_endpoint: str
    id_arg: str

    def endpoint(self, what: str) -> str:
        """This kind's endpoint for a shared page, e.g. "backoffice.article_history"."""
        return f"backoffice.{self.noun}_{what}"


KINDS = {
    "products": KindInfo(
        ItemKind.PRODUCT, "products", "product", "backoffice.products",
        "backoffice.product_edit", "product_id",
    ),
    "articles": KindInfo(
        ItemKind.ARTICLE, "articles", "article", "backoffice.articles",
        "backoffice.article_edit", "article_id",
    ),
    "pages": KindInfo(
        ItemKind.PAGE, "pages", "page", "backoffice.pages", "backoffice.page_edit", "page_id"
    ),
}  # fmt: skip
BY_KIND = {info.kind: info for info in KINDS.values()}


def edit_url(kind: ItemKind, item_id: int) -> str:
    """The edit page of an item."""
    info = BY_KIND[kind]
    values: dict[str, Any] = {info.id_arg: item_id}
    return url_for(info.edit_endpoint, **values)


@dataclass(frozen=True)
class Problem:
    """Why a change was refused: the status, a message and, for conflicts, where to compare."""

    status: int
    message: str
    compare_url: str | None = None


@dataclass(frozen=True)
class ListArgs:
    """A list's search text, page number and whether it shows deleted items."""

    q: str
    page: int
    deleted: bool


def list_args() -> ListArgs:
    """Read ?q=, ?page= and ?show=deleted (400 for a bad page number)."""
    return ListArgs(
        q=request.args.get("q", "")[:200],
        page=parse_page(request.args.get("page")),
        deleted=request.args.get("show") == "deleted",
    )


def _conflict_url(kind: ItemKind, item_id: int, error: EditConflict) -> str:
    # Compare what the editor loaded with what is there now, if both were recorded.
    session = get_session()
    info = BY_KIND[kind]
    if get_revision(session, kind, item_id, error.loaded) and error.current:
        return url_for(info.endpoint("compare"), item_id=item_id, a=error.loaded, b=error.current)
    return url_for(info.endpoint("history"), item_id=item_id)


def attempt(kind: ItemKind, item_id: int, change: Callable[[], object]) -> Problem | None:
    """Run a change and commit it; on a conflict or a refused value roll back and say why."""
    session = get_session()
    try:
        change()
        session.commit()
    except EditConflict as error:
        session.rollback()
        return Problem(409, error.message, _conflict_url(kind, item_id, error))
    except EditorialError as error:
        session.rollback()
        return Problem(400, error.message)
    except IntegrityError:
        # Two editors claiming one slug at the same moment: the unique constraint decides.
        session.rollback()
        return Problem(409, "That slug was just taken by another item. Choose another.")
    return None


@bp.context_processor
def editorial_context() -> dict[str, Any]:
    """Lets editor templates tell a scheduled article from a live one."""
    return {"now_utc": utcnow}
