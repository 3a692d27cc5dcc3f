"""Picture uploads at the service level: content checks, limits, re-encoding, storage."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageFile
from sqlalchemy.orm import Session

from shop.catalog.models import Product
from shop.media import uploads
from shop.media.storage import MEDIA_NAME
from shop.media.uploads import UploadError, decode_upload


@pytest.fixture
def app_overrides(tmp_path: Path) -> dict[str, Any]:
    """Keep this module's files out of the shared media cache."""
    return {"MEDIA_DIR": tmp_path / "media"}


def encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    """The image saved in memory as `fmt`."""
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def photo(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """A picture with some structure (a gradient), so encoders do real work."""
    gradient = Image.linear_gradient("L").resize((width, height))
    return Image.merge("RGB", (gradient, gradient.rotate(90), gradient)).convert(mode)


def refused(data: bytes, status: int | None = None) -> UploadError:
    """The UploadError raised for `data` (and its status, if given)."""
    with pytest.raises(UploadError) as caught:
        decode_upload(data)
    if status is not None:
        assert caught.value.status == status, caught.value.message
    return caught.value


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_a_png_becomes_webp_renditions_with_a_generated_name(tmp_path: Path) -> None:
    picture = decode_upload(encode(photo(1600, 1000), "PNG"))
    saved = uploads.write_renditions(picture, tmp_path, uploads.new_stem("balmorex-pro"))

    assert saved.widths == [480, 800, 1200]
    assert (saved.width, saved.height) == (1200, 750)
    assert saved.stem.startswith("balmorex-pro-") and len(saved.stem) == len("balmorex-pro-") + 12
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"{saved.stem}-{w}.webp" for w in (480, 800, 1200))
    for name in names:
        assert MEDIA_NAME.fullmatch(name)
        with Image.open(tmp_path / name) as out:
            assert out.format == "WEBP"
            assert out.width == int(name.rsplit("-", 1)[1].split(".")[0])
            assert out.height == round(out.width * 1000 / 1600)


def test_a_jpeg_is_never_upscaled(tmp_path: Path) -> None:
    picture = decode_upload(encode(photo(900, 600), "JPEG", quality=90))
    saved = uploads.write_renditions(picture, tmp_path, "jpeg-case-0123456789ab")
    assert saved.widths == [480, 800]
    assert (saved.width, saved.height) == (800, 533)
    assert not (tmp_path / "jpeg-case-0123456789ab-1200.webp").exists()


def test_webp_and_gif_are_accepted() -> None:
    assert decode_upload(encode(photo(640, 480), "WEBP")).size == (640, 480)
    assert decode_upload(encode(photo(640, 480), "GIF")).size == (640, 480)


def test_a_text_file_is_refused_whatever_its_name() -> None:
    error = refused(b"just some notes, saved as holiday.png\n" * 20, 415)
    assert "isn't a picture" in error.message


