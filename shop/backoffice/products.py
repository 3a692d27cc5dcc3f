"""Marketers edit product copy; prices and stock are shown read-only."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue

from shop.accounts.models import Role
from shop.backoffice.access import allow, register_nav, staff
from shop.backoffice.blueprint import bp
from shop.backoffice.editorial_common import KINDS, Problem, attempt, edit_url, list_args
from shop.backoffice.editorial_forms import ProductForm, VersionForm, form_data, form_values
from shop.catalog.models import Product
from shop.catalog.services import stock_state
from shop.content.models import Article
from shop.db import get_session
from shop.editorial.listing import search_items
from shop.editorial.models import ItemKind
from shop.editorial.publishing import save_edits
from shop.editorial.snapshots import FIELDS, working_copy

INFO = KINDS["products"]

register_nav("backoffice.products", "Products", Role.MARKETER)


@bp.get("/products")
@allow(Role.MARKETER)
def products() -> str:
    """Products, most recently changed first, searchable by name or slug."""
    args = list_args()
    listing = search_items(get_session(), Product, args.q, args.page)
    return render_template("backoffice/products/list.html", listing=listing, args=args, info=INFO)


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@allow(Role.MARKETER)
def product_edit(product_id: int) -> ResponseReturnValue:
    """Edit a product's copy; a published product keeps its live copy until published."""
    session = get_session()
    product = session.get(Product, product_id)
    if product is None:
        abort(404)
    form = ProductForm(data=form_data(working_copy(session, product), product.version))
    form.related_article_ids.choices = [
        (a.id, a.title)
        for a in session.scalars(
            sa.select(Article).where(Article.deleted_at.is_(None)).order_by(Article.title)
        )
    ]
    problem = None
    if form.is_submitted():
        if form.validate():
            values = form_values(form, FIELDS[ItemKind.PRODUCT])
            publish_now = request.form.get("action") == "publish"
            problem = attempt(
                ItemKind.PRODUCT,
                product_id,
                lambda: save_edits(
                    session, product, values, form.version.data, staff(), publish_now
                ),
            )
            if problem is None:
                flash("Saved and published." if publish_now else "Saved.", "success")
                return redirect(edit_url(ItemKind.PRODUCT, product_id), 303)
        else:
            problem = Problem(400, "Some fields need attention; see the messages below.")
    return render_template(
        "backoffice/products/edit.html",
        info=INFO,
        item=product,
        name=product.name,
        form=form,
        action_form=VersionForm(data={"version": product.version}),
        problem=problem,
        variants=product.variants,
        states={v.id: stock_state(v) for v in product.variants},
        images_endpoint="backoffice.product_images" in current_app.view_functions,
    ), problem.status if problem else 200
