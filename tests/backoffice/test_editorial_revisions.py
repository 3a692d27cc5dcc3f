"""Revisions: every save is kept, any two can be compared, an old one can be restored."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.accounts.models import Role
from shop.content.models import Article
from shop.editorial.models import ItemKind, Revision
from tests.backoffice.conftest import article_data, page_form


@pytest.fixture
def marketer(login_as):
    return login_as(Role.MARKETER)


def save(client, article, body):
    path = f"/admin/articles/{article.id}"
    form = page_form(client, path)
    data = article_data(slug=article.slug, title=article.title, body_md=body)
    response = client.post(path, data={**form, **data})
    assert response.status_code == 303, response.get_data(as_text=True)[:400]


def revisions(db, article):
    db.expire_all()
    query = sa.select(Revision).where(
        Revision.kind == ItemKind.ARTICLE, Revision.item_id == article.id
    )
    return list(db.scalars(query.order_by(Revision.version)))


def test_every_save_keeps_a_revision_with_who_and_a_full_snapshot(marketer, db, make_article):
    article = make_article(slug="kept", title="Kept")
    save(marketer, article, "First body.\n")
    save(marketer, article, "Second body.\n")
    kept = revisions(db, article)
    assert [r.version for r in kept] == [2, 3]
    assert [r.snapshot["body_md"] for r in kept] == ["First body.\n", "Second body.\n"]
    assert all(r.staff_email == "marketer@balmorex.example" for r in kept)
    assert set(kept[0].snapshot) >= {"title", "slug", "summary", "seo_title", "product_ids"}
    history = marketer.get(f"/admin/articles/{article.id}/history").get_data(as_text=True)
    assert "marketer@balmorex.example" in history and "save" in history


def test_compare_marks_the_changed_words(marketer, make_article):
    article = make_article(slug="diffed", title="Diffed")
    save(marketer, article, "The quick brown fox jumps.\n")
    save(marketer, article, "The quick red fox <jumps>.\n")
    page = marketer.get(f"/admin/articles/{article.id}/compare?a=2&b=3")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<del>brown</del>" in html and "<ins>red</ins>" in html
    assert "&lt;jumps&gt;" in html  # text is escaped, never markup
    assert marketer.get(f"/admin/articles/{article.id}/compare?a=2&b=99").status_code == 404
    assert marketer.get(f"/admin/articles/{article.id}/compare?a=x&b=2").status_code == 400


def test_restore_makes_a_new_revision_and_puts_the_old_text_in_the_draft(
    client, marketer, db, make_article
):
    article = make_article(slug="restored", title="Restored", body="Live text.\n")
    save(marketer, article, "Old idea.\n")
    save(marketer, article, "Newer idea.\n")
    form = page_form(marketer, f"/admin/articles/{article.id}")
    response = marketer.post(f"/admin/articles/{article.id}/history/2/restore", data=form)
    assert response.status_code == 303

    kept = revisions(db, article)
    assert [r.action for r in kept] == ["save", "save", "restore"]
    assert kept[-1].snapshot["body_md"] == "Old idea.\n" and kept[-1].note == "from version 2"
    stored = db.get(Article, article.id)
    assert stored.draft["body_md"] == "Old idea.\n"
    assert stored.body_md == "Live text.\n"  # nothing was published
    assert "Live text." in client.get("/learn/restored").get_data(as_text=True)


def test_products_keep_revisions_too(marketer, db, make_product):
    product = make_product(slug="revved", name="Revved")
    path = f"/admin/products/{product.id}"
    form = page_form(marketer, path)
    data = {**form, "name": "Revved", "faq": "Q: Does it hum?\nA: Quietly.", "action": "save"}
    assert marketer.post(path, data=data).status_code == 303
    revision = db.scalar(sa.select(Revision).where(Revision.kind == ItemKind.PRODUCT))
    assert revision.snapshot["faq"] == [{"question": "Does it hum?", "answer": "Quietly."}]
    bad = {**page_form(marketer, path), "name": "Revved", "faq": "Does it hum? Quietly."}
    response = marketer.post(path, data=bad)
    assert response.status_code == 400
    assert "Question 1 should be a line starting" in response.get_data(as_text=True)
