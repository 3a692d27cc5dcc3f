"""Generated placeholder illustrations: size, determinism, palettes, errors, WebP sets."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from shop.media.placeholders import MOTIFS, PALETTES, render_placeholder, save_webp_set


@pytest.mark.parametrize("motif", MOTIFS)
def test_exact_size_and_rgb(motif: str) -> None:
    image = render_placeholder(motif, "sand", 321, 207)
    assert image.size == (321, 207)
    assert image.mode == "RGB"


@pytest.mark.parametrize("size", [(480, 480), (640, 360), (300, 500)])
def test_exact_size_for_various_aspects(size: tuple[int, int]) -> None:
    assert render_placeholder("bundle", "sage", *size).size == size


@pytest.mark.parametrize("motif", MOTIFS)
def test_deterministic_for_same_arguments(motif: str) -> None:
    first = render_placeholder(motif, "clay", 240, 240, seed="sku-1")
    second = render_placeholder(motif, "clay", 240, 240, seed="sku-1")
    assert first.tobytes() == second.tobytes()


def test_seed_changes_small_details() -> None:
    renders = {render_placeholder("device", "sand", 200, 200, seed=s).tobytes() for s in "abcdef"}
    assert len(renders) > 1


@pytest.mark.parametrize("motif", MOTIFS)
def test_palettes_give_different_pixels(motif: str) -> None:
    renders = {p: render_placeholder(motif, p, 160, 160).tobytes() for p in PALETTES}
    assert len(set(renders.values())) == len(PALETTES)


@pytest.mark.parametrize("motif", MOTIFS)
def test_image_is_not_blank(motif: str) -> None:
    image = render_placeholder(motif, "graphite", 200, 200)
    stat = ImageStat.Stat(image.convert("L"))
    assert stat.stddev[0] > 5
    low, high = image.convert("L").getextrema()
    assert high - low > 60


def test_unknown_motif_raises_value_error() -> None:
    with pytest.raises(ValueError, match="motif"):
        render_placeholder("toaster", "sand", 100, 100)


def test_unknown_palette_raises_value_error() -> None:
    with pytest.raises(ValueError, match="palette"):
        render_placeholder("device", "neon", 100, 100)


def test_save_webp_set_writes_reopenable_files(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "img"
    factory = partial(render_placeholder, "case", "sage")
    result = save_webp_set(factory, target, "case", [480, 800], aspect=4 / 3)
    assert result == [(480, 360, "case-480.webp"), (800, 600, "case-800.webp")]
    for width, height, name in result:
        with Image.open(target / name) as image:
            assert image.format == "WEBP"
            assert image.size == (width, height)
    assert (target / "case-800.webp").stat().st_size < 25_000
