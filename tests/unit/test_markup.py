"""Staff Markdown renders to safe HTML with anchors and "shop this" blocks."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from shop.markup import render_markdown, sanitize_html, slugify

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src='https://evil.example'></iframe>",
    '<a href="#" style="color:red" onclick="x()">a</a>',
    "![x](javascript:alert(1))",
]


class ActiveContent(HTMLParser):
    """Collects elements and attributes that could run code or load something."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "iframe", "img", "object", "embed", "style", "form"}:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(name)
            if name in {"href", "src"} and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"{name}={value}")


@pytest.mark.parametrize("payload", XSS)
def test_markdown_never_yields_active_content(payload):
    parser = ActiveContent()
    parser.feed(render_markdown(f"Hello\n\n{payload}\n").html)
    assert parser.found == []


def test_sanitizer_strips_what_raw_html_could_smuggle():
    dirty = '<p onclick="x()">hi<script>bad()</script><a href="javascript:x">l</a></p>'
    assert sanitize_html(dirty) == '<p>hi<a rel="noopener noreferrer">l</a></p>'


def test_headings_get_unique_anchors_for_the_table_of_contents():
    body = render_markdown("## Why it aches\n\ntext\n\n## Why it aches\n\n### Détails\n")
    assert [(h.anchor, h.level) for h in body.headings] == [
        ("why-it-aches", 2),
        ("why-it-aches-2", 2),
        ("details", 3),
    ]
    assert '<h2 id="why-it-aches-2">' in body.html


def test_shop_blocks_split_the_body_around_product_slugs():
    body = render_markdown("Before.\n\n[[shop balmorex-pro]]\n\nAfter [[shop inline]] stays.\n")
    assert body.product_slugs == ["balmorex-pro"]
    kinds = [kind for kind, _ in body.segments]
    assert kinds == ["html", "shop", "html"]
    assert "[[shop inline]] stays" in body.segments[2][1]


def test_reading_time_is_at_least_a_minute():
    assert render_markdown("Short.").reading_minutes == 1
    assert render_markdown("word " * 2200).reading_minutes == 10


def test_slugify():
    assert slugify("Désk posture & your back!") == "desk-posture-your-back"
