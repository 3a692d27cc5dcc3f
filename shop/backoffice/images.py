"""Marketers upload, describe, reorder and delete a product's pictures."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from shop.accounts.models import Role
from shop.accounts.services import audit
from shop.backoffice.access import allow, staff
from shop.backoffice.blueprint import bp
from shop.catalog.models import Product, ProductImage
from shop.db import get_session
from shop.media import uploads
from shop.media.storage import media_dir
from shop.web.errors import handle_http_error


def _max_bytes() -> int:
    return int(current_app.config.get("MAX_CONTENT_LENGTH") or uploads.DEFAULT_MAX_BYTES)


def _product(product_id: int) -> Product:
    product = get_session().get(Product, product_id)
    if product is None:
        abort(404)
    return product


def _image(product: Product, image_id: int) -> ProductImage:
    image = next((i for i in product.images if i.id == image_id), None)
    if image is None:
        abort(404)
    return image


def _back(product: Product) -> ResponseReturnValue:
    return redirect(url_for("backoffice.product_images", product_id=product.id), 303)


def _page(product: Product, status: int = 200, **state: object) -> ResponseReturnValue:
    """The images page; `state` carries a failed form's message and typed text back."""
    return render_template(
        "backoffice/images/index.html",
        product=product,
        images=sorted(product.images, key=lambda i: (i.position, i.id)),
        accept=uploads.ACCEPT,
        max_size=uploads.size_label(_max_bytes()),
        min_width=uploads.MIN_WIDTH,
        min_height=uploads.MIN_HEIGHT,
        max_megapixels=uploads.MAX_PIXELS // 10**6,
        max_alt=uploads.MAX_ALT,
        **state,
    ), status


@bp.get("/products/<int:product_id>/images")
@allow(Role.MARKETER)
def product_images(product_id: int) -> ResponseReturnValue:
    """A product's pictures in order, with forms to describe, move, delete and add them."""
    return _page(_product(product_id))


@bp.post("/products/<int:product_id>/images")
@allow(Role.MARKETER)
def product_image_upload(product_id: int) -> ResponseReturnValue:
    """Add an uploaded picture; on any problem show the page again with the reason."""
    db = get_session()
    product = _product(product_id)
    alt = request.form.get("alt", "")
    upload = request.files.get("image")
    data = upload.stream.read(_max_bytes() + 1) if upload else b""
    try:
        image = uploads.add_image(db, product, data, alt, media_dir(), _max_bytes())
        audit(
            db,
            staff(),
            "image.upload",
            product.slug,
            after={"stem": image.stem, "alt": image.alt, "widths": image.widths},
        )
        files = uploads.image_files(media_dir(), image)
        try:
            db.commit()
        except Exception:
            db.rollback()
            uploads.remove_files(files)
            raise
    except uploads.UploadError as error:
        db.rollback()
        return _page(product, error.status, upload_error=error.message, upload_alt=alt)
    flash(f"Added the picture “{image.alt}”.", "success")
    return _back(product)


@bp.post("/products/<int:product_id>/images/<int:image_id>/alt")
@allow(Role.MARKETER)
def product_image_alt(product_id: int, image_id: int) -> ResponseReturnValue:
    """Change a picture's alt text."""
    db = get_session()
    product = _product(product_id)
    image = _image(product, image_id)
    typed = request.form.get("alt", "")
    try:
        before = uploads.set_alt(db, image, typed)
    except uploads.UploadError as error:
        db.rollback()
        state = {"alt_error": error.message, "alt_image_id": image.id, "alt_typed": typed}
        return _page(product, 400, **state)
    audit(
        db,
        staff(),
        "image.alt",
        product.slug,
        {"alt": before},
        {"stem": image.stem, "alt": image.alt},
    )
    db.commit()
    flash("Saved the alt text.", "success")
    return _back(product)


@bp.post("/products/<int:product_id>/images/<int:image_id>/move")
@allow(Role.MARKETER)
def product_image_move(product_id: int, image_id: int) -> ResponseReturnValue:
    """Move a picture one place up or down."""
    db = get_session()
    product = _product(product_id)
    image = _image(product, image_id)
    direction = request.form.get("direction", "")
    before = image.position
    try:
        moved = uploads.move_image(db, product, image, direction)
    except uploads.UploadError as error:
        abort(400, description=error.message)
    if moved:
        audit(
            db,
            staff(),
            "image.move",
            product.slug,
            {"stem": image.stem, "position": before},
            {"stem": image.stem, "position": image.position},
        )
        db.commit()
        flash(f"Moved the picture {direction} to place {image.position + 1}.", "success")
    else:
        flash(f"That picture is already {'first' if direction == 'up' else 'last'}.", "info")
    return _back(product)


@bp.post("/products/<int:product_id>/images/<int:image_id>/delete")
@allow(Role.MARKETER)
def product_image_delete(product_id: int, image_id: int) -> ResponseReturnValue:
    """Delete a picture; its files are removed once the change is saved."""
    db = get_session()
    product = _product(product_id)
    image = _image(product, image_id)
    files = uploads.image_files(media_dir(), image)
    before = {"stem": image.stem, "alt": image.alt, "position": image.position}
    uploads.delete_image(db, product, image)
    audit(db, staff(), "image.delete", product.slug, before, None)
    db.commit()
    uploads.remove_files(files)
    flash(f"Deleted the picture “{before['alt']}”.", "success")
    return _back(product)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    """A request body over MAX_CONTENT_LENGTH: say what the limit is."""
    message = uploads.too_large_message(_max_bytes()) + " Go back and choose a smaller file."
    return handle_http_error(RequestEntityTooLarge(description=message))
