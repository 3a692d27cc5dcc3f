"""Product pictures in the backoffice, through HTTP: upload, describe, reorder, delete, access."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy.orm import Session

from shop.accounts.models import AuditEntry, Role
from shop.catalog.models import Product, ProductImage

Login = Callable[[Role], FlaskClient]


@pytest.fixture
def app_overrides(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    """Pictures go to a folder of this test's own; a test may add settings (indirect)."""
    return {"MEDIA_DIR": tmp_path / "media", **getattr(request, "param", {})}


@pytest.fixture
def media(app: Flask) -> Path:
    """The test's media folder."""
    path: Path = app.config["MEDIA_DIR"]
    return path


def png(width: int = 1000, height: int = 800) -> bytes:
    """A real PNG picture."""
    out = io.BytesIO()
    gradient = Image.linear_gradient("L").resize((width, height))
    Image.merge("RGB", (gradient, gradient, gradient.rotate(90))).save(out, "PNG")
    return out.getvalue()


def token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the first form on `path`."""
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def page(product: Product) -> str:
    """The images page of a product."""
    return f"/admin/products/{product.id}/images"


def upload(
    client: FlaskClient,
    product: Product,
    data: bytes,
    alt: str = "The device on an oak table",
    filename: str = "photo.png",
    mimetype: str = "image/png",
) -> Any:
    """Post the upload form like a browser would."""
    form = {
        "csrf_token": token(client, page(product)),
        "alt": alt,
        "image": (io.BytesIO(data), filename, mimetype),
    }
    return client.post(page(product), data=form, content_type="multipart/form-data")


def post(client: FlaskClient, product: Product, path: str, **fields: str) -> Any:
    """Post one of the per-picture forms."""
    form = {"csrf_token": token(client, page(product)), **fields}
    return client.post(f"{page(product)}/{path}", data=form)


def stored(db: Session, product: Product) -> list[ProductImage]:
    """The product's picture rows as the database has them now."""
    db.expire_all()
    query = sa.select(ProductImage).where(ProductImage.product_id == product.id)
    return list(db.scalars(query.order_by(ProductImage.position)))


def files(media: Path) -> list[str]:
    """Names in the media folder."""
    return sorted(p.name for p in media.iterdir()) if media.exists() else []


def test_marketer_uploads_a_picture_that_shoppers_see(
    login_as: Login, make_product: Callable[..., Product], db: Session, media: Path
) -> None:
    product = make_product(slug="balmorex-pro")
    client = login_as(Role.MARKETER)
    response = upload(client, product, png(1600, 1200), alt="  Balmorex Pro on an oak table ")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(page(product))
    assert "Added the picture" in client.get(page(product)).get_data(as_text=True)

    [image] = stored(db, product)
    assert image.alt == "Balmorex Pro on an oak table"
    assert image.stem.startswith("balmorex-pro-") and image.widths == [480, 800, 1200]
    assert (image.width, image.height) == (1200, 900)
    assert files(media) == [f"{image.stem}-{w}.webp" for w in (1200, 480, 800)]

    html = client.get("/shop/balmorex-pro").get_data(as_text=True)
    assert 'alt="Balmorex Pro on an oak table"' in html
    assert f"/media/{image.stem}-480.webp 480w" in html and "srcset=" in html
    served = client.get(f"/media/{image.stem}-800.webp")
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert served.headers["X-Content-Type-Options"] == "nosniff"

    entry = db.scalars(sa.select(AuditEntry).where(AuditEntry.action == "image.upload")).one()
    assert entry.target == "balmorex-pro" and entry.after is not None
    assert entry.after["stem"] == image.stem and entry.after["alt"] == image.alt


def test_the_page_lists_pictures_in_order_with_their_forms(
    login_as: Login, make_product: Callable[..., Product]
) -> None:
    product = make_product(images=2)
    html = login_as(Role.ADMIN).get(page(product)).get_data(as_text=True)
    assert html.index("Picture 1 of") < html.index("Picture 2 of")
    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in html
    assert 'enctype="multipart/form-data"' in html
    assert html.count('name="direction"') == 4 and html.count(">Delete<") == 2


