"""Bar charts drawn on the server as inline SVG: no script, readable by screen readers.

Each chart is an `<svg role="img">` labelled by its own `<title>` and `<desc>`; the page
pairs it with a table of the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 480, 210
LEFT, RIGHT, TOP, BOTTOM = 58, 22, 12, 30


@dataclass(frozen=True)
class Bar:
    """One day's value and how to say it."""

    day: date
    value: int
    label: str


def _nice_ceiling(value: int) -> int:
    # A round number a little above the highest bar, so the top gridline reads well.
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8):
            if step * factor >= value and (step * factor) % 1 == 0:
                return int(step * factor)
        step *= 10


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    axis_label: Callable[[int], str],
) -> Markup:
    """An SVG bar chart; `axis_label` formats the value scale (e.g. as money)."""
    top = _nice_ceiling(max((b.value for b in bars), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(bars), 1)
    parts = [
        f'<svg class="chart" id="{chart_id}" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        if (top * fraction) % 1:
            continue  # a half-way line at 0.5 orders says nothing useful
        label = escape(axis_label(round(top * fraction)))
        parts.append(
            f'<text class="chart-axis" x="{LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{label}</text>'
        )
    for i, bar in enumerate(bars):
        height = plot_h * bar.value / top
        x = LEFT + i * slot + slot * 0.15
        y = TOP + plot_h - height
        parts.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{height:.1f}"><title>{escape(bar.label)}</title></rect>'
        )
        if (len(bars) - 1 - i) % 7 == 0:  # today, then every week back
            parts.append(
                f'<text class="chart-axis" x="{x + slot * 0.35:.1f}" y="{HEIGHT - 10}" '
                f'text-anchor="middle">{bar.day.strftime("%b %-d")}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text above is escaped)
