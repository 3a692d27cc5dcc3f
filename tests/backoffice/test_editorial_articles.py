"""Marketers write, publish, schedule, unpublish and delete articles."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from shop.accounts.models import AuditEntry, Role
from shop.catalog.models import PublishStatus
from shop.content.models import Article
from shop.db import utcnow
from tests.backoffice.conftest import article_data, page_form


@pytest.fixture
def marketer(login_as):
    return login_as(Role.MARKETER)


def create_article(client, **values):
    form = page_form(client, "/admin/articles/new")
    response = client.post("/admin/articles/new", data={**form, **article_data(**values)})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def test_a_new_article_starts_as_a_draft_shoppers_cannot_see(client, marketer, db):
    edit_path = create_article(marketer)
    article = db.scalar(sa.select(Article).where(Article.slug == "shoulder-blade-basics"))
    assert article.status is PublishStatus.DRAFT
    assert client.get("/learn/shoulder-blade-basics").status_code == 404
    assert "Shoulder blade basics" in marketer.get(edit_path).get_data(as_text=True)


def test_publish_now_shows_the_article_immediately(client, marketer):
    edit_path = create_article(marketer)
    form = page_form(marketer, edit_path)
    response = marketer.post(edit_path, data={**form, **article_data(action="publish")})
    assert response.status_code == 303
    page = client.get("/learn/shoulder-blade-basics")
    assert page.status_code == 200
    assert "Because desks." in page.get_data(as_text=True)


def test_a_scheduled_article_appears_only_when_its_time_comes(client, marketer, monkeypatch):
    edit_path = create_article(marketer)
    tomorrow = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form = page_form(marketer, edit_path)
    marketer.post(edit_path, data={**form, **article_data(action="publish", publish_at=tomorrow)})
    assert client.get("/learn/shoulder-blade-basics").status_code == 404
    assert "Scheduled" in marketer.get("/admin/articles").get_data(as_text=True)

    later = utcnow() + timedelta(days=2)
    monkeypatch.setattr("shop.content.services.utcnow", lambda: later)
    assert client.get("/learn/shoulder-blade-basics").status_code == 200


@pytest.mark.parametrize("bad", ["tomorrow", "2026-13-01T10:00", "2026-02-30T10:00", "1e9"])
def test_a_publish_time_that_does_not_parse_is_refused(marketer, db, bad):
    edit_path = create_article(marketer)
    form = page_form(marketer, edit_path)
    data = {**form, **article_data(action="publish", publish_at=bad)}
    response = marketer.post(edit_path, data=data)
    assert response.status_code == 400
    assert "Not a valid datetime value" in response.get_data(as_text=True)
    article = db.scalar(sa.select(Article).where(Article.slug == "shoulder-blade-basics"))
    assert article.status is PublishStatus.DRAFT


def test_unpublish_hides_a_live_article(client, marketer, make_article):
    article = make_article(slug="live-one")
    form = page_form(marketer, f"/admin/articles/{article.id}")
    response = marketer.post(f"/admin/articles/{article.id}/unpublish", data=form)
    assert response.status_code == 303
    assert client.get("/learn/live-one").status_code == 404


def test_delete_hides_from_storefront_and_list_and_restore_brings_it_back(
    client, marketer, make_article
):
    article = make_article(slug="to-delete", title="Delete me please")
    form = page_form(marketer, f"/admin/articles/{article.id}")
    assert marketer.post(f"/admin/articles/{article.id}/delete", data=form).status_code == 303
    assert client.get("/learn/to-delete").status_code == 404
    assert "Delete me please" not in marketer.get("/admin/articles").get_data(as_text=True)
    deleted_list = marketer.get("/admin/articles?show=deleted").get_data(as_text=True)
    assert "Delete me please" in deleted_list

    form = page_form(marketer, f"/admin/articles/{article.id}")
    assert marketer.post(f"/admin/articles/{article.id}/undelete", data=form).status_code == 303
    assert client.get("/learn/to-delete").status_code == 200
    assert "Delete me please" in marketer.get("/admin/articles").get_data(as_text=True)


def test_a_taken_slug_gets_a_clear_message(marketer, make_article):
    make_article(slug="taken")
    form = page_form(marketer, "/admin/articles/new")
    response = marketer.post("/admin/articles/new", data={**form, **article_data(slug="taken")})
    assert response.status_code == 400
    assert "already uses the slug “taken”" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "Not A Slug", "lowercase letters"),
        ("slug", "-edge-", "lowercase letters"),
        ("title", "", "This field is required"),
        ("title", "x" * 201, "longer than 200 characters"),
        ("summary", "x" * 401, "longer than 400 characters"),
        ("product_ids", "99999", "not a valid choice"),
        ("product_ids", "abc", "Invalid choice"),
        ("version", "abc", "Not a valid integer"),
    ],
)
def test_bad_input_gets_a_message_and_a_400(marketer, field, value, message):
    form = page_form(marketer, "/admin/articles/new")
    response = marketer.post("/admin/articles/new", data={**form, **article_data(**{field: value})})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_search_finds_by_title_or_slug_any_case_and_any_characters(marketer, make_article):
    make_article(slug="desk-posture", title="Desk Posture 101")
    make_article(slug="other-topic", title="Sleep and 50% less tension")
    page = marketer.get("/admin/articles?q=POSTURE").get_data(as_text=True)
    assert "Desk Posture 101" in page and "Sleep and" not in page
    assert "Sleep and" in marketer.get("/admin/articles?q=50%25").get_data(as_text=True)
    for odd in ("%", "_", "'; drop table article; --", "\\", "ü"):
        assert marketer.get("/admin/articles", query_string={"q": odd}).status_code == 200
    assert marketer.get("/admin/articles?page=0").status_code == 400
    assert marketer.get("/admin/articles?page=abc").status_code == 400


def test_lists_paginate(marketer, make_article):
    for n in range(27):
        make_article(slug=f"bulk-{n}", title=f"Bulk {n}")
    first = marketer.get("/admin/articles").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Next page" in first
    second = marketer.get("/admin/articles?page=2").get_data(as_text=True)
    assert second.count("/admin/articles/") - second.count("/admin/articles/new") <= 3


def test_every_change_is_in_the_audit_log(marketer, db):
    edit_path = create_article(marketer)
    form = page_form(marketer, edit_path)
    marketer.post(edit_path, data={**form, **article_data(action="publish")})
    item_id = edit_path.rsplit("/", 1)[1]
    form = page_form(marketer, edit_path)
    marketer.post(f"/admin/articles/{item_id}/delete", data=form)
    actions = db.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    mine = [a for a in actions if a.startswith("article.")]
    assert mine == ["article.create", "article.publish", "article.delete"]
    entry = db.scalar(sa.select(AuditEntry).where(AuditEntry.action == "article.delete"))
    assert entry.staff_email == "marketer@balmorex.example"
    assert entry.before["deleted"] is False and entry.after["deleted"] is True
