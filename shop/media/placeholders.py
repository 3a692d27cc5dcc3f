"""Calm, flat placeholder illustrations for product and article images (no text, deterministic)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

MOTIFS = ("device", "device-angle", "heads", "wrap", "case", "bundle", "article")
PALETTES = ("sand", "sage", "graphite", "clay")

PALETTE_COLORS: dict[str, dict[str, str]] = {
    "sand": {"background": "#F7F2EA", "background2": "#EEE4D5", "main": "#D8C3A2",
             "dark": "#7C6650", "light": "#FBF7F0", "accent": "#C8643B"},
    "sage": {"background": "#F1F4EE", "background2": "#E1E9DC", "main": "#A9BEA2",
             "dark": "#55695A", "light": "#F8FAF5", "accent": "#C8643B"},
    "graphite": {"background": "#F2F2F1", "background2": "#E2E3E4", "main": "#A4A9AE",
                 "dark": "#36393E", "light": "#F9F9F8", "accent": "#C8643B"},
    "clay": {"background": "#FAF1EA", "background2": "#F2DFD2", "main": "#E0B49B",
             "dark": "#8E5540", "light": "#FDF8F3", "accent": "#B9552F"},
}  # fmt: skip

_SS = 2  # supersampling factor: draw at 2x, downscale with LANCZOS
Color = tuple[int, ...]
Point = tuple[float, float]


@dataclass(frozen=True)
class _Pal:
    bg: Color
    bg2: Color
    main: Color
    dark: Color
    light: Color
    accent: Color

    @classmethod
    def named(cls, name: str) -> _Pal:
        c = {
            k: tuple(int(v[i : i + 2], 16) for i in (1, 3, 5))
            for k, v in PALETTE_COLORS[name].items()
        }
        return cls(c["background"], c["background2"], c["main"], c["dark"], c["light"], c["accent"])

    def mix(self, a: Color, b: Color, t: float, alpha: int = 255) -> Color:
        return (*(round(x + (y - x) * t) for x, y in zip(a[:3], b[:3], strict=True)), alpha)


@dataclass(frozen=True)
class _Pen:
    """Draws in unit coordinates: (0, 0) is the pen's centre, 1.0 is ``s`` pixels."""

    draw: ImageDraw.ImageDraw
    ox: float
    oy: float
    s: float

    def pt(self, x: float, y: float) -> Point:
        return (self.ox + x * self.s, self.oy + y * self.s)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (*self.pt(x0, y0), *self.pt(x1, y1))

    def px(self, v: float) -> int:
        return max(1, round(v * self.s))

    def sub(self, dx: float, dy: float, k: float) -> _Pen:
        return replace(self, ox=self.pt(dx, dy)[0], oy=self.pt(dx, dy)[1], s=self.s * k)

    def ellipse(self, x: float, y: float, rx: float, ry: float, fill: Color) -> None:
        self.draw.ellipse(self.box(x - rx, y - ry, x + rx, y + ry), fill=fill)

    def circle(self, x: float, y: float, r: float, fill: Color) -> None:
        self.ellipse(x, y, r, r, fill)

    def rrect(self, x0: float, y0: float, x1: float, y1: float, r: float, fill: Color) -> None:
        self.draw.rounded_rectangle(self.box(x0, y0, x1, y1), radius=r * self.s, fill=fill)

    def poly(self, pts: Sequence[Point], fill: Color) -> None:
        self.draw.polygon([self.pt(x, y) for x, y in pts], fill=fill)

    def line(self, pts: Sequence[Point], fill: Color, w: float) -> None:
        self.draw.line([self.pt(x, y) for x, y in pts], fill=fill, width=self.px(w), joint="curve")
        for x, y in (pts[0], pts[-1]):
            self.circle(x, y, w / 2 * 0.98, fill)

    def arc(self, x: float, y: float, r: float, a0: float, a1: float, c: Color, w: float) -> None:
        pts = [(x + r * math.cos(math.radians(a)), y + r * math.sin(math.radians(a)))
               for a in (a0 + (a1 - a0) * i / 24 for i in range(25))]  # fmt: skip
        self.line(pts, c, w)


