"""Two people editing the same item: the second save is refused, never a silent overwrite."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from shop.accounts.models import Role
from shop.accounts.services import create_staff
from shop.content.models import Article
from shop.editorial.errors import EditConflict
from shop.editorial.publishing import save
from shop.editorial.snapshots import working_copy
from tests.backoffice.conftest import PASSWORD, article_data, page_form
from tests.conftest import POSTGRES_URL


def test_the_second_of_two_saves_from_the_same_version_gets_a_409(
    login_as, make_staff, app, db, make_article
):
    article = make_article(slug="contested", title="Contested")
    path = f"/admin/articles/{article.id}"
    alice = login_as(Role.MARKETER)
    bob = login_as(Role.ADMIN)
    alice_form, bob_form = page_form(alice, path), page_form(bob, path)
    assert alice_form["version"] == bob_form["version"]

    fields = {"slug": "contested", "title": "Contested"}
    first = alice.post(path, data={**alice_form, **article_data(body_md="Alice's text.", **fields)})
    assert first.status_code == 303
    second = bob.post(path, data={**bob_form, **article_data(body_md="Bob's text.", **fields)})
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Someone else saved this item" in html
    assert f"/admin/articles/{article.id}/compare?a=" in html or "/history" in html
    assert "Bob&#39;s text." in html  # Bob's work is still in the form for him to copy

    db.expire_all()
    stored = db.get(Article, article.id)
    assert stored.draft["body_md"] == "Alice's text."  # a live article: edits wait in its draft
    assert stored.version == int(alice_form["version"]) + 1


def test_actions_from_a_stale_page_are_refused(login_as, db, make_article):
    article = make_article(slug="stale", title="Stale")
    client = login_as(Role.MARKETER)
    form = page_form(client, f"/admin/articles/{article.id}")
    assert client.post(f"/admin/articles/{article.id}/unpublish", data=form).status_code == 303
    again = client.post(f"/admin/articles/{article.id}/delete", data=form)
    assert again.status_code == 409
    db.expire_all()
    assert db.get(Article, article.id).deleted_at is None


@pytest.mark.postgres_only
@pytest.mark.skipif(not POSTGRES_URL, reason="row locking needs PostgreSQL")
def test_simultaneous_saves_in_two_transactions_let_exactly_one_win(app, db, make_article):
    article = make_article(slug="race", title="Race")
    who = create_staff(db, "racer@balmorex.example", PASSWORD, Role.MARKETER)
    db.commit()
    factory = app.extensions["db_sessionmaker"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def editor(body: str) -> None:
        with factory() as session:
            item = session.get(Article, article.id)
            values = {**working_copy(session, item), "body_md": body}
            barrier.wait()
            try:
                save(session, item, values, 1, session.merge(who))
                session.commit()
                outcomes.append("saved")
            except EditConflict:
                session.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=editor, args=(f"Body {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["conflict", "saved"]
    db.expire_all()
    assert db.scalar(sa.select(Article.version).where(Article.id == article.id)) == 2
