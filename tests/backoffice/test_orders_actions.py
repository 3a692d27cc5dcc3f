"""Operators ship, refund, cancel and annotate real orders through the backoffice forms."""

# ruff: noqa: F811  (fixtures imported from the checkout and operations conftests)
from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from shop.accounts.models import AuditEntry, Role
from shop.catalog.models import Variant
from shop.orders.models import OrderStatus, Refund
from tests.checkout.conftest import app_overrides, emulator, stripe  # noqa: F401  (fixtures)
from tests.operations.conftest import (  # noqa: F401  (fixtures)
    checkout,
    paid_order,
    pending_order,
    reload,
)


@pytest.fixture
def ops(login_as):
    return login_as(Role.OPERATOR)


def form_values(html: str, action: str) -> dict[str, str]:
    """The hidden and prefilled fields of the form posting to `action`."""
    form = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'name="([\w-]+)"[^>]*value="([^"]*)"', form))
    fields["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    for name, option in re.findall(r'<select[^>]*name="([\w-]+)"><option value="([^"]*)"', form):
        fields[name] = option  # a browser sends a select's first option
    return fields


def post_form(client, order, action: str, **values):
    path = f"/admin/orders/{order.number}/{action}"
    html = client.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    data = form_values(html, path) | values
    return client.post(path, data=data)


def flashed(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:400]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_ship_part_then_the_rest_and_the_shopper_sees_both(ops, paid_order, seeded, client):
    order = paid_order(("BMX-PRO-SND", 2))
    line = order.lines[0]
    html = flashed(
        ops,
        post_form(
            ops,
            order,
            "fulfil",
            carrier="UPS",
            tracking_number="1Z999AA10123456784",
            **{f"ship-{line.id}": "1"},
        ),
    )
    assert "Shipment recorded." in html
    assert reload(seeded, order).status is OrderStatus.PAID
    html = flashed(
        ops,
        post_form(ops, order, "fulfil", carrier="<b>Royal</b> Mail", tracking_number="RM 123-456"),
    )
    assert "now fulfilled" in html
    assert "&lt;b&gt;Royal&lt;/b&gt; Mail" in html and "<b>Royal</b>" not in html
    order = reload(seeded, order)
    assert order.status is OrderStatus.FULFILLED
    page = client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    assert "UPS, tracking number" in page and "1Z999AA10123456784" in page
    assert "&lt;b&gt;Royal&lt;/b&gt; Mail" in page and "<b>Royal</b>" not in page
    assert (
        "Shipped 1 \N{MULTIPLICATION SIGN} Balmorex Pro (Sand) with UPS, "
        "tracking 1Z999AA10123456784." in page
    )
    actions = seeded.scalars(sa.select(AuditEntry.action).where(AuditEntry.target == order.number))
    assert list(actions) == ["order.fulfil", "order.fulfil"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tracking_number": "<script>x</script>"}, "letters, digits, spaces and dashes"),
        ({"tracking_number": "1" * 61}, "60 characters"),
        ({"carrier": ""}, "Choose or type the carrier"),
        ({"carrier": "c" * 61}, "60 characters"),
        ({"ship-LINE": "3"}, "Only 2 of BMX-PRO-SND are left to ship, not 3"),
        ({"ship-LINE": "0"}, "Choose at least one item"),
        ({"ship-LINE": "1.5"}, "whole numbers"),
    ],
)
def test_shipping_forms_that_do_not_make_sense_say_why(ops, paid_order, seeded, fields, message):
    order = paid_order(("BMX-PRO-SND", 2))
    key = f"ship-{order.lines[0].id}"
    values = {"carrier": "UPS", "tracking_number": "1Z"} | {
        (key if k == "ship-LINE" else k): v for k, v in fields.items()
    }
    response = post_form(ops, order, "fulfil", **values)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert reload(seeded, order).lines[0].fulfilled_quantity == 0


def test_unpaid_orders_cannot_be_shipped(ops, pending_order, seeded):
    order = pending_order(("BMX-PRO-GRF", 1))
    html = ops.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert "Record shipment" not in html and "Cancel order" in html
    token = form_values(html, f"/admin/orders/{order.number}/cancel")["csrf_token"]
    response = ops.post(
        f"/admin/orders/{order.number}/fulfil",
        data={
            "csrf_token": token,
            "carrier": "UPS",
            "tracking_number": "1Z",
            f"ship-{order.lines[0].id}": "1",
        },
    )
    assert response.status_code == 400
    assert "pending payment can&#39;t be shipped" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("-5", "can&#39;t be negative"),
        ("12.345", "at most 2 decimal places"),
        ("ten", "is not an amount"),
        ("129.01", "$129.01 is more than the $129.00 left to refund"),
    ],
)
def test_refunds_that_make_no_sense_are_refused(ops, paid_order, seeded, stripe, amount, message):
    order = paid_order(("BMX-PRO-GRF", 1))
    response = post_form(ops, order, "refund", amount=amount)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text, re.findall(r'role="alert">([^<]*)', text)
    assert stripe.store.refunds == {} and reload(seeded, order).refunded_amount == 0