def _layer(
    base: Image.Image,
    pen: _Pen,
    paint: Callable[[_Pen], None],
    angle: float = 0,
    blur: float = 0,
    clear: Color = (0, 0, 0, 0),
) -> None:
    """Paint on a transparent layer, rotate it about the pen centre (or blur it), composite it."""
    layer = Image.new("RGBA", base.size, clear)
    paint(replace(pen, draw=ImageDraw.Draw(layer)))
    box = layer.getbbox(alpha_only=True)
    if box is None:
        return
    cx, cy = round(pen.ox), round(pen.oy)
    if angle:  # rotate only a square around the pen centre that holds everything painted
        r = 2 + math.ceil(max(math.hypot(x - cx, y - cy) for x in box[::2] for y in box[1::2]))
        box = (cx - r, cy - r, cx + r, cy + r)
    pad = math.ceil(blur * 3)
    box = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
    tile = layer.crop(box)
    if angle:
        tile = tile.rotate(angle, Image.Resampling.BILINEAR)
    if blur:
        tile = tile.filter(ImageFilter.GaussianBlur(blur))
    x0, y0 = box[0], box[1]
    base.alpha_composite(tile, (max(0, x0), max(0, y0)), (max(0, -x0), max(0, -y0)))


def _shadow(
    base: Image.Image, pen: _Pen, x: float, y: float, rx: float, ry: float, c: Color
) -> None:
    """Soft, blurred floor shadow: an ellipse centred on (x, y)."""
    blur, clear = ry * pen.s * 0.9, (*c[:3], 0)
    _layer(base, pen, lambda p: p.ellipse(x, y, rx, ry, (*c[:3], 70)), blur=blur, clear=clear)


def _node(p: _Pen, c: _Pal, x: float, y: float, r: float) -> None:
    p.circle(x, y, r, c.mix(c.main, c.dark, 0.3))
    p.circle(x - r * 0.2, y - r * 0.2, r * 0.6, c.mix(c.main, c.light, 0.45))


def _device(p: _Pen, c: _Pal, nodes: int) -> None:
    p.rrect(-0.052, -0.1, 0.052, 0.37, 0.052, c.dark)
    p.rrect(-0.03, 0.16, 0.03, 0.34, 0.03, c.mix(c.dark, c.main, 0.35))
    p.poly([(-0.1, -0.15), (0.1, -0.15), (0.052, -0.02), (-0.052, -0.02)], c.dark)
    p.circle(0, -0.22, 0.165, c.dark)
    p.circle(0, -0.22, 0.135, c.main)
    for i in range(nodes):
        a = 2 * math.pi * i / nodes - math.pi / 2
        _node(p, c, 0.064 * math.cos(a), -0.22 + 0.064 * math.sin(a), 0.034)
    for i, y in enumerate((0.02, 0.065, 0.11)):
        p.circle(0, y, 0.014, c.accent if i == 0 else c.mix(c.dark, c.light, 0.45))


def _device_side(p: _Pen, c: _Pal, nodes: int) -> None:
    for i, r in enumerate((0.1, 0.145, 0.19)):
        p.arc(-0.2, 0, r, 145, 215, c.mix(c.bg, c.accent, 0.8 - 0.22 * i), 0.012)
    p.rrect(-0.12, -0.052, 0.44, 0.052, 0.052, c.dark)
    p.rrect(0.22, -0.03, 0.42, 0.03, 0.03, c.mix(c.dark, c.main, 0.35))
    p.poly([(-0.12, -0.12), (-0.12, 0.12), (0.0, 0.052), (0.0, -0.052)], c.dark)
    p.ellipse(-0.12, 0, 0.075, 0.17, c.dark)
    p.ellipse(-0.15, 0, 0.045, 0.15, c.main)
    for i in range(nodes):
        y = (i - (nodes - 1) / 2) * 0.072
        _node(p, c, -0.185 + abs(y) * 0.12, y, 0.03)
    for i, x in enumerate((0.06, 0.1, 0.14)):
        p.circle(x, 0, 0.013, c.accent if i == 0 else c.mix(c.dark, c.light, 0.45))


def _heads(base: Image.Image, pen: _Pen, c: _Pal, count: int) -> None:
    kinds = ("dome", "ball", "flat", "nodes") if count == 4 else ("dome", "ball", "nodes")
    gap = 0.235 if count == 3 else 0.21
    for i, kind in enumerate(kinds):
        p = pen.sub((i - (count - 1) / 2) * gap, 0, 1)
        _shadow(base, p, 0, 0.18, 0.09, 0.018, c.dark)
        _head(replace(p, draw=ImageDraw.Draw(base)), c, kind, i)


