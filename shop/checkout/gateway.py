"""The one adapter around the Stripe SDK; the rest of the shop sees plain values.

Everything that talks to Stripe goes through `StripeGateway`, built from settings, so it
can point at real Stripe test mode or at the local emulator with the same code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import stripe
from stripe.params.checkout import SessionCreateParams

log = logging.getLogger(__name__)

#: Pinned so that object shapes do not change under us with an SDK upgrade.
API_VERSION = "2026-10-28.endive"
WEBHOOK_TOLERANCE_SECONDS = 300


class PaymentError(Exception):
    """Stripe refused or could not be reached; `message` is safe to show a shopper."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        retryable: bool = False,
        detail: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable
        #: Stripe's own explanation, for staff (never shown to shoppers).
        self.detail = detail


class WebhookSignatureError(Exception):
    """A webhook whose signature is missing, wrong, tampered with or too old."""


@dataclass(frozen=True)
class CheckoutLine:
    """One line item priced from our database."""

    name: str
    unit_amount: int
    quantity: int
    sku: str


@dataclass(frozen=True)
class ShippingChoice:
    """A shipping option offered on Stripe's page."""

    display_name: str
    amount: int
    min_days: int
    max_days: int


@dataclass(frozen=True)
class CheckoutRequest:
    """Everything needed to open a Checkout Session for one order."""

    order_id: int
    order_number: str
    currency: str
    lines: list[CheckoutLine]
    success_url: str
    cancel_url: str
    expires_at: datetime
    shipping_countries: list[str]
    shipping_choices: list[ShippingChoice]
    allow_promotion_codes: bool
    email: str | None = None


@dataclass(frozen=True)
class OpenedSession:
    """A new Checkout Session: where to send the shopper."""

    id: str
    url: str


