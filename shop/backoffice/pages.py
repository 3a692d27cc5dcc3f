"""Marketers write and publish the static pages (shipping, returns, privacy, terms)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from shop.accounts.models import Role
from shop.backoffice.access import allow, register_nav, staff
from shop.backoffice.blueprint import bp
from shop.backoffice.editorial_common import KINDS, Problem, attempt, edit_url, list_args
from shop.backoffice.editorial_forms import PageForm, VersionForm, form_data, form_values
from shop.content.models import Page
from shop.db import get_session
from shop.editorial.errors import EditorialError
from shop.editorial.listing import search_items
from shop.editorial.models import ItemKind
from shop.editorial.publishing import create_item, save_edits
from shop.editorial.snapshots import FIELDS, working_copy

INFO = KINDS["pages"]
NEEDS_ATTENTION = "Some fields need attention; see the messages below."

register_nav("backoffice.pages", "Pages", Role.MARKETER)


@bp.get("/pages")
@allow(Role.MARKETER)
def pages() -> str:
    """Pages, most recently changed first; searchable; deleted ones behind a filter."""
    args = list_args()
    listing = search_items(get_session(), Page, args.q, args.page, args.deleted)
    return render_template("backoffice/pages/list.html", listing=listing, args=args, info=INFO)


@bp.route("/pages/new", methods=["GET", "POST"])
@allow(Role.MARKETER)
def page_new() -> ResponseReturnValue:
    """Start a page; it stays unpublished until someone publishes it."""
    session = get_session()
    form = PageForm(data={"version": 1})
    problem = None
    if form.is_submitted():
        if form.validate():
            values = form_values(form, FIELDS[ItemKind.PAGE])
            try:
                page = create_item(session, ItemKind.PAGE, values, staff())
                session.commit()
            except EditorialError as error:
                session.rollback()
                problem = Problem(400, error.message)
            else:
                flash("Page created as a draft.", "success")
                return redirect(edit_url(ItemKind.PAGE, page.id), 303)
        else:
            problem = Problem(400, NEEDS_ATTENTION)
    return render_template(
        "backoffice/pages/edit.html", info=INFO, item=None, form=form, problem=problem
    ), problem.status if problem else 200


@bp.route("/pages/<int:page_id>", methods=["GET", "POST"])
@allow(Role.MARKETER)
def page_edit(page_id: int) -> ResponseReturnValue:
    """Edit a page; a published one keeps its live text until the draft is published."""
    session = get_session()
    page = session.get(Page, page_id)
    if page is None:
        abort(404)
    form = PageForm(data=form_data(working_copy(session, page), page.version))
    problem = None
    if form.is_submitted():
        if form.validate():
            values = form_values(form, FIELDS[ItemKind.PAGE])
            publish_now = request.form.get("action") == "publish"
            problem = attempt(
                ItemKind.PAGE,
                page_id,
                lambda: save_edits(session, page, values, form.version.data, staff(), publish_now),
            )
            if problem is None:
                flash("Saved and published." if publish_now else "Saved.", "success")
                return redirect(edit_url(ItemKind.PAGE, page_id), 303)
        else:
            problem = Problem(400, NEEDS_ATTENTION)
    return render_template(
        "backoffice/pages/edit.html",
        info=INFO,
        item=page,
        name=page.title,
        form=form,
        action_form=VersionForm(data={"version": page.version}),
        problem=problem,
        preview_url=url_for("content.page", slug=page.slug, preview="draft"),
    ), problem.status if problem else 200