def _head(p: _Pen, c: _Pal, kind: str, i: int) -> None:
    body = c.accent if i == 1 else c.main
    p.rrect(-0.035, 0.06, 0.035, 0.18, 0.02, c.dark)
    p.rrect(-0.055, 0.05, 0.055, 0.085, 0.017, c.mix(c.dark, c.main, 0.3))
    if kind == "dome":
        p.draw.chord(p.box(-0.09, -0.09, 0.09, 0.15), 180, 360, fill=body)
        p.arc(0, 0.03, 0.06, 215, 260, c.light, 0.014)
    elif kind == "ball":
        p.circle(0, -0.025, 0.08, body)
        p.arc(0, -0.025, 0.05, 200, 250, c.mix(body, c.light, 0.6), 0.014)
    elif kind == "flat":
        p.rrect(-0.1, -0.005, 0.1, 0.055, 0.03, body)
        p.rrect(-0.085, -0.03, 0.085, 0.005, 0.018, c.mix(body, c.dark, 0.25))
    else:
        for x in (-0.055, 0.0, 0.055):
            p.circle(x, -0.01, 0.03, c.mix(body, c.dark, 0.2))
        p.rrect(-0.09, 0.0, 0.09, 0.055, 0.025, body)


def _wrap(p: _Pen, c: _Pal, waves: int) -> None:
    r, w = 0.22, 0.15
    legs = [(r + 0.035 * (1 - k / 12), -0.18 + 0.23 * k / 12) for k in range(12)]
    path = [(-x, y) for x, y in legs]
    path += [
        (-r * math.cos(math.pi * i / 40), 0.05 + r * math.sin(math.pi * i / 40)) for i in range(41)
    ]
    path += [(x, y) for x, y in reversed(legs)]
    seam = c.mix(c.main, c.dark, 0.3)
    p.line(path, seam, w)
    p.line(path, c.main, w - 0.016)
    for i in range(1, len(path) - 2, 2):
        p.line(path[i : i + 2], c.mix(c.main, c.light, 0.55), 0.007)
    marks = [(x * sx, y, 1.0, 0.0) for x, y in legs[2::4] for sx in (-1, 1)]
    marks += [(r * -math.cos(a), 0.05 + r * math.sin(a), -math.cos(a), math.sin(a))
              for a in (math.pi * k / 6 for k in range(1, 6))]  # fmt: skip
    for x, y, nx, ny in marks:
        d = w * 0.4
        p.line([(x - nx * d, y - ny * d), (x + nx * d, y + ny * d)], seam, 0.007)
    for k in range(waves):
        x0 = (k - (waves - 1) / 2) * 0.075
        pts = [(x0 + 0.014 * math.sin(t * math.pi / 6), 0.1 - t * 0.022) for t in range(13)]
        p.line(pts, c.mix(c.bg, c.accent, 0.85), 0.013)


def _case(p: _Pen, c: _Pal) -> None:
    p.rrect(-0.33, -0.17, 0.33, 0.22, 0.1, c.mix(c.main, c.dark, 0.45))
    p.rrect(-0.33, -0.2, 0.33, 0.18, 0.1, c.main)
    zip_box, zip_color = p.box(-0.295, -0.165, 0.295, 0.145), c.mix(c.main, c.dark, 0.55)
    p.draw.rounded_rectangle(zip_box, 0.075 * p.s, outline=zip_color, width=p.px(0.012))
    p.rrect(-0.27, -0.14, 0.27, 0.12, 0.06, c.mix(c.main, c.light, 0.18))
    p.arc(-0.33, 0.02, 0.06, 100, 260, c.mix(c.main, c.dark, 0.55), 0.016)
    p.circle(0.19, -0.165, 0.02, c.dark)
    p.poly([(0.178, -0.165), (0.202, -0.165), (0.225, -0.07), (0.19, -0.062)], c.accent)
    p.circle(0.2075, -0.066, 0.019, c.accent)


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, n: int = 16) -> list[Point]:
    def at(t: float, i: int) -> float:
        u = 1 - t
        return u**3 * p0[i] + 3 * u * u * t * p1[i] + 3 * u * t * t * p2[i] + t**3 * p3[i]

    return [(at(k / n, 0), at(k / n, 1)) for k in range(n + 1)]


def _back(side: float) -> list[Point]:
    """Right (side=1) or left (side=-1) half of an abstract neck-and-shoulders outline."""
    pts = [(0.076, -0.08), *_bezier((0.078, 0.06), (0.085, 0.22), (0.3, 0.22), (0.45, 0.29))]
    pts += _bezier((0.45, 0.29), (0.55, 0.335), (0.56, 0.4), (0.565, 0.9))[1:]
    return [(x * side, y) for x, y in (pts if side > 0 else reversed(pts))]


