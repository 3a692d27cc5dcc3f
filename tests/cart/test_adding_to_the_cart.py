"""A shopper puts things in the cart, and everything the shop must refuse is refused cleanly."""

from __future__ import annotations

import re

import pytest

from shop.catalog.models import PublishStatus
from tests.cart.conftest import flashes, text_of

QUANTITY_MESSAGE = "Enter a whole number of items between 1 and 99."


def test_shopper_adds_the_pro_from_its_page_and_sees_the_line_and_subtotal(client, shopper, seeded):
    page = client.get("/shop/balmorex-pro").get_data(as_text=True)
    form_action = re.search(r'<form class="buy-form" method="post" action="([^"]+)"', page)
    sand = re.search(r'value="(\d+)"[^>]*>\s*<span class="variant-name">Sand<', page)
    assert form_action and form_action.group(1) == "/cart/items"
    assert sand

    response = shopper.add(sand.group(1), quantity="2")
    assert response.status_code == 303
    assert response.headers["Location"] == "/cart"

    cart = text_of(shopper.cart_page())
    assert flashes(cart) == ["Added Balmorex Pro – Sand to your cart."]
    assert "Sand, $129.00 each" in cart
    assert "SKU BMX-PRO-SND" in cart
    assert "Total for Balmorex Pro – Sand: </span>$258.00" in cart
    assert "<span>Subtotal (2 items)</span> <span>$258.00</span>" in cart
    assert '<button class="button cart-checkout" type="submit">Checkout</button>' in cart


def test_adding_the_same_option_twice_makes_one_line(shopper, seeded, variant_id, stored):
    graphite = variant_id("BMX-PRO-GRF")
    shopper.add(graphite, 1)
    shopper.add(graphite, 2)
    cart = text_of(shopper.cart_page())
    assert len(shopper.line_ids()) == 1
    assert 'value="3" required' in cart
    assert "Subtotal (3 items)</span> <span>$387.00" in cart
    assert stored() == (1, 1)


def test_a_form_without_a_quantity_adds_one(shopper, seeded, variant_id):
    shopper.add(variant_id("BMX-PRO-HEAT"), quantity=None)
    assert "Subtotal (1 item)</span> <span>$149.00" in shopper.cart_page()


def test_lines_are_listed_in_the_order_they_were_added(shopper, seeded, variant_id):
    shopper.add(variant_id("BMX-PRO-HEAT"))
    shopper.add(variant_id("BMX-PRO-GRF"))
    cart = shopper.cart_page()
    assert cart.index("SKU BMX-PRO-HEAT") < cart.index("SKU BMX-PRO-GRF")


@pytest.mark.parametrize(
    "quantity", ["0", "-1", "1.5", "abc", "", "   ", "1e3", "100", "100000", "٣", "+2", "0x1"]
)
def test_a_bad_quantity_is_explained_and_nothing_is_created(
    client, shopper, seeded, variant_id, stored, quantity
):
    response = shopper.add(variant_id("BMX-PRO-SND"), quantity)
    assert response.status_code == 303
    assert response.headers["Location"] == "/shop/balmorex-pro"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert flashes(page) == [QUANTITY_MESSAGE]
    assert 'role="alert"' in page
    assert stored() == (0, 0)
    assert "cart=" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("raw", ["999999", "abc", "", "-3", "1.0", "2147483648", "9" * 40])
def test_an_option_that_does_not_exist_is_a_400_and_nothing_is_created(
    shopper, seeded, stored, raw
):
    response = shopper.add(raw, 1)
    assert response.status_code == 400
    assert "That product option doesn't exist." in text_of(response.get_data(as_text=True))
    assert stored() == (0, 0)


def test_an_unpublished_products_option_is_refused(shopper, make_product, stored):
    draft = make_product(slug="coming-soon", status=PublishStatus.DRAFT)
    response = shopper.add(draft.variants[0].id, follow=True)
    assert response.request.path == "/cart"
    assert flashes(response.get_data(as_text=True)) == ["That product option isn't available."]
    assert stored() == (0, 0)


def test_a_retired_option_is_refused(db, shopper, make_product, stored):
    product = make_product(slug="heads", variants=[("Old", 900, 5), ("New", 900, 5)])
    product.variants[0].active = False
    db.commit()
    response = shopper.add(product.variants[0].id, follow=True)
    assert response.request.path == "/shop/heads"
    assert flashes(response.get_data(as_text=True)) == ["That product option isn't available."]
    assert stored() == (0, 0)