@pytest.mark.parametrize(
    "svg",
    [
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="900" height="900"/>',
        b'  <svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
        b"\xef\xbb\xbf<!-- logo --><svg/>",
    ],
)
def test_svg_is_refused_with_a_clear_message(svg: bytes) -> None:
    assert "SVG" in refused(svg, 415).message


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_truncated_picture_is_refused(fmt: str) -> None:
    data = encode(photo(1000, 800), fmt)
    assert "damaged or incomplete" in refused(data[: len(data) // 2], 400).message


def test_other_formats_are_refused_by_content() -> None:
    for fmt in ("BMP", "TIFF"):
        assert "isn't a picture" in refused(encode(photo(600, 600), fmt), 415).message


def test_a_header_claiming_huge_dimensions_is_refused() -> None:
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
    bomb += png_chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + png_chunk(b"IEND", b"")
    assert "too many pixels" in refused(bomb, 413).message


def test_a_cheap_image_over_the_pixel_limit_is_refused_without_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 7000x7000 = 49 megapixels: under Pillow's own warning, over our 40-megapixel limit.
    data = encode(Image.new("L", (7000, 7000)), "PNG")
    assert len(data) < 200_000

    def no_decoding(_self: ImageFile.ImageFile) -> None:
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    error = refused(data, 413)
    assert "7000x7000" in error.message and "40 megapixels" in error.message


@pytest.mark.parametrize("size", [(300, 300), (479, 900), (1200, 150)])
def test_a_picture_that_is_too_small_is_refused(size: tuple[int, int]) -> None:
    error = refused(encode(photo(*size), "PNG"), 400)
    assert "at least 480 pixels wide and 200 tall" in error.message


def test_empty_and_oversized_files_are_refused() -> None:
    assert "Choose a picture" in refused(b"").message
    with pytest.raises(UploadError) as caught:
        decode_upload(encode(photo(600, 600), "PNG"), max_bytes=1024)
    assert caught.value.status == 413 and "1 KB limit" in caught.value.message


def test_metadata_is_stripped_and_orientation_applied(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    exif[0x010F] = "Camera Maker"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    source = photo(1000, 600)
    data = encode(source, "JPEG", exif=exif.tobytes(), icc_profile=b"\0" * 128, comment=b"hi")
    picture = decode_upload(data)
    assert picture.size == (600, 1000)
    saved = uploads.write_renditions(picture, tmp_path, "exif-case-0123456789ab")
    assert saved.widths == [480] and (saved.width, saved.height) == (480, 800)
    with Image.open(tmp_path / "exif-case-0123456789ab-480.webp") as out:
        assert not out.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(out.info)
        assert out.mode == "RGB"


def test_transparency_is_flattened_onto_white() -> None:
    clear = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    assert decode_upload(encode(clear, "PNG")).getpixel((10, 10)) == (255, 255, 255)


def test_an_animated_gif_keeps_its_first_frame() -> None:
    frames = [Image.new("RGB", (500, 500), color) for color in ((200, 30, 30), (30, 30, 200))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    red, _green, blue = decode_upload(out.getvalue()).getpixel((250, 250))
    assert red > 150 and blue < 80


def test_stems_come_from_the_slug_and_chance() -> None:
    first, second = uploads.new_stem("Balmorex-Pro"), uploads.new_stem("balmorex-pro")
    assert first != second and first.startswith("balmorex-pro-")
    assert uploads.new_stem("../../etc/passwd").startswith("etc-passwd-")
    assert uploads.new_stem("x" * 120).startswith("x" * 40 + "-")
    for stem in (first, uploads.new_stem("---"), uploads.new_stem("../../etc/passwd")):
        assert MEDIA_NAME.fullmatch(f"{stem}-480.webp")


def test_alt_text_is_trimmed_and_required() -> None:
    assert uploads.clean_alt("  The device\n on a  table ") == "The device on a table"
    for bad in ("", "   ", None, "x" * 301):
        with pytest.raises(UploadError):
            uploads.clean_alt(bad)
    assert uploads.clean_alt("x" * 300) == "x" * 300


def test_add_move_and_delete_keep_positions_in_order(
    db: Session, make_product: Callable[..., Product], tmp_path: Path
) -> None:
    product = make_product(slug="travel-case", images=1)
    data = encode(photo(1300, 1300), "PNG")
    added = [uploads.add_image(db, product, data, f"View {n}", tmp_path) for n in (2, 3)]
    db.commit()
    assert [i.position for i in product.images] == [0, 1, 2]
    assert all(i.stem.startswith("travel-case-") for i in added)
    assert len(list(tmp_path.iterdir())) == 6  # two pictures in three widths, nothing else

    assert uploads.move_image(db, product, added[1], "up")
    assert not uploads.move_image(db, product, added[0], "down")  # now last
    db.commit()
    db.expire_all()
    assert [i.alt for i in product.images][1:] == ["View 3", "View 2"]
    assert [i.position for i in product.images] == [0, 1, 2]

    first = product.images[0]
    assert not uploads.move_image(db, product, first, "up")
    with pytest.raises(UploadError):
        uploads.move_image(db, product, first, "sideways")

    files = uploads.image_files(tmp_path, added[0])
    uploads.delete_image(db, product, added[0])
    db.commit()
    uploads.remove_files(files)
    db.expire_all()
    assert [i.position for i in product.images] == [0, 1]
    assert not any(path.exists() for path in files)


def test_nothing_is_written_when_the_alt_text_or_picture_is_bad(
    db: Session, make_product: Callable[..., Product], tmp_path: Path
) -> None:
    product = make_product()
    for data, alt in ((encode(photo(600, 600), "PNG"), " "), (b"<svg/>", "A drawing")):
        with pytest.raises(UploadError):
            uploads.add_image(db, product, data, alt, tmp_path)
    db.rollback()
    assert product.images == []
    assert not tmp_path.exists() or not list(tmp_path.iterdir())