def _article(base: Image.Image, pen: _Pen, c: _Pal, rnd: random.Random) -> None:
    shift = rnd.uniform(-0.05, 0.05)

    def paint(p: _Pen) -> None:
        p.ellipse(-0.8 - shift, 0.58, 0.55, 0.3, c.mix(c.bg2, c.main, 0.3))
        p.ellipse(0.85 - shift, 0.62, 0.6, 0.3, c.mix(c.bg2, c.main, 0.5))
        p.circle(0.62 + shift, -0.2, 0.1, c.mix(c.bg2, c.accent, 0.3))
        p.circle(0, 0.04, 0.38, c.mix(c.bg, c.light, 0.8, 230))
        p.poly(_back(-1) + _back(1), c.main)
        p.ellipse(0, -0.1, 0.11, 0.13, c.main)

    _layer(base, pen, paint)
    warm = c.mix(c.light, c.accent, 0.55, 150)
    _layer(
        base, pen, lambda p: p.ellipse(0, 0.34, 0.17, 0.07, warm), 0, pen.s * 0.04, (*warm[:3], 0)
    )
    dots = replace(pen, draw=ImageDraw.Draw(base))
    for k in range(7):
        dots.circle(0, 0.2 + k * 0.05, 0.009, c.mix(c.main, c.light, 0.45))


def _background(size: tuple[int, int], c: _Pal) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGBA", size, c.bg2), Image.new("RGBA", size, c.bg), mask)


def render_placeholder(
    motif: str, palette: str, width: int, height: int, *, seed: str = ""
) -> Image.Image:
    """Draw a calm, flat illustration for a product image placeholder."""
    for kind, value, allowed in (("motif", motif, MOTIFS), ("palette", palette, PALETTES)):
        if value not in allowed:
            raise ValueError(f"unknown {kind} {value!r}; expected one of: {', '.join(allowed)}")
    if width < 1 or height < 1:
        raise ValueError(f"placeholder size must be positive, got {width}x{height}")
    c, rnd = _Pal.named(palette), random.Random(f"{motif}:{seed}")
    img = _background((width * _SS, height * _SS), c)
    pen = _Pen(ImageDraw.Draw(img), img.width / 2, img.height / 2, min(img.size))
    tilt, nodes = rnd.uniform(-3.0, 3.0), rnd.choice((3, 4))
    if motif == "device":
        _shadow(img, pen, 0.03, 0.39, 0.14, 0.022, c.dark)
        _layer(img, pen.sub(0, 0.01, 1), lambda p: _device(p, c, nodes), -8 + tilt)
    elif motif == "device-angle":
        _shadow(img, pen, 0.06, 0.3, 0.26, 0.025, c.dark)
        _layer(img, pen.sub(0.02, -0.02, 1.05), lambda p: _device_side(p, c, nodes), 28 + tilt)
    elif motif == "heads":
        count = rnd.choice((3, 4))
        _heads(img, pen.sub(0, -0.04, 1.3 if count == 3 else 1.1), c, count)
    elif motif == "wrap":
        _shadow(img, pen, 0, 0.37, 0.3, 0.025, c.dark)
        _layer(img, pen.sub(0, 0.04, 1.1), lambda p: _wrap(p, c, rnd.choice((2, 3))), tilt)
    elif motif == "case":
        _shadow(img, pen, 0, 0.27, 0.34, 0.03, c.dark)
        _layer(img, pen.sub(0, 0.02, 1.05), lambda p: _case(p, c), tilt / 2)
    elif motif == "bundle":
        _shadow(img, pen, 0.02, 0.12, 0.1, 0.016, c.dark)
        _layer(img, pen.sub(0.0, -0.12, 0.6), lambda p: _device(p, c, nodes), -6 + tilt)
        _shadow(img, pen, 0.0, 0.31, 0.4, 0.028, c.dark)
        _layer(img, pen.sub(-0.19, 0.17, 0.52), lambda p: _case(p, c), tilt / 2)
        _layer(img, pen.sub(0.22, 0.15, 0.44), lambda p: _wrap(p, c, 2), tilt)
    else:
        _article(img, pen, c, rnd)
    return img.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)


def save_webp_set(
    image_factory: Callable[[int, int], Image.Image],
    directory: Path,
    stem: str,
    widths: Sequence[int],
    aspect: float,
) -> list[tuple[int, int, str]]:
    """Render and save one WebP per width; return (width, height, filename) for each."""
    directory.mkdir(parents=True, exist_ok=True)
    saved: list[tuple[int, int, str]] = []
    for w in widths:
        h = max(1, round(w / aspect))
        name = f"{stem}-{w}.webp"
        image_factory(w, h).save(directory / name, "WEBP", quality=80, method=6)
        saved.append((w, h, name))
    return saved