@dataclass(frozen=True)
class SessionState:
    """What Stripe says about a Checkout Session right now."""

    id: str
    status: str
    payment_status: str
    currency: str
    amount_subtotal: int
    amount_total: int
    amount_shipping: int
    amount_discount: int
    amount_tax: int
    payment_intent_id: str | None
    client_reference_id: str | None
    email: str | None
    shipping_name: str | None
    shipping_address: dict[str, Any] | None
    shipping_rate_id: str | None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundState:
    """A refund as Stripe reports it."""

    id: str
    amount: int
    status: str
    payment_intent_id: str | None
    reason: str | None


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook event."""

    id: str
    type: str
    object_id: str | None
    data: dict[str, Any]


def _error_message(error: stripe.StripeError) -> PaymentError:
    if isinstance(error, stripe.APIConnectionError):
        return PaymentError(
            "We couldn't reach our payment provider. Your cart is unchanged; please try again.",
            code="connection",
            retryable=True,
        )
    if isinstance(error, stripe.RateLimitError):
        return PaymentError(
            "Our payment provider is busy. Please try again in a moment.", retryable=True
        )
    if isinstance(error, stripe.InvalidRequestError):
        return PaymentError(
            "Our payment provider refused the request.",
            code=getattr(error, "code", None),
            detail=error.user_message or str(error),
        )
    if isinstance(error, stripe.AuthenticationError):
        return PaymentError("Payments are not set up correctly. Please contact us.", code="auth")
    return PaymentError(
        "Our payment provider had a problem. Your cart is unchanged; please try again.",
        code=getattr(error, "code", None),
        retryable=True,
    )


class StripeGateway:
    """Stripe Checkout, refunds and webhooks through the official SDK."""

    def __init__(
        self,
        secret_key: str,
        webhook_secret: str,
        api_base: str | None = None,
        timeout: float = 10.0,
        max_retries: int = 1,
    ) -> None:
        addresses: Any = {"api": api_base} if api_base else None
        self.webhook_secret = webhook_secret
        self._client = stripe.StripeClient(
            secret_key,
            stripe_version=API_VERSION,
            base_addresses=addresses,
            http_client=stripe.RequestsClient(timeout=timeout),
            max_network_retries=max_retries,
        )

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except stripe.StripeError as error:
            log.warning("stripe %s failed: %s (request %s)", what, error, error.request_id)
            raise _error_message(error) from error

    def open_checkout(self, request: CheckoutRequest, idempotency_key: str) -> OpenedSession:
        """Create a Checkout Session (mode=payment) for an order."""
        params: SessionCreateParams = {
            "mode": "payment",
            "client_reference_id": str(request.order_id),
            "metadata": {"order_id": str(request.order_id), "order_number": request.order_number},
            "payment_intent_data": {"metadata": {"order_number": request.order_number}},
            "line_items": [
                {
                    "quantity": line.quantity,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": line.unit_amount,
                        "product_data": {"name": line.name, "metadata": {"sku": line.sku}},
                    },
                }
                for line in request.lines
            ],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "expires_at": int(request.expires_at.timestamp()),
            "shipping_address_collection": {"allowed_countries": request.shipping_countries},
            "shipping_options": [
                {
                    "shipping_rate_data": {
                        "type": "fixed_amount",
                        "display_name": choice.display_name,
                        "fixed_amount": {
                            "amount": choice.amount,
                            "currency": request.currency.lower(),
                        },
                        "delivery_estimate": {
                            "minimum": {"unit": "business_day", "value": choice.min_days},
                            "maximum": {"unit": "business_day", "value": choice.max_days},
                        },
                    }
                }
                for choice in request.shipping_choices
            ],
            "allow_promotion_codes": request.allow_promotion_codes,
        }
        if request.email:
            params["customer_email"] = request.email
        session = self._call(
            "checkout.create",
            self._client.v1.checkout.sessions.create,
            params=params,
            options={"idempotency_key": idempotency_key},
        )
        return OpenedSession(id=session.id, url=session.url or "")

    def checkout_state(self, session_id: str) -> SessionState:
        """Read a Checkout Session from Stripe."""
        session = self._call(
            "checkout.retrieve", self._client.v1.checkout.sessions.retrieve, session_id
        )
        return _session_state(session)

    def expire_checkout(self, session_id: str, idempotency_key: str) -> SessionState:
        """End an open Checkout Session so it can no longer be paid."""
        session = self._call(
            "checkout.expire",
            self._client.v1.checkout.sessions.expire,
            session_id,
            options={"idempotency_key": idempotency_key},
        )
        return _session_state(session)

    def refunds_for(self, payment_intent_id: str) -> list[RefundState]:
        """Every refund of a payment intent, newest first."""
        page = self._call(
            "refunds.list",
            self._client.v1.refunds.list,
            params={"payment_intent": payment_intent_id, "limit": 100},
        )
        return [_refund_state(r) for r in page.data]

    def refund(
        self, payment_intent_id: str, amount: int, reason: str | None, idempotency_key: str
    ) -> RefundState:
        """Refund part or all of a payment; Stripe refuses more than what is left."""
        params: dict[str, Any] = {"payment_intent": payment_intent_id, "amount": amount}
        if reason in ("duplicate", "fraudulent", "requested_by_customer"):
            params["reason"] = reason
        refund = self._call(
            "refunds.create",
            self._client.v1.refunds.create,
            params=params,
            options={"idempotency_key": idempotency_key},
        )
        return _refund_state(refund)

    def checkout_sessions(
        self, created_since: datetime | None = None, starting_after: str | None = None
    ) -> tuple[list[SessionState], bool]:
        """One page (up to 100) of Checkout Sessions, newest first, and whether more exist."""
        params: dict[str, Any] = {"limit": 100}
        if created_since is not None:
            params["created"] = {"gte": int(created_since.timestamp())}
        if starting_after:
            params["starting_after"] = starting_after
        page = self._call("checkout.list", self._client.v1.checkout.sessions.list, params=params)
        return [_session_state(s) for s in page.data], bool(page.has_more)

    def verify_webhook(self, payload: bytes, signature: str | None) -> WebhookEvent:
        """Check the Stripe-Signature header over the raw body and parse the event."""
        if not signature:
            raise WebhookSignatureError("missing Stripe-Signature header")
        _refuse_future_timestamp(signature)
        try:
            event = stripe.Webhook.construct_event(
                payload, signature, self.webhook_secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
            )
        except stripe.SignatureVerificationError as error:
            raise WebhookSignatureError(str(error)) from error
        except ValueError as error:
            raise WebhookSignatureError(f"unreadable payload: {error}") from error
        try:
            data: dict[str, Any] = event.data.object.to_dict()
            return WebhookEvent(id=event.id, type=event.type, object_id=data.get("id"), data=data)
        except (AttributeError, KeyError) as error:
            raise WebhookSignatureError("signed, but not a Stripe event") from error


def _refuse_future_timestamp(signature: str) -> None:
    # The SDK rejects old signatures; one dated well ahead of our clock is refused as well.
    stamps = [p[2:] for p in signature.split(",") if p.startswith("t=")]
    late_limit = datetime.now(UTC).timestamp() + WEBHOOK_TOLERANCE_SECONDS
    if stamps and stamps[0].isdigit() and int(stamps[0]) > late_limit:
        raise WebhookSignatureError("signature timestamp is in the future")


def _session_state(session: Any) -> SessionState:
    totals = session.total_details
    collected = session.collected_information
    shipping = collected.shipping_details if collected else None
    address = shipping.address.to_dict() if shipping and shipping.address else None
    cost = session.shipping_cost
    rate = cost.shipping_rate if cost else None
    intent = session.payment_intent
    return SessionState(
        id=session.id,
        status=session.status or "",
        payment_status=session.payment_status,
        currency=(session.currency or "").upper(),
        amount_subtotal=session.amount_subtotal or 0,
        amount_total=session.amount_total or 0,
        amount_shipping=(totals.amount_shipping or 0) if totals else 0,
        amount_discount=totals.amount_discount if totals else 0,
        amount_tax=totals.amount_tax if totals else 0,
        payment_intent_id=intent if isinstance(intent, str) or intent is None else intent.id,
        client_reference_id=session.client_reference_id,
        email=(session.customer_details.email if session.customer_details else None)
        or session.customer_email,
        shipping_name=shipping.name if shipping else None,
        shipping_address=address,
        shipping_rate_id=rate if isinstance(rate, str) or rate is None else rate.id,
        metadata=session.metadata.to_dict() if session.metadata else {},
    )


def _refund_state(refund: Any) -> RefundState:
    intent = refund.payment_intent
    return RefundState(
        id=refund.id,
        amount=refund.amount,
        status=refund.status or "",
        payment_intent_id=intent if isinstance(intent, str) or intent is None else intent.id,
        reason=refund.reason,
    )


def epoch(value: int) -> datetime:
    """A Stripe timestamp as an aware datetime."""
    return datetime.fromtimestamp(value, UTC)
