"""Turning editors' plain-text inputs into field values, and back for the forms."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from shop.editorial.errors import EditorialError

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?")
SLUG_RULE = "Use 1 to 120 lowercase letters, digits and hyphens, not starting or ending with one."
MAX_HIGHLIGHT = 200
MAX_QUESTION = 300
MAX_ANSWER = 2000


def check_slug(slug: str) -> str:
    """A valid slug, or EditorialError saying what a slug may contain."""
    if not SLUG.fullmatch(slug):
        raise EditorialError(f"The slug isn't valid. {SLUG_RULE}")
    return slug


def highlights_from_text(text: str) -> list[str]:
    """One highlight per non-empty line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if len(line) > MAX_HIGHLIGHT:
            raise EditorialError(f"Keep each highlight to {MAX_HIGHLIGHT} characters or fewer.")
    return lines


def highlights_to_text(highlights: list[str]) -> str:
    """Highlights as the form shows them, one per line."""
    return "\n".join(highlights)


def faq_from_text(text: str) -> list[dict[str, Any]]:
    """Question/answer pairs from blocks of "Q: ..." then "A: ...", separated by blank lines."""
    entries = []
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    for number, block in enumerate(blocks, start=1):
        match = re.fullmatch(r"Q:\s*(?P<q>.+?)\s*\nA:\s*(?P<a>.+)", block, re.DOTALL)
        if match is None:
            raise EditorialError(
                f"Question {number} should be a line starting “Q:” followed by a line "
                "starting “A:”, with a blank line before the next question."
            )
        question = " ".join(match["q"].split())
        answer = " ".join(match["a"].split())
        if len(question) > MAX_QUESTION or len(answer) > MAX_ANSWER:
            raise EditorialError(
                f"Question {number} is too long (questions up to {MAX_QUESTION} characters, "
                f"answers up to {MAX_ANSWER})."
            )
        entries.append({"question": question, "answer": answer})
    return entries


def faq_to_text(faq: list[dict[str, Any]]) -> str:
    """Question/answer pairs as the form shows them."""
    return "\n\n".join(f"Q: {e.get('question', '')}\nA: {e.get('answer', '')}" for e in faq)


def as_utc(moment: datetime) -> datetime:
    """A naive time from a `datetime-local` field, read as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
