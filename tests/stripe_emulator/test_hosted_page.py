"""The hosted Checkout stand-in page and the HTTP control surface around it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from shop.stripe_emulator import EmulatorServer
from tests.stripe_emulator.conftest import http


class _Labels(HTMLParser):
    """Collects ids of form controls and the `for` targets of labels."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[str] = []
        self.labelled: set[str] = set()
        self.buttons: list[str] = []
        self._in_button = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("input", "select") and found.get("type") != "radio":
            self.controls.append(found.get("id") or "")
        if tag == "label" and found.get("for"):
            self.labelled.add(found["for"] or "")
        self._in_button = tag == "button"

    def handle_data(self, data: str) -> None:
        if self._in_button and data.strip():
            self.buttons.append(data.strip())
            self._in_button = False


def test_page_shows_items_totals_and_test_notice(
    open_session: Any, emulator: EmulatorServer
) -> None:
    session = open_session()

    page = http("GET", session.url)

    assert page.status == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    html = page.text
    assert "Test payments: local Stripe emulator" in html
    assert "Massage ball set" in html and "Wärmekissen" in html
    assert "€61.90" in html and "€66.80" in html  # subtotal, total with standard shipping
    assert 'value="anna@example.com" readonly' in html
    assert re.findall(r'<option value="(\w\w)"', html) == ["DE", "AT", "CH"]
    assert "Standard (2 to 4 business days): €4.90" in html
    assert 'name="promotion_code"' in html
    assert 'href="http://shop.test/cart">Cancel and go back' in html
    assert "<script" not in html and "http://" not in html.split("<body>")[0]


def test_every_control_is_labelled_and_buttons_say_what_they_do(open_session: Any) -> None:
    parser = _Labels()
    parser.feed(http("GET", open_session().url).text)

    assert parser.controls and set(parser.controls) <= parser.labelled
    assert parser.buttons == [
        "Apply code",
        "Pay with test card 4242 4242 4242 4242",
        "Card declined (4000 0000 0000 0002)",
        "Delayed payment that will succeed",
        "Delayed payment that will fail",
    ]


def test_page_without_shipping_or_promotions(open_session: Any) -> None:
    session = open_session(
        shipping_address_collection=None,
        shipping_options=None,
        allow_promotion_codes=None,
        customer_email=None,
    )

    html = http("GET", session.url).text

    assert 'name="country"' not in html and 'name="shipping_option"' not in html
    assert 'name="promotion_code"' not in html
    assert 'value="jenny.rosen@example.com"' in html


def test_apply_code_updates_the_total_without_paying(
    open_session: Any, emulator: EmulatorServer
) -> None:
    session = open_session()
    form = {
        "action": "apply_promotion_code",
        "promotion_code": "WELCOME10",
        "shipping_option": "0",
        "email": "a@b.co",
    }

    page = http("POST", session.url, form=form)

    assert page.status == 200
    assert "Promotion code applied." in page.text and "\N{MINUS SIGN}€6.19" in page.text
    assert emulator.events() == []


def test_html_in_product_names_is_escaped(open_session: Any, session_params: Any) -> None:
    params = session_params()
    params["line_items"][0]["price_data"]["product_data"]["name"] = "<b>Bold</b> oil"
    session = open_session(line_items=params["line_items"])

    html = http("GET", session.url).text

    assert "&lt;b&gt;Bold&lt;/b&gt; oil" in html and "<b>Bold</b>" not in html


def test_unknown_session_page_is_404(emulator: EmulatorServer) -> None:
    page = http("GET", f"{emulator.url}/c/pay/cs_test_nope")

    assert page.status == 404 and "not valid" in page.text


def test_receipt_page(open_session: Any, emulator: EmulatorServer) -> None:
    intent_id = emulator.pay(open_session().id)["session"]["payment_intent"]
    charge = emulator.store.charges[emulator.store.payment_intents[intent_id]["latest_charge"]]

    page = http("GET", charge["receipt_url"])

    assert page.status == 200 and "€66.80" in page.text


def test_reset_clears_everything(open_session: Any, emulator: EmulatorServer) -> None:
    emulator.pay(open_session().id)
    emulator.add_fault(kind="api_error")
    emulator.advance_clock(60)

    reply = http("POST", f"{emulator.url}/_emulator/reset")

    assert reply.status == 200
    assert emulator.store.sessions == {} and emulator.events() == []
    assert emulator.faults.list() == [] and emulator.deliveries() == []
    assert http("GET", f"{emulator.url}/_emulator/clock").json()["offset"] == 0


def test_control_errors(emulator: EmulatorServer) -> None:
    assert http("POST", f"{emulator.url}/_emulator/sessions/cs_test_nope/pay").status == 404
    assert http("POST", f"{emulator.url}/_emulator/nothing-here").status == 404
    assert http("GET", f"{emulator.url}/_emulator/reset").status == 405
    assert http("GET", f"{emulator.url}/_emulator/health").json() == {"ok": True}
