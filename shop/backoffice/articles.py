"""Marketers write, schedule, publish and retire articles."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from shop.accounts.models import Role
from shop.backoffice.access import allow, register_nav, staff
from shop.backoffice.blueprint import bp
from shop.backoffice.editorial_common import KINDS, Problem, attempt, edit_url, list_args
from shop.backoffice.editorial_forms import ArticleForm, VersionForm, form_data, form_values
from shop.catalog.models import Product
from shop.content.models import Article
from shop.db import get_session
from shop.editorial.errors import EditorialError
from shop.editorial.listing import search_items
from shop.editorial.models import ItemKind
from shop.editorial.publishing import create_item, save_edits
from shop.editorial.snapshots import FIELDS, working_copy

INFO = KINDS["articles"]
NEEDS_ATTENTION = "Some fields need attention; see the messages below."

register_nav("backoffice.articles", "Articles", Role.MARKETER)


def _form(session: Session, data: dict[str, object]) -> ArticleForm:
    form = ArticleForm(data=data)
    form.product_ids.choices = [
        (p.id, p.name) for p in session.scalars(sa.select(Product).order_by(Product.name))
    ]
    return form


@bp.get("/articles")
@allow(Role.MARKETER)
def articles() -> str:
    """Articles, most recently changed first; searchable; deleted ones behind a filter."""
    args = list_args()
    listing = search_items(get_session(), Article, args.q, args.page, args.deleted)
    return render_template("backoffice/articles/list.html", listing=listing, args=args, info=INFO)


@bp.route("/articles/new", methods=["GET", "POST"])
@allow(Role.MARKETER)
def article_new() -> ResponseReturnValue:
    """Start an article; it stays unpublished until someone publishes it."""
    session = get_session()
    form = _form(session, {"version": 1})
    problem = None
    if form.is_submitted():
        if form.validate():
            values = form_values(form, FIELDS[ItemKind.ARTICLE])
            try:
                article = create_item(session, ItemKind.ARTICLE, values, staff())
                session.commit()
            except EditorialError as error:
                session.rollback()
                problem = Problem(400, error.message)
            else:
                flash("Article created as a draft.", "success")
                return redirect(edit_url(ItemKind.ARTICLE, article.id), 303)
        else:
            problem = Problem(400, NEEDS_ATTENTION)
    return render_template(
        "backoffice/articles/edit.html", info=INFO, item=None, form=form, problem=problem
    ), problem.status if problem else 200


@bp.route("/articles/<int:article_id>", methods=["GET", "POST"])
@allow(Role.MARKETER)
def article_edit(article_id: int) -> ResponseReturnValue:
    """Edit an article; a published one keeps its live text until the draft is published."""
    session = get_session()
    article = session.get(Article, article_id)
    if article is None:
        abort(404)
    form = _form(session, form_data(working_copy(session, article), article.version))
    problem = None
    if form.is_submitted():
        if form.validate():
            values = form_values(form, FIELDS[ItemKind.ARTICLE])
            publish_now = request.form.get("action") == "publish"
            problem = attempt(
                ItemKind.ARTICLE,
                article_id,
                lambda: save_edits(
                    session,
                    article,
                    values,
                    form.version.data,
                    staff(),
                    publish_now,
                    form.publish_at.data,
                ),
            )
            if problem is None:
                flash("Saved and published." if publish_now else "Saved.", "success")
                return redirect(edit_url(ItemKind.ARTICLE, article_id), 303)
        else:
            problem = Problem(400, NEEDS_ATTENTION)
    return render_template(
        "backoffice/articles/edit.html",
        info=INFO,
        item=article,
        name=article.title,
        form=form,
        action_form=VersionForm(data={"version": article.version}),
        problem=problem,
        preview_url=url_for("content.article", slug=article.slug, preview="draft"),
    ), problem.status if problem else 200
