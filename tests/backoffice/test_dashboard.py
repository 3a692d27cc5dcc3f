"""/admin: operators see sales, stock and articles; marketers see their links, not revenue."""

from __future__ import annotations

import re
import secrets

import pytest

from shop.accounts.models import Role
from shop.db import utcnow
from shop.orders.models import Order, OrderLine, OrderStatus, StockHold


@pytest.fixture
def shop_with_sales(db, make_product):
    """Two paid orders today ($258.00 + $25.00), one waiting order, one low-stock option."""
    pro = make_product(name="Balmorex Pro", variants=[("Sand", 12900, 40)]).variants[0]
    case = make_product(name="Travel Case", variants=[("Std", 2500, 3)]).variants[0]
    for status, variant, quantity in (
        (OrderStatus.PAID, pro, 2),
        (OrderStatus.FULFILLED, case, 1),
        (OrderStatus.PENDING_PAYMENT, pro, 5),
    ):
        total = variant.price_amount * quantity
        db.add(
            Order(
                number=f"BMX-{secrets.token_hex(4).upper()}",
                access_token=secrets.token_urlsafe(32),
                status=status,
                stock_hold=StockHold.COMMITTED,
                currency="USD",
                subtotal_amount=total,
                total_amount=total,
                paid_at=None if status is OrderStatus.PENDING_PAYMENT else utcnow(),
                lines=[
                    OrderLine(
                        variant_id=variant.id,
                        product_name=variant.product.name,
                        variant_name=variant.name,
                        sku=variant.sku,
                        unit_amount=variant.price_amount,
                        quantity=quantity,
                    )
                ],
            )
        )
    db.commit()
    return pro, case


def tile(html, label):
    found = re.search(rf"{re.escape(label)}</span> <span class=\"figure-value\">([^<]+)<", html)
    assert found, label
    return found.group(1)


def test_operators_see_the_figures_of_paid_orders(login_as, shop_with_sales):
    _pro, case = shop_with_sales
    html = login_as(Role.OPERATOR).get("/admin").get_data(as_text=True)
    assert tile(html, "Revenue, last 30 days") == "$283.00"
    assert tile(html, "Paid orders, last 30 days") == "2"
    assert tile(html, "Waiting for fulfilment") == "1"
    assert 'href="/admin/orders?status=paid"' in html
    low = html[html.index('id="low-heading"') :]
    assert case.sku in low.split("</table>")[0]
    top = html[html.index('id="top-heading"') :].split("</table>")[0]
    assert re.search(r"<td>Balmorex Pro</td><td>2</td><td>\$258\.00</td>", top)
    assert re.search(r"<td>Travel Case</td><td>1</td><td>\$25\.00</td>", top)


def test_the_chart_is_inline_svg_with_a_title_and_a_data_table(login_as, shop_with_sales):
    html = login_as(Role.OPERATOR).get("/admin").get_data(as_text=True)
    assert html.count('role="img"') == 2
    assert '<title id="revenue-chart-title">Revenue per day, last 30 days</title>' in html
    assert 'aria-labelledby="revenue-chart-title revenue-chart-desc"' in html
    assert '<desc id="revenue-chart-desc">' in html
    table = html[html.index('<details class="chart-data">') :].split("</details>")[0]
    today = utcnow().date().isoformat()
    assert re.search(rf'<th scope="row">{today}</th><td>2</td><td>\$283\.00</td>', table)
    assert table.count("<tr>") == 31  # header + 30 days
    assert "<script" not in html


def test_marketers_see_their_links_but_no_revenue(login_as, shop_with_sales):
    html = login_as(Role.MARKETER).get("/admin").get_data(as_text=True)
    assert "$283.00" not in html and "Revenue" not in html and "<svg" not in html
    assert "Waiting for fulfilment" not in html
    assert "Your pages" in html and 'href="/admin/products"' in html
    assert 'href="/admin/stock"' not in html


def test_admins_see_the_figures_too(login_as, shop_with_sales):
    html = login_as(Role.ADMIN).get("/admin").get_data(as_text=True)
    assert tile(html, "Revenue, last 30 days") == "$283.00"


def test_an_empty_shop_has_a_calm_dashboard(login_as):
    response = login_as(Role.OPERATOR).get("/admin")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert tile(html, "Revenue, last 30 days") == "$0.00"
    assert "No paid orders in the last 30 days." in html
