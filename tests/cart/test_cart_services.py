"""The cart's rules below the web layer: parsing, guards, totals, clearing, and a race."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from shop.cart.models import Cart, CartItem
from shop.cart.services import (
    MAX_QUANTITY,
    CartError,
    add_item,
    clear_cart,
    get_cart,
    get_or_create_cart,
    parse_quantity,
    parse_variant_id,
    remove_item,
    set_quantity,
    summarize_cart,
)
from shop.catalog.models import Variant


@pytest.mark.parametrize(("raw", "value"), [("1", 1), (" 7 ", 7), ("007", 7), ("99", 99)])
def test_quantities_are_plain_whole_numbers(raw, value):
    assert parse_quantity(raw) == value


@pytest.mark.parametrize("raw", [None, "", "0", "-1", "1.5", "1e3", "100", "٣", "½", "1_0"])
def test_anything_else_is_refused_with_a_message(raw):
    with pytest.raises(CartError) as refused:
        parse_quantity(raw)
    assert refused.value.message == "Enter a whole number of items between 1 and 99."


def test_zero_is_a_quantity_only_where_it_means_remove():
    assert parse_quantity("0", allow_zero=True) == 0
    with pytest.raises(CartError, match="0 removes the item"):
        parse_quantity("-1", allow_zero=True)


@pytest.mark.parametrize("raw", [None, "", "0", "x", "2147483648", "١"])
def test_variant_ids_must_fit_the_database(raw):
    assert parse_variant_id("2147483647") == 2**31 - 1
    with pytest.raises(CartError, match="That product option doesn't exist"):
        parse_variant_id(raw)


@pytest.mark.parametrize("quantity", [0, -2, MAX_QUANTITY + 1])
def test_services_guard_quantities_even_when_callers_skip_parsing(db, make_product, quantity):
    product = make_product(variants=[("Only", 1000, 500)])
    cart = get_or_create_cart(db, None)
    with pytest.raises(CartError):
        add_item(db, cart, product.variants[0].id, quantity)
    db.rollback()
    assert db.scalar(sa.select(sa.func.count()).select_from(CartItem)) == 0


def test_the_database_itself_refuses_bad_quantities_and_duplicate_lines(db, make_product):
    product = make_product(variants=[("Only", 1000, 500)])
    cart = get_or_create_cart(db, None)
    line = add_item(db, cart, product.variants[0].id, 1)
    db.commit()
    statements = [
        ("UPDATE cart_item SET quantity = 0 WHERE id = :id", {"id": line.id}),
        ("UPDATE cart_item SET quantity = 100 WHERE id = :id", {"id": line.id}),
        (
            "INSERT INTO cart_item (cart_id, variant_id, quantity, added_at) "
            "VALUES (:cart, :variant, 1, CURRENT_TIMESTAMP)",
            {"cart": cart.id, "variant": product.variants[0].id},
        ),
    ]
    for sql, params in statements:
        with pytest.raises(sa.exc.IntegrityError):
            db.execute(sa.text(sql), params)
        db.rollback()


def test_a_new_cart_never_takes_the_token_it_was_asked_for(db):
    cart = get_or_create_cart(db, "chosen-by-the-client")
    assert cart.token != "chosen-by-the-client"
    assert len(cart.token) >= 32
    assert get_cart(db, cart.token) is cart


def test_summary_totals_and_a_constant_number_of_queries(db, make_product, count_queries):
    small = make_product(variants=[("A", 1000, 9)], images=1)
    big = make_product(variants=[(f"V{i}", 250 * (i + 1), 9) for i in range(5)], images=3)
    one, five = get_or_create_cart(db, None), get_or_create_cart(db, None)
    add_item(db, one, small.variants[0].id, 2)
    for variant in big.variants:
        add_item(db, five, variant.id, 1)
    db.commit()

    start = len(count_queries())
    summary = summarize_cart(db, one, "USD")
    middle = len(count_queries())
    bigger = summarize_cart(db, five, "USD")
    end = len(count_queries())

    assert (summary.subtotal, summary.count, summary.has_problems) == (2000, 2, False)
    assert summary.lines[0].line_total == 2000
    assert summary.lines[0].image is not None
    assert bigger.subtotal == 250 + 500 + 750 + 1000 + 1250
    assert [line.variant_name for line in bigger.lines] == ["V0", "V1", "V2", "V3", "V4"]
    assert end - middle == middle - start <= 3


def test_no_cart_summarises_as_empty(db):
    summary = summarize_cart(db, None, "USD")
    assert summary.is_empty and summary.subtotal == 0 and summary.count == 0


def test_clearing_a_cart_after_an_order_empties_it(db, make_product):
    product = make_product(variants=[("A", 1000, 9), ("B", 1000, 9)])
    cart = get_or_create_cart(db, None)
    for variant in product.variants:
        add_item(db, cart, variant.id, 1)
    db.commit()
    clear_cart(db, cart.token)
    clear_cart(db, "no-such-cart")
    db.commit()
    assert summarize_cart(db, get_cart(db, cart.token), "USD").is_empty


def test_changing_a_line_checks_it_belongs_to_the_cart(db, make_product):
    product = make_product(variants=[("A", 1000, 9)])
    mine, theirs = get_or_create_cart(db, None), get_or_create_cart(db, None)
    line = add_item(db, theirs, product.variants[0].id, 1)
    for change in (
        lambda: set_quantity(db, mine, line.id, 2),
        lambda: remove_item(db, mine, line.id),
    ):
        with pytest.raises(CartError, match="That item isn't in your cart"):
            change()


def test_a_deleted_product_option_leaves_every_cart(db, make_product):
    product = make_product(variants=[("A", 1000, 9), ("B", 1000, 9)])
    cart = get_or_create_cart(db, None)
    add_item(db, cart, product.variants[0].id, 1)
    add_item(db, cart, product.variants[1].id, 1)
    db.commit()
    db.execute(sa.delete(Variant).where(Variant.id == product.variants[0].id))
    db.commit()
    assert [line.variant_name for line in summarize_cart(db, cart, "USD").lines] == ["B"]


def test_two_adds_racing_on_one_cart_end_as_one_line(app, db, make_product):
    # A double click: two requests add the same option to the same cart at the same moment.
    product = make_product(variants=[("Only", 1000, 50)])
    variant = product.variants[0].id
    token = get_or_create_cart(db, None).token
    db.commit()
    factory = app.extensions["db_sessionmaker"]
    errors: list[BaseException] = []

    def second_request() -> None:
        with factory() as session:
            try:
                cart = get_cart(session, token)
                assert cart is not None
                add_item(session, cart, variant, 1)
                session.commit()
            except BaseException as error:
                errors.append(error)

    with factory() as first:
        cart = get_cart(first, token)
        assert cart is not None
        add_item(first, cart, variant, 1)  # holds the cart until it commits
        racer = threading.Thread(target=second_request)
        racer.start()
        racer.join(timeout=0.5)
        assert racer.is_alive(), "the second add should wait for the first"
        first.commit()
    racer.join(timeout=10)

    assert errors == []
    with factory() as check:
        quantities = check.scalars(
            sa.select(CartItem.quantity).join(Cart).where(Cart.token == token)
        ).all()
    assert quantities == [2]
