"""Markdown written by staff, rendered with markdown-it-py and sanitised with nh3."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
WORDS_PER_MINUTE = 220

# A paragraph holding only `[[shop some-product]]` becomes a live "shop this" card.
SHOP_BLOCK = re.compile(r"<p>\[\[shop ([a-z0-9][a-z0-9-]{0,118})\]\]</p>")

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True}).enable(
    ["table", "replacements", "smartquotes"]
)


@dataclass(frozen=True)
class Heading:
    """One entry of a table of contents."""

    anchor: str
    text: str
    level: int


@dataclass(frozen=True)
class RenderedMarkdown:
    """Safe HTML split around "shop this" blocks, with the headings and a word count."""

    parts: tuple[str, ...]
    headings: tuple[Heading, ...]
    words: int

    @property
    def html(self) -> str:
        """The body as one string, "shop this" markers left as plain paragraphs."""
        return "".join(
            p if i % 2 == 0 else f"<p>[[shop {p}]]</p>" for i, p in enumerate(self.parts)
        )

    @property
    def segments(self) -> list[tuple[str, str]]:
        """Ordered ("html", markup) and ("shop", product slug) pieces for templates."""
        return [("html" if i % 2 == 0 else "shop", p) for i, p in enumerate(self.parts) if p]

    @property
    def product_slugs(self) -> list[str]:
        """Slugs named by "shop this" blocks, in order."""
        return [p for i, p in enumerate(self.parts) if i % 2 == 1]

    @property
    def reading_minutes(self) -> int:
        """Estimated reading time, at least one minute."""
        return max(1, round(self.words / WORDS_PER_MINUTE))


def slugify(text: str) -> str:
    """A lowercase ASCII slug made of words and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _anchor_headings(tokens: list[Token]) -> list[Heading]:
    headings: list[Heading] = []
    seen: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in {"h2", "h3"}:
            continue
        text = tokens[index + 1].content
        base = slugify(text) or "section"
        seen[base] = seen.get(base, 0) + 1
        anchor = base if seen[base] == 1 else f"{base}-{seen[base]}"
        token.attrSet("id", anchor)
        headings.append(Heading(anchor, text, int(token.tag[1])))
    return headings


def sanitize_html(html: str) -> str:
    """Strip everything but a small set of formatting tags and safe links."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@lru_cache(maxsize=512)
def render_markdown(text: str) -> RenderedMarkdown:
    """Render Markdown to sanitised HTML; cached because bodies change rarely."""
    tokens = _md.parse(text)
    headings = _anchor_headings(tokens)
    html = sanitize_html(_md.renderer.render(tokens, _md.options, {}))
    parts = tuple(SHOP_BLOCK.split(html))
    words = len(re.findall(r"\w+", text))
    return RenderedMarkdown(parts=parts, headings=tuple(headings), words=words)
