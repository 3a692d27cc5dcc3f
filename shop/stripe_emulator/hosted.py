"""The stand-in for Stripe's hosted Checkout page (`/c/pay/{id}`) and payment receipts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from shop.stripe_emulator import checkout_input as ci
from shop.stripe_emulator.payments import SessionNotOpen, pay_session
from shop.stripe_emulator.reference import country_name, format_amount
from shop.stripe_emulator.store import SessionRecord, Store

JSON = dict[str, Any]

ROUTES = Map(
    [
        Rule("/c/pay/<session_id>", methods=["GET", "POST"], endpoint="checkout"),
        Rule("/receipts/payment/<charge_id>", methods=["GET"], endpoint="receipt"),
    ]
)

_UNITS = {
    "business_day": "business day",
    "day": "day",
    "hour": "hour",
    "week": "week",
    "month": "month",
}


def _estimate(rate: JSON) -> str:
    estimate = rate["delivery_estimate"]
    if not estimate:
        return ""
    low, high = estimate.get("minimum"), estimate.get("maximum")
    bound = high or low
    unit = _UNITS[bound["unit"]] + ("s" if bound["value"] != 1 else "")
    if low and high and low["value"] != high["value"]:
        return f"{low['value']} to {high['value']} {unit}"
    return f"{bound['value']} {unit}"


class HostedPages:
    """Renders the test checkout page and handles its buttons."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.templates = Environment(
            loader=FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=select_autoescape(default=True),
        )

    def handle(self, request: Request) -> Response:
        """Serve a hosted page request."""
        try:
            endpoint, args = ROUTES.bind_to_environ(request.environ).match()
        except (NotFound, MethodNotAllowed):
            return self._message("Page not found", "There is no such page.", 404)
        if endpoint == "receipt":
            return self._receipt(args["charge_id"])
        with self.store.lock:
            record = self.store.sessions.get(args["session_id"])
            if record is None:
                return self._message(
                    "Checkout session not found", "This checkout link is not valid.", 404
                )
            if request.method == "GET":
                return self._checkout(record, ci.prefilled(record))
            return self._submit(record, request)

    def _submit(self, record: SessionRecord, request: Request) -> Response:
        form = request.form
        action = form.get("action", "")
        try:
            option = int(form.get("shipping_option", "0"))
        except ValueError:
            option = -1
        fields = {name: form.get(name, "") for name in ("email", "name", *_ADDRESS)}
        details = ci.PaymentDetails(
            outcome=action,
            shipping_option=option,
            promotion_code=form.get("promotion_code", ""),
            **fields,
        )
        try:
            if action == "apply_promotion_code":
                ci.quote(record, details)
                return self._checkout(record, details, notice="Promotion code applied.")
            result = pay_session(self.store, record.obj["id"], details)
        except SessionNotOpen:
            return self._checkout(record, details, status=409)
        except ci.PaymentInputError as exc:
            return self._checkout(record, details, error=exc, status=400)
        if result.error:
            return self._checkout(record, details, error=result.error, status=402)
        if result.redirect_url:
            return redirect(result.redirect_url, code=303)
        return self._checkout(record, details)

    def _checkout(
        self,
        record: SessionRecord,
        details: ci.PaymentDetails,
        *,
        error: ci.PaymentInputError | str | None = None,
        notice: str | None = None,
        status: int = 200,
    ) -> Response:
        session = record.obj
        try:
            totals = ci.quote(record, details)
        except ci.PaymentInputError:
            # Totals without the refused code or option; the form still shows what was typed.
            totals = ci.quote(record, replace(details, promotion_code="", shipping_option=0))
        currency = session["currency"]

        def money(amount: int) -> str:
            return format_amount(amount, currency)

        options = []
        for index, option in enumerate(session["shipping_options"]):
            rate = self.store.shipping_rates[option["shipping_rate"]]
            options.append(
                {
                    "index": index,
                    "name": rate["display_name"],
                    "estimate": _estimate(rate),
                    "amount": money(option["shipping_amount"]),
                    "checked": index == details.shipping_option,
                }
            )
        page = self.templates.get_template("checkout.html").render(
            session=session,
            details=details,
            error=str(error) if error else None,
            error_field=error.field if isinstance(error, ci.PaymentInputError) else None,
            notice=notice,
            items=[
                {
                    "name": item["description"],
                    "quantity": item["quantity"],
                    "amount": money(item["amount_subtotal"]),
                }
                for item in record.line_items
            ],
            subtotal=money(totals.subtotal),
            discount=money(totals.discount) if totals.discount else None,
            shipping=money(totals.shipping) if session["shipping_options"] else None,
            total=money(totals.total if session["status"] == "open" else session["amount_total"]),
            options=options,
            countries=[(code, country_name(code)) for code in ci.allowed_countries(session)],
            success_url=(session["success_url"] or "").replace(
                "{CHECKOUT_SESSION_ID}", session["id"]
            ),
        )
        return Response(page, status=status, content_type="text/html; charset=utf-8")

    def _receipt(self, charge_id: str) -> Response:
        with self.store.lock:
            charge = self.store.charges.get(charge_id)
            if charge is None or charge["status"] != "succeeded":
                return self._message("Receipt not found", "There is no such receipt.", 404)
            paid = format_amount(charge["amount"], charge["currency"])
            refunded = charge["amount_refunded"]
        text = f"Payment of {paid} received (charge {charge_id})."
        if refunded:
            text += f" Refunded: {format_amount(refunded, charge['currency'])}."
        return self._message("Receipt", text, 200)

    def _message(self, title: str, text: str, status: int) -> Response:
        page = self.templates.get_template("message.html").render(title=title, text=text)
        return Response(page, status=status, content_type="text/html; charset=utf-8")


_ADDRESS = ("line1", "line2", "city", "postal_code", "state", "country")