def test_a_sold_out_option_is_refused(db, shopper, make_product, stored):
    product = make_product(name="Heat Wrap", variants=[("Large", 3900, 2)])
    product.variants[0].stock_reserved = 2  # both units held by open checkouts
    db.commit()
    response = shopper.add(product.variants[0].id, follow=True)
    assert flashes(response.get_data(as_text=True)) == ["Heat Wrap – Large is sold out."]
    assert stored() == (0, 0)


def test_more_than_is_available_is_refused_with_what_is_left(shopper, seeded, variant_id):
    sand = variant_id("BMX-PRO-SND")  # 4 in stock
    refused = shopper.add(sand, 5, follow=True)
    assert flashes(refused.get_data(as_text=True)) == ["Only 4 of Balmorex Pro – Sand left."]

    shopper.add(sand, 3, follow=True)
    refused = shopper.add(sand, 2, follow=True)
    assert flashes(refused.get_data(as_text=True)) == [
        "Only 4 of Balmorex Pro – Sand left, and your cart already has 3."
    ]
    assert 'value="3" required' in shopper.cart_page()


def test_a_cart_holds_at_most_99_of_one_option(shopper, make_product):
    product = make_product(name="Massage Ball", variants=[("Blue", 500, 1000)])
    shopper.add(product.variants[0].id, 99, follow=True)
    refused = shopper.add(product.variants[0].id, 1, follow=True)
    assert flashes(refused.get_data(as_text=True)) == [
        "A cart can hold up to 99 of Massage Ball – Blue."
    ]
    assert 'value="99" required' in shopper.cart_page()


def test_prices_sent_with_the_form_are_ignored(shopper, seeded, variant_id):
    shopper.add(
        variant_id("BMX-PRO-SND"), 1, price="1", amount="1", unit_amount="1", currency="EUR"
    )
    cart = shopper.cart_page()
    assert "Subtotal (1 item)</span> <span>$129.00" in cart
    assert "€" not in cart


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_form_without_a_valid_csrf_token_is_refused_and_nothing_is_created(
    client, seeded, variant_id, stored, token
):
    data = {"variant_id": str(variant_id("BMX-PRO-SND")), "quantity": "1"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/cart/items", data=data)
    assert response.status_code == 400
    assert "This form expired" in response.get_data(as_text=True)
    assert stored() == (0, 0)


def test_an_error_returns_the_shopper_to_the_page_the_form_was_on(client, shopper, seeded):
    article = "/learn/massage-for-upper-and-mid-back-pain"
    page = client.get(article).get_data(as_text=True)
    variant = re.search(r'name="variant_id" value="(\d+)"', page)
    assert variant
    response = client.post(
        "/cart/items",
        data={"csrf_token": shopper.csrf(), "variant_id": variant.group(1), "quantity": "0"},
        headers={"Referer": f"http://localhost{article}?from=email"},
    )
    assert response.headers["Location"] == f"{article}?from=email"


@pytest.mark.parametrize(
    "referer", ["https://elsewhere.example/shop", "http://localhost.evil/x", "javascript:x"]
)
def test_an_error_never_sends_the_shopper_to_another_site(client, shopper, seeded, referer):
    pro = re.search(
        r'name="variant_id" value="(\d+)"', client.get("/shop/balmorex-pro").get_data(as_text=True)
    )
    assert pro
    response = client.post(
        "/cart/items",
        data={"csrf_token": shopper.csrf(), "variant_id": pro.group(1), "quantity": "abc"},
        headers={"Referer": referer},
    )
    assert response.headers["Location"] == "/shop/balmorex-pro"


def test_a_refused_add_leaves_an_existing_cart_as_it_was(shopper, seeded, variant_id, stored):
    shopper.add(variant_id("BMX-PRO-GRF"), 2)
    shopper.add(variant_id("BMX-PRO-SND"), 9)
    shopper.add(variant_id("BMX-PRO-HEAT"), "1.5")
    assert "Subtotal (2 items)</span> <span>$258.00" in shopper.cart_page()
    assert stored() == (1, 1)
