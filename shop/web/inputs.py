"""Request input rules shared by every route: slug URLs and no NUL characters."""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import BaseConverter


class SlugConverter(BaseConverter):
    """Matches lowercase slugs only, so anything else is a 404 before a query runs."""

    regex = r"[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?"


def reject_nul_characters() -> None:
    """Refuse query strings and form fields carrying NUL, which databases cannot store."""
    values = [*request.args.values(), *request.args.keys()]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += [*request.form.values(), *request.form.keys()]
    if any("\x00" in value for value in values):
        abort(400, description="The request contained a null character, which isn't allowed.")


def init_app(app: Flask) -> None:
    """Register the slug converter and the NUL guard."""
    app.url_map.converters["slug"] = SlugConverter
    app.before_request(reject_nul_characters)