def test_an_unpaid_order_has_no_refund_form_and_refuses_one(ops, pending_order, stripe):
    order = pending_order(("BMX-PRO-GRF", 1))
    html = ops.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert ">Refund</button>" not in html
    token = form_values(html, f"/admin/orders/{order.number}/cancel")["csrf_token"]
    response = ops.post(
        f"/admin/orders/{order.number}/refund",
        data={"csrf_token": token, "nonce": "x" * 24, "amount": "10", "reason": "duplicate"},
    )
    assert response.status_code == 400
    assert "has no payment to refund" in response.get_data(as_text=True)
    assert stripe.store.refunds == {}


def test_partial_refund_then_the_rest(ops, paid_order, seeded, stripe, client):
    order = paid_order(("BMX-PRO-GRF", 1))
    html = flashed(ops, post_form(ops, order, "refund", amount="20.00"))
    assert "Refunded $20.00" in html and "Up to $109.00 can be refunded" in html
    assert reload(seeded, order).status is OrderStatus.PARTIALLY_REFUNDED
    html = flashed(
        ops,
        post_form(
            ops, order, "refund", amount="109", reason="other", reason_note="Arrived damaged"
        ),
    )
    order = reload(seeded, order)
    assert (order.status, order.refunded_amount) == (OrderStatus.REFUNDED, 12900)
    assert "Arrived damaged" in html and ">Refund</button>" not in html
    page = client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    assert "$20.00 back to your card" in page and "$109.00 back to your card" in page


def test_a_double_clicked_refund_makes_one_refund(ops, paid_order, seeded, stripe):
    order = paid_order(("BMX-PRO-GRF", 1))
    path = f"/admin/orders/{order.number}/refund"
    html = ops.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    data = form_values(html, path) | {"amount": "10.00"}
    first = ops.post(path, data=data)
    second = ops.post(path, data=data)
    assert first.status_code == second.status_code == 303
    assert "already made" in ops.get(second.headers["Location"]).get_data(as_text=True)
    assert len(stripe.store.refunds) == 1
    assert seeded.scalar(sa.select(sa.func.count()).select_from(Refund)) == 1


def test_two_clicks_racing_make_one_refund(ops, paid_order, seeded, stripe, app):
    order = paid_order(("BMX-PRO-GRF", 1))
    path = f"/admin/orders/{order.number}/refund"
    html = ops.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    data = form_values(html, path) | {"amount": "15.00"}
    cookie = ops.get_cookie("session")
    start, answers = threading.Barrier(2), []

    def click() -> None:
        client = app.test_client()
        client.set_cookie(cookie.key, cookie.value)
        start.wait()
        answers.append(client.post(path, data=data).status_code)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [303, 303]
    assert len(stripe.store.refunds) == 1
    assert seeded.scalar(sa.select(sa.func.count()).select_from(Refund)) == 1
    assert reload(seeded, order).refunded_amount == 1500


