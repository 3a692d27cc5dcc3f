"""Serves product images from the media folder."""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_from_directory

from shop.media.storage import is_media_name, media_dir

bp = Blueprint("media", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.get("/media/<name>")
def image(name: str) -> Response:
    """One image rendition; names are generated, so they can be cached for good."""
    if not is_media_name(name):
        abort(404)
    response = send_from_directory(media_dir(), name, mimetype="image/webp", max_age=ONE_YEAR)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
