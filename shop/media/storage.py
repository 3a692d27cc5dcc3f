"""Where product images live on disk and how their URLs are built."""

from __future__ import annotations

import re
from pathlib import Path

from flask import current_app, url_for

#: Widths rendered for every image, used in srcset.
IMAGE_WIDTHS = (480, 800, 1200)

# Only names the shop generated itself: stem, width, extension. No paths, no dots elsewhere.
MEDIA_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}-\d{2,4}\.webp$")


def media_dir() -> Path:
    """The folder holding generated and uploaded images."""
    path: Path = current_app.config["MEDIA_DIR"]
    return path


def is_media_name(name: str) -> bool:
    """Whether `name` looks like a file the shop wrote (guards path traversal)."""
    return bool(MEDIA_NAME.fullmatch(name))


def image_url(stem: str, width: int) -> str:
    """URL of one rendition of an image."""
    return url_for("media.image", name=f"{stem}-{width}.webp")


def image_srcset(stem: str, widths: list[int]) -> str:
    """A srcset attribute value listing every rendition."""
    return ", ".join(f"{image_url(stem, w)} {w}w" for w in sorted(widths))
