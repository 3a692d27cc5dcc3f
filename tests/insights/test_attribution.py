"""At checkout the shop notes which articles the cart came from and which feature what is
bought; the dashboard counts both."""

from __future__ import annotations

from html.parser import HTMLParser

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

GUIDE = "massage-for-upper-and-mid-back-pain"


def readings(db, order):
    db.expire_all()
    return set(
        db.scalars(
            sa.select(ArticleReading.article_slug).where(ArticleReading.order_id == order.id)
        )
    )


def bases(db, order):
    db.expire_all()
    rows = db.execute(
        sa.select(ArticleReading.article_slug, ArticleReading.basis).where(
            ArticleReading.order_id == order.id
        )
    )
    return {slug: basis for slug, basis in rows}


class CartForms(HTMLParser):
    """The add-to-cart forms of a page (their hidden fields) and its product links."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.links: list[str] = []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "form" and found.get("action") == "/cart/items":
            self._in_form = True
            self.forms.append({})
        elif tag == "input" and self._in_form and found.get("type") in ("hidden", "radio"):
            if found.get("type") == "hidden" or "checked" in found:
                self.forms[-1][found["name"]] = found.get("value") or ""
        elif tag == "a" and (found.get("href") or "").startswith("/shop/"):
            self.links.append(found["href"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def page_forms(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    parser = CartForms()
    parser.feed(response.get_data(as_text=True))
    return parser


def featuring(db, product_slug):
    """Published sample articles that link to or embed the product, found independently."""
    product = db.scalar(sa.select(Product).where(Product.slug == product_slug))
    return {
        a.slug
        for a in db.scalars(sa.select(Article))
        if product in a.products or f"[[shop {product_slug}]]" in a.body_md
    }


def test_shop_this_in_an_article_credits_that_article_at_checkout(shopper, stripe):  # noqa: F811
    forms = page_forms(shopper.client, f"/learn/{GUIDE}").forms
    assert forms and all(form["from_article"] == GUIDE for form in forms)
    response = shopper.client.post("/cart/items", data=forms[0])
    assert response.status_code == 303
    order = shopper.order(shopper.checkout_session_id())
    found = bases(shopper.db, order)
    assert found[GUIDE] == "followed"
    # Other articles featuring the product are still noted, as the weaker signal.
    assert set(found) - {GUIDE}
    assert {basis for slug, basis in found.items() if slug != GUIDE} == {"featured"}


def test_see_options_carries_the_article_through_the_product_page(shopper, stripe):  # noqa: F811
    links = page_forms(shopper.client, f"/learn/{GUIDE}").links
    options = [link for link in links if f"from={GUIDE}" in link]
    assert options
    product_page = page_forms(shopper.client, options[0])
    [form] = product_page.forms
    assert form["from_article"] == GUIDE
    form["quantity"] = "1"
    assert shopper.client.post("/cart/items", data=form).status_code == 303
    order = shopper.order(shopper.checkout_session_id())
    assert bases(shopper.db, order)[GUIDE] == "followed"


def test_a_product_page_reached_directly_carries_no_article(shopper):  # noqa: F811
    [form] = page_forms(shopper.client, "/shop/balmorex-pro").forms
    assert "from_article" not in form


def test_a_mangled_from_is_dropped_and_the_page_still_works(shopper):  # noqa: F811
    html = shopper.client.get('/shop/balmorex-pro?from="><script>x</script>')
    assert html.status_code == 200
    assert "from_article" not in html.get_data(as_text=True)
    assert "<script>x" not in html.get_data(as_text=True)


def test_unknown_or_unpublished_articles_never_stop_an_add_to_cart(shopper, stripe):  # noqa: F811
    db = shopper.db
    db.execute(sa.update(Article).where(Article.slug == GUIDE).values(status="draft"))
    db.commit()
    for value in (GUIDE, "no-such-article", "Not A Slug!", "x" * 500):
        response = shopper.add("BMX-PRO-SND", from_article=value)
        assert response.status_code == 303, value
    order = shopper.order(shopper.checkout_session_id())
    assert order.lines[0].quantity == 4
    assert "followed" not in bases(db, order).values()


def test_the_latest_article_a_line_was_added_from_wins(shopper, stripe):  # noqa: F811
    other = shopper.db.scalar(
        sa.select(Article.slug).where(Article.slug != GUIDE, Article.status == "published")
    )
    shopper.add("BMX-PRO-SND", from_article=GUIDE)
    shopper.add("BMX-PRO-SND", from_article=other)
    shopper.add("BMX-PRO-SND")  # from the product page: keeps what the line had
    order = shopper.order(shopper.checkout_session_id())
    found = bases(shopper.db, order)
    assert found[other] == "followed"
    assert found.get(GUIDE) != "followed"


def test_checkout_records_the_articles_featuring_the_products_bought(shopper, stripe):  # noqa: F811
    expected = featuring(shopper.db, "balmorex-pro")
    assert GUIDE in expected
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
    shopper.add("BMX-PRO-SND", from_article=GUIDE)
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id)
    shopper.client.get(f"/checkout/success?session_id={session_id}")
    shopper.add("BMX-PRO-SND", from_article=GUIDE)
    shopper.checkout_session_id()  # a second checkout, never paid: not counted
    html = login_as(Role.OPERATOR).get("/admin").get_data(as_text=True)
    section = html[html.index("Articles shoppers bought from") :]
    title = shopper.db.scalar(sa.select(Article.title).where(Article.slug == GUIDE))
    row = section[section.index(title) :].split("</tr>")[0]
    total = shopper.db.scalar(
        sa.select(Order.total_amount).where(Order.stripe_session_id == session_id)
    )
    assert row.count("<td>1</td>") == 2  # added from it, and buying what it features
    assert f"${total / 100:,.2f}" in row
    assert "How this is measured" in section and "no tracking cookies" in section
