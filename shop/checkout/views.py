"""Checkout routes: start a checkout, come back from Stripe, receive webhooks."""

from __future__ import annotations

import logging
import re

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from shop.cart.cookie import read_cart_token
from shop.cart.services import get_cart, summarize_cart
from shop.checkout.events import handle_event, record_stripe_event
from shop.checkout.fulfilment import fulfil_checkout
from shop.checkout.gateway import PaymentError, WebhookSignatureError
from shop.checkout.services import (
    CheckoutError,
    CheckoutSettings,
    abandon_checkout,
    open_stripe_checkout,
    place_pending_order,
    reusable_checkout,
)
from shop.checkout.setup import gateway
from shop.db import get_session
from shop.extensions import csrf
from shop.insights.attribution import record_article_attribution
from shop.orders.services import order_by_checkout_session

log = logging.getLogger(__name__)
bp = Blueprint("checkout", __name__)
webhooks = Blueprint("webhooks", __name__)
csrf.exempt(webhooks)  # Stripe signs its requests; that signature is the check here.

SESSION_ID = re.compile(r"cs_(test|live)_[A-Za-z0-9]{1,250}")


def checkout_settings() -> CheckoutSettings:
    """Checkout settings from the app config, with absolute return URLs."""
    config = current_app.config
    site = config["SITE_URL"]
    return CheckoutSettings(
        currency=config["CURRENCY"],
        success_url=f"{site}{url_for('checkout.success')}?session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=f"{site}{url_for('checkout.cancelled')}",
        expiry_minutes=max(30, config["CHECKOUT_EXPIRY_MINUTES"]),
        shipping_countries=config["SHIPPING_COUNTRIES"],
        free_shipping_over=config["SHIPPING_FREE_OVER"],
        standard_amount=config["SHIPPING_STANDARD_AMOUNT"],
        express_amount=config["SHIPPING_EXPRESS_AMOUNT"],
        allow_promotion_codes=config["ALLOW_PROMOTION_CODES"],
    )


@bp.post("/checkout")
def start() -> ResponseReturnValue:
    """Hold the stock, create the pending order and send the shopper to Stripe (303)."""
    session = get_session()
    settings = checkout_settings()
    token = read_cart_token(request)
    cart = summarize_cart(session, get_cart(session, token), settings.currency)
    if token and not cart.is_empty:
        existing = reusable_checkout(session, cart, token)
        if existing and existing.stripe_session_url:
            return redirect(existing.stripe_session_url, 303)
    try:
        order = place_pending_order(session, cart, token or "", settings)
        record_article_attribution(session, order, token or "")  # never fails a checkout
        session.commit()
    except CheckoutError as error:
        session.rollback()
        flash(error.message, "error")
        return redirect(url_for("cart.view"), 303)
    try:
        url = open_stripe_checkout(session, gateway(), order, settings)
        session.commit()
    except PaymentError as error:
        session.rollback()
        abandon_checkout(session, order, error)
        session.commit()
        flash(error.message, "error")
        return redirect(url_for("cart.view"), 303)
    return redirect(url, 303)


@bp.get("/checkout/success")
def success() -> ResponseReturnValue:
    """Where Stripe sends the shopper after paying: confirm from Stripe, show the order."""
    session_id = request.args.get("session_id", "")
    if not SESSION_ID.fullmatch(session_id):
        abort(400, description="That checkout link is incomplete.")
    session = get_session()
    order = order_by_checkout_session(session, session_id)
    if order is None:
        abort(404)
    confirmed = True
    try:
        fulfil_checkout(session, gateway(), session_id)
        session.commit()
    except PaymentError:
        # The webhook will finish the job; the shopper still sees their order.
        session.rollback()
        confirmed = False
    session.refresh(order)
    response = Response(render_template("checkout/success.html", order=order, confirmed=confirmed))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/checkout/cancelled")
def cancelled() -> ResponseReturnValue:
    """The shopper left Stripe's page: back to the cart, as they left it."""
    flash("Checkout cancelled. Your cart is just as you left it.", "success")
    return redirect(url_for("cart.view"), 303)


@webhooks.post("/webhooks/stripe")
def stripe_webhook() -> ResponseReturnValue:
    """Verify, record once and apply a Stripe event; 5xx lets Stripe retry on failure."""
    payload = request.get_data(cache=False)
    try:
        event = gateway().verify_webhook(payload, request.headers.get("Stripe-Signature"))
    except WebhookSignatureError as error:
        log.warning("rejected webhook: %s", error)
        return jsonify(error="invalid signature"), 400
    session = get_session()
    try:
        if not record_stripe_event(session, event):
            return jsonify(received=True, duplicate=True), 200
        outcome = handle_event(session, gateway(), event)
        session.commit()
    except sa.exc.IntegrityError:
        session.rollback()  # the same event, stored by a concurrent delivery
        return jsonify(received=True, duplicate=True), 200
    except PaymentError as error:
        session.rollback()
        log.warning("webhook %s: Stripe unreachable (%s); asking for a retry", event.id, error)
        return jsonify(error="payment provider unreachable"), 503
    except sa.exc.SQLAlchemyError:
        session.rollback()
        log.exception("webhook %s: database error; asking for a retry", event.id)
        return jsonify(error="temporary failure"), 500
    log.info("webhook %s %s: %s", event.id, event.type, outcome)
    return jsonify(received=True), 200
