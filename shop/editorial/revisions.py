"""Revision history: record a snapshot per change, list, fetch and compare them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from shop.accounts.models import StaffUser
from shop.editorial.concurrency import Editable
from shop.editorial.models import ItemKind, Revision
from shop.editorial.snapshots import FIELDS, LABELS, kind_of

# Words and the whitespace between them, so a diff marks whole changed words.
TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class FieldChange:
    """One field of a comparison: its label, whether it changed, and a marked-up diff."""

    name: str
    label: str
    changed: bool
    diff: Markup


def record_revision(
    session: Session,
    item: Editable,
    action: str,
    who: StaffUser | None,
    snapshot: dict[str, Any],
    note: str = "",
) -> Revision:
    """Keep a snapshot of `item` at its current version."""
    revision = Revision(
        kind=kind_of(item),
        item_id=item.id,
        version=item.version,
        action=action,
        note=note[:200],
        snapshot=snapshot,
        staff_id=who.id if who else None,
        staff_email=who.email if who else "system",
    )
    session.add(revision)
    session.flush()
    return revision


def list_revisions(
    session: Session, kind: ItemKind, item_id: int, limit: int = 200
) -> list[Revision]:
    """An item's revisions, newest first."""
    query = (
        sa.select(Revision)
        .where(Revision.kind == kind, Revision.item_id == item_id)
        .order_by(Revision.version.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def get_revision(session: Session, kind: ItemKind, item_id: int, version: int) -> Revision | None:
    """The revision of an item at one version, if recorded."""
    return session.scalar(
        sa.select(Revision).where(
            Revision.kind == kind, Revision.item_id == item_id, Revision.version == version
        )
    )


def as_text(name: str, value: Any, titles: dict[int, str] | None = None) -> str:
    """A field value as lines of text, the way a person would read it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name in ("related_article_ids", "product_ids"):
        names = titles or {}
        return "\n".join(names.get(i, f"#{i} (no longer exists)") for i in value or [])
    if name == "highlights":
        return "\n".join(str(line) for line in value or [])
    if name == "faq":
        return "\n\n".join(
            f"Q: {e.get('question', '')}\nA: {e.get('answer', '')}" for e in value or []
        )
    return "" if value is None else str(value)


def word_diff(old: str, new: str) -> Markup:
    """`old` -> `new` with removed words in <del> and added words in <ins>; all text escaped."""
    before, after = TOKENS.findall(old), TOKENS.findall(new)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(before[a1:a2]))))
            continue
        if a2 > a1:
            out.append(f"<del>{escape(''.join(before[a1:a2]))}</del>")
        if b2 > b1:
            out.append(f"<ins>{escape(''.join(after[b1:b2]))}</ins>")
    return Markup("".join(out))  # noqa: S704 - every piece of text above is escaped


def compare(
    kind: ItemKind,
    old: dict[str, Any],
    new: dict[str, Any],
    titles: dict[int, str] | None = None,
) -> list[FieldChange]:
    """Every editable field of two snapshots, changed ones with a word diff."""
    changes = []
    for name in FIELDS[kind]:
        before = as_text(name, old.get(name), titles)
        after = as_text(name, new.get(name), titles)
        diff = word_diff(before, after) if before != after else escape(after)
        changes.append(FieldChange(name, LABELS.get(name, name), before != after, diff))
    return changes
