"""What operators do to an order: ship, refund, cancel, clear a review, write a note.

Each action is a POST with a CSRF token that either redirects back with a message, or shows
the order again with the reason and what was typed. Only the fields named here are read.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError

from shop.accounts.models import Role
from shop.backoffice.access import allow, staff
from shop.backoffice.blueprint import bp
from shop.backoffice.orders import order_or_404, render_detail
from shop.checkout.gateway import PaymentError
from shop.checkout.setup import gateway
from shop.db import get_session
from shop.money import format_money
from shop.operations import cancellation, fulfilment, inputs, notes, refunds
from shop.operations.inputs import OperationsError
from shop.operations.refunds import DuplicateRefund, RefundOrder


def _back(number: str, message: str, category: str = "success") -> ResponseReturnValue:
    flash(message, category)
    return redirect(url_for("backoffice.order_detail", number=number), 303)


def _form(*names: str) -> dict[str, str]:
    return {name: request.form.get(name, "") for name in names}


@bp.post("/orders/<number>/fulfil")
@allow(Role.OPERATOR)
def order_fulfil(number: str) -> ResponseReturnValue:
    """Ship some or all of what is left, with carrier and tracking number."""
    db = get_session()
    order = order_or_404(number)
    typed = _form("carrier", "tracking_number") | {
        k: v for k, v in request.form.items() if k.startswith("ship-")
    }
    try:
        shipment_request = fulfilment.ShipmentRequest(
            carrier=inputs.parse_carrier(typed["carrier"]),
            tracking_number=inputs.parse_tracking(typed["tracking_number"]),
            quantities=inputs.parse_quantities(request.form, order, "ship-"),
        )
        if not shipment_request.quantities:
            raise OperationsError("Choose at least one item to ship.")
        fulfilment.fulfil_order(db, order, shipment_request, staff())
    except OperationsError as error:
        db.rollback()
        return render_detail(
            order_or_404(number), error.status, ship_error=error.message, form=typed
        )
    db.commit()
    done = " The order is now fulfilled." if order.status.value == "fulfilled" else ""
    return _back(number, f"Shipment recorded.{done}")


def _refund_form() -> dict[str, str]:
    typed = _form("nonce", "amount", "reason", "reason_note")
    return typed | {k: v for k, v in request.form.items() if k.startswith("restock-")}


def _refund_request(typed: dict[str, str], currency: str, restock: dict[int, int]) -> RefundOrder:
    return RefundOrder(
        nonce=inputs.parse_nonce(typed["nonce"]),
        amount=inputs.parse_amount(typed["amount"], currency),
        reason=inputs.parse_reason(typed["reason"], typed["reason_note"]),
        restock=restock,
    )


@bp.post("/orders/<number>/refund")
@allow(Role.OPERATOR)
def order_refund(number: str) -> ResponseReturnValue:
    """Refund part or all of the payment through Stripe, once per form."""
    db = get_session()
    typed = _refund_form()
    # Two tries: the second only if the webhook recorded this very refund while we did.
    for _attempt in range(2):
        order = order_or_404(number)
        try:
            restock = inputs.parse_quantities(request.form, order, "restock-")
            refund_request = _refund_request(typed, order.currency, restock)
            made = refunds.refund_order(db, gateway(), order, refund_request, staff())
            amount = format_money(made.amount, order.currency)
            db.commit()
            return _back(number, f"Refunded {amount}. The shopper's bank shows it in 5–10 days.")
        except DuplicateRefund as error:
            db.rollback()
            return _back(number, error.message, "info")
        except OperationsError as error:
            db.rollback()
            message, status = error.message, error.status
        except PaymentError as error:
            db.rollback()
            message = refunds.stripe_failure_message(error)
            status = 400 if error.detail else 502  # refused, or not answered
        except IntegrityError:
            db.rollback()
            if refunds.find_request(db, order_or_404(number), typed.get("nonce", "")):
                return _back(
                    number, "That refund was already made; nothing more was refunded.", "info"
                )
            continue
        break
    else:
        message, status = "The refund could not be recorded; reload the order and check.", 409
    nonce = typed.get("nonce", "")
    keep = nonce if inputs.NONCE.fullmatch(nonce) else None
    state = {"refund_error": message, "form": typed}
    if keep:
        state["refund_nonce"] = keep  # pressing Refund again repeats the same request
    return render_detail(order_or_404(number), status, **state)


@bp.post("/orders/<number>/cancel")
@allow(Role.OPERATOR)
def order_cancel(number: str) -> ResponseReturnValue:
    """Cancel an unpaid order: end its Stripe checkout and release its stock."""
    db = get_session()
    order = order_or_404(number)
    try:
        cancellation.cancel_order(db, gateway(), order, staff())
    except OperationsError as error:
        db.rollback()
        return _back(number, error.message, "error")
    except PaymentError as error:
        db.rollback()
        return _back(number, f"Stripe could not be reached: {error.message}", "error")
    db.commit()
    return _back(number, "Order cancelled; its checkout can no longer be paid and stock is back.")


@bp.post("/orders/<number>/notes")
@allow(Role.OPERATOR)
def order_note(number: str) -> ResponseReturnValue:
    """Add an internal note to the order's timeline."""
    db = get_session()
    order = order_or_404(number)
    typed = _form("note")
    try:
        notes.add_note(db, order, inputs.parse_note(typed["note"]), staff())
    except OperationsError as error:
        db.rollback()
        return render_detail(order_or_404(number), 400, note_error=error.message, form=typed)
    db.commit()
    return _back(number, "Note added.")


@bp.post("/orders/<number>/review")
@allow(Role.OPERATOR)
def order_review(number: str) -> ResponseReturnValue:
    """Clear a needs-review flag after checking the order, with a note saying why."""
    db = get_session()
    order = order_or_404(number)
    typed = _form("review_note")
    try:
        notes.resolve_review(db, order, inputs.parse_note(typed["review_note"]), staff())
    except OperationsError as error:
        db.rollback()
        return render_detail(
            order_or_404(number), error.status, review_error=error.message, form=typed
        )
    db.commit()
    return _back(number, "Review cleared; the order is paid and ready to ship.")
