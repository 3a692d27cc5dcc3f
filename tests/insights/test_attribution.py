"""At checkout the shop notes which articles feature what is bought; the dashboard counts them."""

from __future__ import annotations

import sqlalchemy as sa

from shop.accounts.models import Role
from shop.catalog.models import Product
from shop.content.models import Article
from shop.insights import attribution
from shop.insights.models import ArticleReading
from shop.orders.models import Order
from tests.backoffice.conftest import login_as, make_staff  # noqa: F401  (shared fixtures)
from tests.checkout.conftest import (  # noqa: F401  (the emulator and a shopper)
    app_overrides,
    emulator,
    shopper,
    stripe,
)


def readings(db, order):
    db.expire_all()
    return set(
        db.scalars(
            sa.select(ArticleReading.article_slug).where(ArticleReading.order_id == order.id)
        )
    )


def featuring(db, product_slug):
    """Published sample articles that link to or embed the product, found independently."""
    product = db.scalar(sa.select(Product).where(Product.slug == product_slug))
    return {
        a.slug
        for a in db.scalars(sa.select(Article))
        if product in a.products or f"[[shop {product_slug}]]" in a.body_md
    }


def test_checkout_records_the_articles_featuring_the_products_bought(shopper, stripe):  # noqa: F811
    expected = featuring(shopper.db, "balmorex-pro")
    assert "massage-for-upper-and-mid-back-pain" in expected
    shopper.add("BMX-PRO-SND")
    order = shopper.order(shopper.checkout_session_id())
    rows = shopper.db.scalars(
        sa.select(ArticleReading).where(ArticleReading.order_id == order.id)
    ).all()
    assert {r.article_slug for r in rows} == expected
    assert {r.basis for r in rows} == {"featured"}
    assert all(r.article_id for r in rows)


def test_unpublished_articles_are_not_credited(shopper, stripe):  # noqa: F811
    db = shopper.db
    db.execute(sa.update(Article).values(status="draft"))
    db.commit()
    shopper.add("BMX-PRO-SND")
    order = shopper.order(shopper.checkout_session_id())
    assert readings(db, order) == set()


def test_a_failure_to_record_never_blocks_the_checkout(shopper, stripe, monkeypatch):  # noqa: F811
    def broken(*_args):
        raise sa.exc.OperationalError("SELECT", {}, Exception("database hiccup"))

    monkeypatch.setattr(attribution, "featuring_articles", broken)
    shopper.add("BMX-PRO-SND")
    order = shopper.order(shopper.checkout_session_id())
    assert order is not None and order.stripe_session_id
    assert readings(shopper.db, order) == set()


def test_the_dashboard_shows_articles_of_paid_orders_and_how_it_is_measured(
    shopper,  # noqa: F811
    stripe,  # noqa: F811
    login_as,  # noqa: F811
):
    shopper.add("BMX-PRO-SND")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id)
    shopper.client.get(f"/checkout/success?session_id={session_id}")
    shopper.add("BMX-PRO-SND")
    shopper.checkout_session_id()  # a second checkout, never paid: not counted
    html = login_as(Role.OPERATOR).get("/admin").get_data(as_text=True)
    section = html[html.index("Articles featuring what was bought") :]
    title = shopper.db.scalar(
        sa.select(Article.title).where(Article.slug == "massage-for-upper-and-mid-back-pain")
    )
    row = section[section.index(title) :].split("</tr>")[0]
    assert "<td>1</td>" in row
    total = shopper.db.scalar(
        sa.select(Order.total_amount).where(Order.stripe_session_id == session_id)
    )
    assert f"${total / 100:,.2f}" in row
    assert "How this is measured" in section and "no tracking cookies" in section
