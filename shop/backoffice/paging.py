"""Query-string parsing shared by backoffice lists."""

from __future__ import annotations

from flask import abort

MAX_ID = 2**63 - 1


def parse_cursor(raw: str | None) -> int | None:
    """A positive integer key from the query string; 400 for anything else."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        abort(400, description="That page link is not valid.")
    return int(raw)


def parse_page(raw: str | None) -> int:
    """A page number >= 1 (default 1); 400 for anything else."""
    if raw is None or raw == "":
        return 1
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) < 100_000:
        abort(400, description="Page numbers are whole numbers from 1.")
    return int(raw)
