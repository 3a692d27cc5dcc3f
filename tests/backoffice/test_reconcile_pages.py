"""/admin/reconcile: run a check against (emulated) Stripe, see findings, fix lost payments."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.accounts.models import AuditEntry, Role
from shop.orders.models import OrderStatus
from tests.backoffice.conftest import form_token
from tests.checkout.conftest import (  # noqa: F401  (the emulator and a shopper)
    app_overrides,
    emulator,
    shopper,
    stripe,
)


@pytest.fixture
def operator(login_as):
    return login_as(Role.OPERATOR)


def post(client, path, **data):
    return client.post(path, data={"csrf_token": form_token(client, "/admin/reconcile"), **data})


def lost_payment(shopper, stripe):  # noqa: F811
    shopper.add("BMX-PRO-SND")
    session_id = shopper.checkout_session_id()
    stripe.pay(session_id, shipping_option=0)
    return session_id


def test_the_page_offers_a_form_before_any_run(operator):
    html = operator.get("/admin/reconcile").get_data(as_text=True)
    assert "No check has been run yet." in html
    assert 'name="since"' in html and 'name="csrf_token"' in html


def test_a_lost_payment_is_listed_and_fixed_with_one_button(operator, shopper, stripe):  # noqa: F811
    session_id = lost_payment(shopper, stripe)
    response = post(operator, "/admin/reconcile")
    assert response.status_code == 303
    html = operator.get("/admin/reconcile").get_data(as_text=True)
    order = shopper.order(session_id)
    assert "Paid in Stripe, not here" in html and order.number in html
    assert "1 need attention" in html
    assert f'name="session_id" value="{session_id}"' in html

    fixed = post(operator, "/admin/reconcile/fix", session_id=session_id)
    assert fixed.status_code == 303
    assert shopper.order(session_id).status is OrderStatus.PAID
    html = operator.get("/admin/reconcile").get_data(as_text=True)
    assert f"Order {order.number} is now paid." in html
    assert f'value="{session_id}"' not in html
    actions = shopper.db.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["payments.reconcile", "payments.fulfil"]


def test_a_clean_check_says_so(operator, shopper):  # noqa: F811
    post(operator, "/admin/reconcile", since="2020-01-01")
    html = operator.get("/admin/reconcile").get_data(as_text=True)
    assert "everything matches" in html and "created since 2020-01-01" in html


@pytest.mark.parametrize("since", ["tomorrowish", "2026-02-30", "3000-01-01"])
def test_a_bad_date_is_a_400_with_a_message(operator, since):
    response = post(operator, "/admin/reconcile", since=since)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "YYYY-MM-DD" in html or "in the future" in html


@pytest.mark.parametrize("session_id", ["", "nope", "cs_test_<script>"])
def test_fixing_needs_a_real_session_id(operator, session_id):
    assert post(operator, "/admin/reconcile/fix", session_id=session_id).status_code == 400


def test_fixing_an_unknown_session_is_a_404(operator, stripe):  # noqa: F811
    assert post(operator, "/admin/reconcile/fix", session_id="cs_test_unknown1").status_code == 404


def test_stripe_unreachable_is_a_clear_message_not_a_500(operator, stripe):  # noqa: F811
    stripe.add_fault(kind="api_delay", seconds=3, path_prefix="/v1/checkout/sessions")
    response = post(operator, "/admin/reconcile")
    assert response.status_code == 303
    html = operator.get("/admin/reconcile").get_data(as_text=True)
    assert "Stripe could not be reached" in html


def test_marketers_may_not_reconcile(login_as):
    marketer = login_as(Role.MARKETER)
    assert marketer.get("/admin/reconcile").status_code == 403
    token = form_token(marketer, "/admin")
    assert marketer.post("/admin/reconcile", data={"csrf_token": token}).status_code == 403
