"""A shopper changes quantities, removes lines, and sees problems before checkout does."""

from __future__ import annotations

import pytest

from shop.catalog.models import PublishStatus, Variant
from tests.cart.conftest import Shopper, flashes, text_of

UPDATE_MESSAGE = "Enter a whole number between 0 and 99 (0 removes the item)."


def test_changing_the_quantity_updates_the_line_and_subtotal(shopper, seeded, variant_id):
    shopper.add(variant_id("BMX-PRO-GRF"), 1)
    [line] = shopper.line_ids()
    page = text_of(shopper.update(line, 3).get_data(as_text=True))
    assert flashes(page) == ["Updated Balmorex Pro – Graphite to 3."]
    assert "Total for Balmorex Pro – Graphite: </span>$387.00" in page
    assert "Subtotal (3 items)</span> <span>$387.00" in page


def test_quantity_zero_removes_the_line(shopper, seeded, variant_id, stored):
    shopper.add(variant_id("BMX-PRO-GRF"), 2)
    [line] = shopper.line_ids()
    page = shopper.update(line, 0).get_data(as_text=True)
    assert flashes(page) == ["Removed Balmorex Pro – Graphite from your cart."]
    assert "Your cart is empty." in page
    assert stored() == (1, 0)


def test_remove_takes_one_line_out_and_keeps_the_rest(shopper, seeded, variant_id):
    shopper.add(variant_id("BMX-PRO-GRF"), 1)
    shopper.add(variant_id("BMX-PRO-HEAT"), 1)
    graphite, _heat = shopper.line_ids()
    page = text_of(shopper.remove(graphite).get_data(as_text=True))
    assert flashes(page) == ["Removed Balmorex Pro – Graphite from your cart."]
    assert "SKU BMX-PRO-GRF" not in page
    assert "Subtotal (1 item)</span> <span>$149.00" in page


def test_the_empty_cart_points_to_the_shop_and_the_guides(shopper, seeded, variant_id):
    shopper.add(variant_id("BMX-PRO-GRF"), 1)
    [line] = shopper.line_ids()
    page = shopper.remove(line).get_data(as_text=True)
    assert "Your cart is empty." in page
    assert 'href="/shop">Browse the shop</a>' in page
    assert 'href="/learn">Read the guides</a>' in page
    assert 'type="submit" disabled aria-describedby="checkout-note">Checkout' in page
    assert "Add something to your cart to check out." in page


def test_the_cart_page_is_private_and_not_indexed(shopper):
    response = shopper.client.get("/cart")
    html = response.get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in html
    assert "<title>Your cart · Balmorex</title>" in html
    assert "no-store" in response.headers["Cache-Control"]
    assert "Shipping: free standard shipping on orders of $75 or more" in html


def test_more_than_is_in_stock_is_refused_and_the_line_kept(shopper, seeded, variant_id):
    shopper.add(variant_id("BMX-PRO-SND"), 1)
    [line] = shopper.line_ids()
    page = shopper.update(line, 5).get_data(as_text=True)
    assert flashes(page) == ["Only 4 of Balmorex Pro – Sand left."]
    assert 'value="1" required' in page


@pytest.mark.parametrize("quantity", ["-1", "1.5", "abc", "", "100", "٢"])
def test_a_bad_new_quantity_is_explained_and_changes_nothing(shopper, seeded, variant_id, quantity):
    shopper.add(variant_id("BMX-PRO-GRF"), 2)
    [line] = shopper.line_ids()
    response = shopper.update(line, quantity, follow=False)
    assert response.status_code == 303
    page = shopper.cart_page()
    assert flashes(page) == [UPDATE_MESSAGE]
    assert 'value="2" required' in page


def test_nobody_can_change_or_remove_a_line_in_someone_elses_cart(
    app, shopper, seeded, variant_id, stored
):
    shopper.add(variant_id("BMX-PRO-GRF"), 2)
    [line] = shopper.line_ids()
    stranger = Shopper(app.test_client())
    stranger.add(variant_id("BMX-PRO-HEAT"), 1, follow=True)
    for response in (stranger.update(line, 1), stranger.remove(line)):
        assert flashes(response.get_data(as_text=True)) == ["That item isn't in your cart."]
    assert 'value="2" required' in shopper.cart_page()
    assert stored() == (2, 2)


def test_changing_a_line_without_any_cart_is_explained(shopper):
    page = shopper.update(12345, 1).get_data(as_text=True)
    assert flashes(page) == ["That item isn't in your cart."]


def test_an_unpublished_product_is_marked_and_blocks_checkout(db, shopper, seeded, variant_id):
    shopper.add(variant_id("BMX-PRO-GRF"), 1)
    variant = db.get(Variant, variant_id("BMX-PRO-GRF"))
    variant.product.status = PublishStatus.DRAFT
    db.commit()
    page = text_of(shopper.cart_page())
    assert '<p class="cart-problem" id="problem-' in page
    assert "No longer available" in page
    assert 'href="/shop/balmorex-pro' not in page  # its page is gone, so no link to it
    assert 'disabled aria-describedby="checkout-note">Checkout' in page
    assert "Change or remove the items marked above to check out." in page

    [line] = shopper.line_ids()
    refused = shopper.update(line, 2).get_data(as_text=True)
    assert flashes(refused) == ["Balmorex Pro – Graphite isn't available any more; remove it."]
    assert 'value="1" required' in refused
    assert "Your cart is empty." in shopper.remove(line).get_data(as_text=True)


def test_stock_falling_below_the_cart_is_shown_and_fixed_by_lowering(
    db, shopper, seeded, variant_id
):
    shopper.add(variant_id("BMX-PRO-SND"), 3)
    variant = db.get(Variant, variant_id("BMX-PRO-SND"))
    variant.stock_on_hand = 2
    db.commit()
    page = shopper.cart_page()
    assert '<p class="cart-problem" id="problem-' in page
    assert "Only 2 left" in page
    assert "disabled" in page.split('class="button cart-checkout"')[1][:40]

    [line] = shopper.line_ids()
    page = shopper.update(line, 2).get_data(as_text=True)
    assert "Only 2 left" not in page
    assert '<button class="button cart-checkout" type="submit">Checkout</button>' in page


def test_prices_in_the_cart_are_todays_prices(db, shopper, seeded, variant_id):
    shopper.add(variant_id("BMX-PRO-HEAT"), 2)
    variant = db.get(Variant, variant_id("BMX-PRO-HEAT"))
    variant.price_amount = 13900
    db.commit()
    page = shopper.cart_page()
    assert "$139.00 each" in page
    assert "Subtotal (2 items)</span> <span>$278.00" in page
