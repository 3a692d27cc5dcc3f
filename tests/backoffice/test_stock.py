"""Operators adjust stock and change prices at /admin/stock; marketers may not."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.accounts.models import AuditEntry, Role
from shop.catalog.models import Variant
from shop.catalog.stock import reserve_stock
from shop.inventory.models import PriceChange, StockMovement
from tests.backoffice.conftest import form_token


@pytest.fixture
def variant(make_product):
    return make_product(name="Balmorex Pro", variants=[("Sand", 12900, 10)]).variants[0]


@pytest.fixture
def operator(login_as):
    return login_as(Role.OPERATOR)


def post(client, path, **data):
    return client.post(path, data={"csrf_token": form_token(client, "/admin/stock"), **data})


def current(db, variant):
    db.expire_all()
    return db.get(Variant, variant.id)


def test_the_stock_page_lists_every_variant_with_its_numbers(operator, db, variant):
    reserve_stock(db, variant.id, 4)
    db.commit()
    html = operator.get("/admin/stock").get_data(as_text=True)
    assert "Balmorex Pro" in html and "Sand" in html and variant.sku in html
    assert "$129.00" in html
    row = html[html.index(f'id="variant-{variant.id}"') :]
    cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:5]]
    assert cells[1:] == ["10", "4", "6"]
    assert f'action="/admin/stock/{variant.id}/adjust"' in html
    assert 'name="csrf_token"' in html


def test_adjusting_stock_up_and_down_keeps_history_and_audit(operator, db, variant):
    response = post(operator, f"/admin/stock/{variant.id}/adjust", delta="+5",
                    reason="received delivery")  # fmt: skip
    assert response.status_code == 303
    response = post(operator, f"/admin/stock/{variant.id}/adjust", delta="-2", reason="damaged")
    assert response.status_code == 303
    assert current(db, variant).stock_on_hand == 13
    moves = db.scalars(sa.select(StockMovement).order_by(StockMovement.id)).all()
    assert [(m.delta, m.reason, m.on_hand_after, m.staff_email) for m in moves] == [
        (5, "received delivery", 15, "operator@balmorex.example"),
        (-2, "damaged", 13, "operator@balmorex.example"),
    ]
    entries = db.scalars(sa.select(AuditEntry).where(AuditEntry.action == "stock.adjust")).all()
    assert [(e.target, e.before, e.after["on_hand"]) for e in entries] == [
        (variant.sku, {"on_hand": 10}, 15),
        (variant.sku, {"on_hand": 15}, 13),
    ]
    history = operator.get(f"/admin/stock/{variant.id}").get_data(as_text=True)
    assert "received delivery" in history and "damaged" in history and "+5" in history


def test_removing_below_reserved_is_refused_with_a_message(operator, db, variant):
    reserve_stock(db, variant.id, 8)
    db.commit()
    response = post(operator, f"/admin/stock/{variant.id}/adjust", delta="-3", reason="damaged")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Only 2 can be removed" in html
    assert current(db, variant).stock_on_hand == 10
    assert db.scalar(sa.select(sa.func.count()).select_from(StockMovement)) == 0


def test_changing_the_price_parses_decimals_and_keeps_history(operator, db, variant):
    response = post(operator, f"/admin/stock/{variant.id}/price", price="139.50")
    assert response.status_code == 303
    assert current(db, variant).price_amount == 13950
    change = db.scalar(sa.select(PriceChange))
    assert (change.old_amount, change.new_amount, change.staff_email) == (
        12900, 13950, "operator@balmorex.example"
    )  # fmt: skip
    entry = db.scalar(sa.select(AuditEntry).where(AuditEntry.action == "price.change"))
    assert (entry.before, entry.after["price"]) == ({"price": "129.00"}, "139.50")
    history = operator.get(f"/admin/stock/{variant.id}").get_data(as_text=True)
    assert "$129.00" in history and "$139.50" in history


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("adjust", {"delta": "", "reason": "x"}, "Enter how many units"),
        ("adjust", {"delta": "abc", "reason": "x"}, "whole number"),
        ("adjust", {"delta": "1.5", "reason": "x"}, "whole number"),
        ("adjust", {"delta": "0", "reason": "x"}, "changes nothing"),
        ("adjust", {"delta": "99999999", "reason": "x"}, "at most"),
        ("adjust", {"delta": "3", "reason": ""}, "Say why"),
        ("adjust", {"delta": "3", "reason": "r" * 201}, "200 characters"),
        ("adjust", {"reason": "x"}, "Enter how many units"),
        ("price", {"price": "-5"}, "negative"),
        ("price", {"price": "12.999"}, "2 decimal"),
        ("price", {"price": "twelve"}, "number"),
        ("price", {"price": "100000.01"}, "too high"),
        ("price", {}, "Enter the new price"),
    ],
)
def test_bad_input_is_a_400_with_a_clear_message(operator, db, variant, action, data, message):
    response = post(operator, f"/admin/stock/{variant.id}/{action}", **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    fresh = current(db, variant)
    assert (fresh.stock_on_hand, fresh.price_amount) == (10, 12900)


def test_extra_fields_are_ignored(operator, db, variant):
    response = post(
        operator, f"/admin/stock/{variant.id}/adjust", delta="1", reason="count correction",
        stock_reserved="0", price_amount="1", stock_on_hand="999", staff_email="x@y.z",
    )  # fmt: skip
    assert response.status_code == 303
    fresh = current(db, variant)
    assert (fresh.stock_on_hand, fresh.price_amount, fresh.stock_reserved) == (11, 12900, 0)
    assert db.scalar(sa.select(StockMovement.staff_email)) == "operator@balmorex.example"


def test_forms_need_a_csrf_token(operator, db, variant):
    response = operator.post(
        f"/admin/stock/{variant.id}/adjust", data={"delta": "1", "reason": "x"}
    )
    assert response.status_code == 400
    assert current(db, variant).stock_on_hand == 10


def test_an_unknown_variant_is_a_404(operator):
    assert operator.get("/admin/stock/999999").status_code == 404
    assert post(operator, "/admin/stock/999999/adjust", delta="1", reason="x").status_code == 404


def test_errors_on_the_history_page_are_shown_there(operator, variant):
    response = post(operator, f"/admin/stock/{variant.id}/price", price="abc", return_to="history")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Stock adjustments" in html and 'aria-invalid="true"' in html


@pytest.mark.parametrize("path", ["/admin/stock", "/admin/stock/{id}"])
def test_marketers_may_not_open_stock_pages(login_as, variant, path):
    marketer = login_as(Role.MARKETER)
    assert marketer.get(path.format(id=variant.id)).status_code == 403
    token = form_token(marketer, "/admin")
    response = marketer.post(
        f"/admin/stock/{variant.id}/adjust", data={"csrf_token": token, "delta": "5", "reason": "x"}
    )
    assert response.status_code == 403


def test_admins_may_use_the_stock_page(login_as, variant):
    assert login_as(Role.ADMIN).get("/admin/stock").status_code == 200
