"""Forms for editing products, articles and pages (Flask-WTF: CSRF and validation)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from shop.editorial.errors import EditorialError
from shop.editorial.values import (
    SLUG,
    SLUG_RULE,
    faq_from_text,
    faq_to_text,
    highlights_from_text,
    highlights_to_text,
)

MAX_BODY = 200_000


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    """A list of checkboxes; values outside the choices are refused with a message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _parses_with(parse: Any) -> Any:
    def check(_form: FlaskForm, field: Field) -> None:
        try:
            parse(field.data or "")
        except EditorialError as error:
            raise ValidationError(error.message) from None

    return check


class VersionForm(FlaskForm):  # type: ignore[misc]
    """The version an action applies to; older versions are refused."""

    version = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)]
    )


class ProductForm(VersionForm):
    """A product's copy, SEO fields and links (prices and stock are edited elsewhere)."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    tagline = StringField("Tagline", validators=[Length(max=200)])
    description_md = TextAreaField("Description (Markdown)", validators=[Length(max=MAX_BODY)])
    highlights = TextAreaField(
        "Highlights, one per line",
        validators=[Length(max=10_000), _parses_with(highlights_from_text)],
    )
    faq = TextAreaField(
        "Questions and answers", validators=[Length(max=50_000), _parses_with(faq_from_text)]
    )
    seo_title = StringField("SEO title", validators=[Length(max=120)])
    seo_description = TextAreaField("SEO description", validators=[Length(max=300)])
    featured = BooleanField("Featured on the home page and first in the shop")
    related_article_ids = MultiCheckboxField("Related articles", coerce=int)


class ArticleForm(VersionForm):
    """An article's text, SEO fields, related products and publishing time."""

    slug = StringField("Slug (the address: /learn/…)", validators=[
        DataRequired(), Length(max=120), Regexp(SLUG, message=SLUG_RULE)
    ])  # fmt: skip
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField("Summary", validators=[Length(max=400)])
    body_md = TextAreaField("Body (Markdown)", validators=[Length(max=MAX_BODY)])
    seo_title = StringField("SEO title", validators=[Length(max=120)])
    seo_description = TextAreaField("SEO description", validators=[Length(max=300)])
    featured = BooleanField("Featured: leads the Learn hub and the home page")
    product_ids = MultiCheckboxField("Related products", coerce=int)
    publish_at = DateTimeLocalField(
        "Publish at (UTC)", validators=[Optional()], tz=UTC, format="%Y-%m-%dT%H:%M"
    )


class PageForm(VersionForm):
    """A static page's text."""

    slug = StringField("Slug (the address: /pages/…)", validators=[
        DataRequired(), Length(max=120), Regexp(SLUG, message=SLUG_RULE)
    ])  # fmt: skip
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    body_md = TextAreaField("Body (Markdown)", validators=[Length(max=MAX_BODY)])
    seo_description = TextAreaField("SEO description", validators=[Length(max=300)])


def form_data(values: dict[str, Any], version: int) -> dict[str, Any]:
    """A snapshot as the forms show it."""
    data = {**values, "version": version}
    if "highlights" in values:
        data["highlights"] = highlights_to_text(values["highlights"])
    if "faq" in values:
        data["faq"] = faq_to_text(values["faq"])
    return data


def form_values(
    form: ProductForm | ArticleForm | PageForm, fields: tuple[str, ...]
) -> dict[str, Any]:
    """The submitted values of `fields` as a snapshot (text trimmed, lists parsed)."""
    values: dict[str, Any] = {}
    for name in fields:
        data = getattr(form, name).data
        if name == "highlights":
            data = highlights_from_text(data or "")
        elif name == "faq":
            data = faq_from_text(data or "")
        elif isinstance(data, str):
            # Browsers send CRLF; one line ending keeps revisions and diffs clean.
            data = data.replace("\r\n", "\n")
            data = data if name in ("body_md", "description_md") else data.strip()
        elif isinstance(data, list):
            data = list(dict.fromkeys(data))
        values[name] = data
    return values
