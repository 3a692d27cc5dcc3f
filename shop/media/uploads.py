"""Staff picture uploads: checked by content, re-encoded to WebP renditions, stored by stem."""

from __future__ import annotations

import io
import os
import re
import secrets
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from shop.catalog.models import Product, ProductImage
from shop.media.storage import IMAGE_WIDTHS, is_media_name

#: Upload size used when the app sets no MAX_CONTENT_LENGTH (env MAX_UPLOAD_BYTES).
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
#: Pictures with more pixels are refused from their header, before any decoding.
MAX_PIXELS = 40_000_000
#: The smallest rendition is never an upscale; flat strips are no product photo.
MIN_WIDTH, MIN_HEIGHT = IMAGE_WIDTHS[0], 200
MAX_ALT = 300
#: Pillow formats accepted, judged by content; SVG, TIFF, BMP, PDF and the rest are refused.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
#: For the file input's accept attribute (a hint only: the content decides).
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
KINDS = "a JPEG, PNG, WebP or GIF picture"
WEBP_QUALITY = 82

_SVG = re.compile(rb"^(\xef\xbb\xbf)?\s*(<\?xml|<!--|<!doctype svg|<svg)", re.IGNORECASE)
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)
_SLUG_JUNK = re.compile(r"[^a-z0-9-]+")


class UploadError(Exception):
    """An upload that cannot be used; `message` says why, `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Renditions:
    """WebP files written for one picture: the largest rendition's size and every width."""

    stem: str
    width: int
    height: int
    widths: list[int]


def clean_alt(raw: str | None) -> str:
    """Alt text trimmed to single spaces, 1-300 characters, or UploadError."""
    alt = " ".join((raw or "").split())
    if not alt:
        raise UploadError("Add alt text: describe what the picture shows.")
    if len(alt) > MAX_ALT:
        raise UploadError(f"Keep the alt text to {MAX_ALT} characters (it has {len(alt)}).")
    return alt


def size_label(size: int) -> str:
    """A byte count for people: "8 MB", "64 KB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{max(1, size // 1024)} KB"


def too_large_message(max_bytes: int) -> str:
    """What to tell someone whose file is over the byte limit."""
    return f"That file is larger than the {size_label(max_bytes)} limit for pictures."


def decode_upload(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Image.Image:
    """The picture in `data` as an upright RGB image without metadata, or UploadError."""
    if not data:
        raise UploadError("Choose a picture to upload.")
    if len(data) > max_bytes:
        raise UploadError(too_large_message(max_bytes), 413)
    if _SVG.match(data[:1024]):
        raise UploadError(f"SVG drawings aren't accepted: upload {KINDS}.", 415)
    with warnings.catch_warnings():
        # Pillow only warns about very large images; here that is a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            _check_header(data)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                image.seek(0)  # animated GIF or WebP: the first frame only
                image.load()
                upright = ImageOps.exif_transpose(image)
        except UnidentifiedImageError:
            raise UploadError(
                f"That file isn't a picture we can read: upload {KINDS}.", 415
            ) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadError(_too_many_pixels(), 413) from None
        except _BROKEN:
            raise UploadError("That picture is damaged or incomplete; export it again.") from None
    width, height = upright.size
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise UploadError(
            f"That picture is {width}x{height} pixels; it must be at least "
            f"{MIN_WIDTH} pixels wide and {MIN_HEIGHT} tall."
        )
    return _flatten(upright)


def _too_many_pixels(width: int = 0, height: int = 0) -> str:
    size = f" ({width}x{height})" if width else ""
    return f"That picture has too many pixels{size}; the limit is {MAX_PIXELS // 10**6} megapixels."


def _check_header(data: bytes) -> None:
    """Refuse by the header's pixel count, then verify the file's structure; decode nothing."""
    with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
        width, height = probe.size
        if width * height > MAX_PIXELS:
            raise UploadError(_too_many_pixels(width, height), 413)
        probe.verify()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels only: transparency over white, no EXIF, ICC, XMP or comments."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = image.convert("RGB")
    flat.info.clear()
    return flat


def new_stem(slug: str) -> str:
    """A fresh, unguessable file stem from the product slug (never from the upload's name)."""
    base = _SLUG_JUNK.sub("-", slug.lower()[:40]).strip("-") or "image"
    return f"{base}-{secrets.token_hex(6)}"


def write_renditions(image: Image.Image, directory: Path, stem: str) -> Renditions:
    """Save a WebP per IMAGE_WIDTHS width the source reaches; never upscale."""
    directory.mkdir(parents=True, exist_ok=True)
    widths = [w for w in IMAGE_WIDTHS if w <= image.width] or [image.width]
    written: list[Path] = []
    try:
        for width in widths:
            height = max(1, round(width * image.height / image.width))
            resized = (
                image
                if width == image.width
                else image.resize((width, height), Image.Resampling.LANCZOS)
            )
            target = directory / f"{stem}-{width}.webp"
            partial = directory / f".{stem}-{width}.part"
            resized.save(partial, "WEBP", quality=WEBP_QUALITY, method=6)
            os.replace(partial, target)
            written.append(target)
    except OSError:
        remove_files(written)
        raise
    largest = widths[-1]
    return Renditions(stem, largest, max(1, round(largest * image.height / image.width)), widths)


def image_files(directory: Path, image: ProductImage) -> list[Path]:
    """The rendition files of an image (only names the shop generates)."""
    names = (f"{image.stem}-{w}.webp" for w in image.widths)
    return [directory / name for name in names if is_media_name(name)]


def remove_files(paths: list[Path]) -> None:
    """Delete files, best effort: a missing or locked file is left alone."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            continue


def add_image(
    session: Session,
    product: Product,
    data: bytes,
    alt: str | None,
    directory: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ProductImage:
    """Check, re-encode and store an upload as the product's last picture; flushes."""
    text = clean_alt(alt)
    picture = decode_upload(data, max_bytes)
    saved = write_renditions(picture, directory, new_stem(product.slug))
    last = session.scalar(
        sa.select(sa.func.max(ProductImage.position)).where(ProductImage.product_id == product.id)
    )
    image = ProductImage(
        product=product,
        stem=saved.stem,
        alt=text,
        position=0 if last is None else last + 1,
        width=saved.width,
        height=saved.height,
        widths=saved.widths,
    )
    session.add(image)
    session.flush()
    return image


def set_alt(session: Session, image: ProductImage, alt: str | None) -> str:
    """Change an image's alt text; returns the old text. Flushes."""
    before, image.alt = image.alt, clean_alt(alt)
    session.flush()
    return before


def _renumber(session: Session, images: list[ProductImage]) -> None:
    for position, image in enumerate(images):
        image.position = position
    session.flush()


def move_image(session: Session, product: Product, image: ProductImage, direction: str) -> bool:
    """Swap an image with its neighbour up or down; False if it is already at that end."""
    if direction not in ("up", "down"):
        raise UploadError("Move a picture up or down.")
    images = sorted(product.images, key=lambda i: (i.position, i.id))
    index = images.index(image)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(images):
        return False
    images[index], images[other] = images[other], images[index]
    _renumber(session, images)
    return True


def delete_image(session: Session, product: Product, image: ProductImage) -> None:
    """Remove an image's row and renumber the rest (files go after commit). Flushes."""
    rest = [i for i in sorted(product.images, key=lambda i: (i.position, i.id)) if i is not image]
    product.images.remove(image)
    session.delete(image)
    session.flush()
    _renumber(session, rest)
