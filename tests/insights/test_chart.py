"""The SVG chart is an accessible image: labelled by its title and description, no script."""

from __future__ import annotations

import re
from datetime import date, timedelta

from shop.insights.chart import Bar, bar_chart


def chart(values):
    start = date(2026, 11, 1)
    bars = [Bar(start + timedelta(days=i), v, f"day {i}: {v}") for i, v in enumerate(values)]
    return str(bar_chart("c1", "Revenue <per> day", "All & every day", bars, str))


def test_the_chart_is_labelled_and_has_one_bar_per_day():
    svg = chart([0, 5, 10] + [1] * 27)
    assert svg.startswith('<svg class="chart" id="c1" role="img"')
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Revenue &lt;per&gt; day</title>' in svg
    assert '<desc id="c1-desc">All &amp; every day</desc>' in svg
    assert svg.count('<rect class="chart-bar"') == 30
    assert "<script" not in svg and "style=" not in svg


def test_bars_are_scaled_to_a_round_top_value():
    svg = chart([0, 50, 100, 20])
    heights = [float(h) for h in re.findall(r'<rect[^>]*height="([\d.]+)"', svg)]
    assert heights[0] == 0 and heights[2] == max(heights) and heights[1] == heights[2] / 2
    assert ">100</text>" in svg and ">0</text>" in svg


def test_an_empty_month_still_draws_an_axis():
    svg = chart([0] * 30)
    assert svg.count('<rect class="chart-bar"') == 30
    assert ">1</text>" in svg  # the scale never divides by zero