def test_alt_text_is_required_and_the_typed_text_comes_back(
    login_as: Login, make_product: Callable[..., Product], db: Session, media: Path
) -> None:
    product = make_product()
    client = login_as(Role.MARKETER)
    response = upload(client, product, png(), alt="   ")
    assert response.status_code == 400
    assert "Add alt text" in response.get_data(as_text=True)
    assert stored(db, product) == [] and files(media) == []

    response = upload(client, product, png(), alt="x" * 301)
    assert response.status_code == 400
    assert "300 characters" in response.get_data(as_text=True)
    assert 'value="' + "x" * 301 + '"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "filename", "status", "message"),
    [
        (b"<?php system($_GET['c']); ?>", "x.php.png", 415, "isn&#39;t a picture"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', "a.png", 415, "SVG"),
        (png()[:3000], "cut.png", 400, "damaged or incomplete"),
        (png(300, 300), "tiny.png", 400, "at least 480 pixels wide"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    login_as: Login,
    make_product: Callable[..., Product],
    db: Session,
    media: Path,
    data: bytes,
    filename: str,
    status: int,
    message: str,
) -> None:
    product = make_product()
    response = upload(login_as(Role.MARKETER), product, data, filename=filename)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert stored(db, product) == [] and files(media) == []


def test_a_missing_file_is_refused(
    login_as: Login, make_product: Callable[..., Product], db: Session
) -> None:
    product = make_product()
    response = upload(login_as(Role.MARKETER), product, b"", filename="")
    assert response.status_code == 400
    assert "Choose a picture" in response.get_data(as_text=True)
    assert stored(db, product) == []


def test_the_uploaded_file_name_never_becomes_a_path(
    login_as: Login, make_product: Callable[..., Product], db: Session, media: Path, tmp_path: Path
) -> None:
    product = make_product(slug="wrap")
    client = login_as(Role.MARKETER)
    for name in ("../../etc/passwd.png", "..\\..\\boot.ini.png", "x.php.png"):
        assert upload(client, product, png(), filename=name).status_code == 303
    stems = [image.stem for image in stored(db, product)]
    assert len(set(stems)) == 3 and all(re.fullmatch(r"wrap-[0-9a-f]{12}", s) for s in stems)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media"]
    assert all(name.startswith("wrap-") for name in files(media))


@pytest.mark.parametrize("app_overrides", [{"MAX_CONTENT_LENGTH": 64 * 1024}], indirect=True)
def test_a_file_over_the_request_limit_gets_the_413_page(
    login_as: Login, make_product: Callable[..., Product], db: Session, media: Path
) -> None:
    product = make_product()
    client = login_as(Role.MARKETER)
    noise = Image.frombytes("RGB", (400, 400), bytes(range(256)) * 1875)
    out = io.BytesIO()
    noise.resize((1000, 1000)).save(out, "BMP")
    response = upload(client, product, out.getvalue(), filename="big.png")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Too large" in html and "64 KB limit" in html
    assert stored(db, product) == [] and files(media) == []
    assert "up to 64 KB" in client.get(page(product)).get_data(as_text=True)


def test_alt_text_can_be_changed(
    login_as: Login, make_product: Callable[..., Product], db: Session
) -> None:
    product = make_product(slug="heads", images=1)
    client = login_as(Role.MARKETER)
    image = product.images[0]
    response = post(client, product, f"{image.id}/alt", alt="Four massage heads in a row")
    assert response.status_code == 303
    assert stored(db, product)[0].alt == "Four massage heads in a row"
    assert 'alt="Four massage heads in a row"' in client.get("/shop/heads").get_data(as_text=True)

    response = post(client, product, f"{image.id}/alt", alt=" ")
    assert response.status_code == 400 and "Add alt text" in response.get_data(as_text=True)
    assert stored(db, product)[0].alt == "Four massage heads in a row"


def test_reordering_changes_the_storefront_order(
    login_as: Login, make_product: Callable[..., Product], db: Session
) -> None:
    product = make_product(slug="bundle", images=3)
    alts = [image.alt for image in product.images]
    last = product.images[2]
    client = login_as(Role.MARKETER)

    assert post(client, product, f"{last.id}/move", direction="up").status_code == 303
    assert post(client, product, f"{last.id}/move", direction="up").status_code == 303
    assert [i.alt for i in stored(db, product)] == [alts[2], alts[0], alts[1]]
    assert [i.position for i in stored(db, product)] == [0, 1, 2]
    html = client.get("/shop/bundle").get_data(as_text=True)
    assert html.index(alts[2]) < html.index(alts[0]) < html.index(alts[1])

    response = post(client, product, f"{last.id}/move", direction="up")
    assert response.status_code == 303
    assert "already first" in client.get(page(product)).get_data(as_text=True)
    assert post(client, product, f"{last.id}/move", direction="left").status_code == 400


def test_delete_removes_the_row_and_its_files(
    login_as: Login, make_product: Callable[..., Product], db: Session, media: Path
) -> None:
    product = make_product(slug="case", images=1)
    client = login_as(Role.MARKETER)
    assert upload(client, product, png(), alt="The zipped travel case").status_code == 303
    uploaded = stored(db, product)[1]
    assert len(files(media)) == 2

    response = post(client, product, f"{uploaded.id}/delete")
    assert response.status_code == 303
    assert [i.position for i in stored(db, product)] == [0]
    assert files(media) == []
    assert "Deleted the picture" in client.get(page(product)).get_data(as_text=True)
    assert "The zipped travel case" not in client.get("/shop/case").get_data(as_text=True)
    assert db.scalars(sa.select(AuditEntry).where(AuditEntry.action == "image.delete")).one()


def test_a_picture_of_another_product_is_not_found(
    login_as: Login, make_product: Callable[..., Product]
) -> None:
    first, second = make_product(images=1), make_product(images=1)
    client = login_as(Role.MARKETER)
    assert post(client, first, f"{second.images[0].id}/delete").status_code == 404
    assert client.get("/admin/products/999999/images").status_code == 404


def test_a_post_without_the_form_token_is_refused(
    login_as: Login, make_product: Callable[..., Product], db: Session
) -> None:
    product = make_product()
    client = login_as(Role.MARKETER)
    form = {"alt": "A picture", "image": (io.BytesIO(png()), "a.png", "image/png")}
    response = client.post(page(product), data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert stored(db, product) == []


def test_operators_may_not_manage_pictures(
    login_as: Login, make_product: Callable[..., Product]
) -> None:
    product = make_product(images=1)
    client = login_as(Role.OPERATOR)
    assert client.get(page(product)).status_code == 403
    form = {"csrf_token": token(client, "/admin")}
    assert (
        client.post(f"{page(product)}/{product.images[0].id}/delete", data=form).status_code == 403
    )
    upload_form = {**form, "alt": "A picture", "image": (io.BytesIO(png()), "a.png")}
    response = client.post(page(product), data=upload_form, content_type="multipart/form-data")
    assert response.status_code == 403
    assert len(product.images) == 1


def test_anonymous_visitors_are_sent_to_sign_in(
    client: FlaskClient, make_product: Callable[..., Product]
) -> None:
    product = make_product()
    response = client.get(page(product))
    assert response.status_code in (302, 303)
    assert "/admin/login" in response.headers["Location"]