def test_stripe_down_during_a_refund_says_so_and_records_nothing(ops, paid_order, seeded, stripe):
    order = paid_order(("BMX-PRO-GRF", 1))
    stripe.add_fault(kind="api_error", status=500, path_prefix="/v1/refunds", method="POST")
    path = f"/admin/orders/{order.number}/refund"
    html = ops.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    data = form_values(html, path) | {"amount": "10.00"}
    response = ops.post(path, data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 502
    assert "Stripe didn&#39;t confirm the refund, so nothing was recorded" in text
    assert f'name="nonce" value="{data["nonce"]}"' in text  # a retry repeats the same request
    order = reload(seeded, order)
    assert (order.refunded_amount, order.status) == (0, OrderStatus.PAID)
    assert stripe.store.refunds == {}
    assert flashed(ops, ops.post(path, data=data))  # Stripe is back: the retry works
    assert reload(seeded, order).refunded_amount == 1000


def test_stripes_refusal_is_shown_to_the_operator(ops, paid_order, stripe):
    order = paid_order(("BMX-PRO-GRF", 1))
    stripe.dashboard_refund(order.stripe_payment_intent_id, 12500)  # webhook not delivered
    response = post_form(ops, order, "refund", amount="5")
    assert response.status_code == 400
    assert "Stripe refused the refund: Refund amount ($5.00) is greater than unrefunded" in (
        response.get_data(as_text=True)
    )


def test_restocking_with_a_refund(ops, paid_order, seeded, stripe):
    order = paid_order(("BMX-PRO-SND", 2))
    line = order.lines[0]
    flashed(ops, post_form(ops, order, "refund", amount="129", **{f"restock-{line.id}": "1"}))
    sand = seeded.scalar(sa.select(Variant).where(Variant.sku == "BMX-PRO-SND"))
    seeded.refresh(sand)
    assert sand.stock_on_hand == 3
    assert reload(seeded, order).lines[0].restocked_quantity == 1


def test_cancel_an_unpaid_order(ops, pending_order, seeded, stripe):
    order = pending_order(("BMX-PRO-SND", 2))
    html = flashed(ops, post_form(ops, order, "cancel"))
    assert "Order cancelled" in html
    order = reload(seeded, order)
    assert order.status is OrderStatus.CANCELLED
    assert stripe.store.session(order.stripe_session_id).obj["status"] == "expired"
    sand = seeded.scalar(sa.select(Variant).where(Variant.sku == "BMX-PRO-SND"))
    seeded.refresh(sand)
    assert sand.stock_reserved == 0


def test_cancel_refused_when_stripe_already_has_the_payment(ops, pending_order, seeded, stripe):
    order = pending_order(("BMX-PRO-SND", 1))
    stripe.pay(order.stripe_session_id)
    html = flashed(ops, post_form(ops, order, "cancel"))
    assert "already completed" in html and "Refresh in a moment" in html
    assert reload(seeded, order).status is OrderStatus.PENDING_PAYMENT


def test_notes_are_escaped_and_extra_fields_ignored(ops, paid_order, seeded):
    order = paid_order(("BMX-PRO-GRF", 1))
    html = flashed(
        ops,
        post_form(
            ops,
            order,
            "notes",
            note="<img src=x onerror=alert(1)>",
            status="refunded",
            total_amount="1",
            price="0",
        ),
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    order = reload(seeded, order)
    assert (order.status, order.total_amount) == (OrderStatus.PAID, 12900)
    assert ops.post(f"/admin/orders/{order.number}/notes", data={"note": "x"}).status_code == 400


def test_an_empty_note_is_refused(ops, paid_order):
    order = paid_order(("BMX-PRO-GRF", 1))
    response = post_form(ops, order, "notes", note="   ")
    assert response.status_code == 400 and "Write something" in response.get_data(as_text=True)


ROUTES = [
    ("GET", "/admin/orders"),
    ("GET", "/admin/orders/export"),
    ("GET", "/admin/orders/BMX-ANY"),
    ("POST", "/admin/orders/BMX-ANY/fulfil"),
    ("POST", "/admin/orders/BMX-ANY/refund"),
    ("POST", "/admin/orders/BMX-ANY/cancel"),
    ("POST", "/admin/orders/BMX-ANY/notes"),
    ("POST", "/admin/orders/BMX-ANY/review"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_marketers_are_refused_and_visitors_sent_to_sign_in(app, login_as, method, path):
    marketer = login_as(Role.MARKETER)
    token = form_values(marketer.get("/admin").get_data(as_text=True), "/admin/logout")
    assert marketer.open(path, method=method, data=token).status_code == 403
    anonymous = app.test_client()
    response = anonymous.open(path, method=method)
    if method == "GET":
        assert response.status_code == 302 and "/admin/login?next=" in response.headers["Location"]
    else:
        assert response.status_code in (302, 400)  # no session: CSRF or sign-in stops it first
