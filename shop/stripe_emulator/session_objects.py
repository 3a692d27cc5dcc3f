"""The Checkout Session object as Stripe renders it (fields of API version 2026-10-28)."""

from __future__ import annotations

from typing import Any

from shop.stripe_emulator import objects

JSON = dict[str, Any]


def session_object(
    params: JSON, currency: str, subtotal: int, shipping: list[JSON], expires_at: int, now: int
) -> JSON:
    """A new open payment-mode Checkout Session (its `url` is set by the caller)."""
    shipping_amount = shipping[0]["fixed_amount"]["amount"] if shipping else 0
    phone = params.get("phone_number_collection", {}).get("enabled", False)
    return {
        "id": objects.new_session_id(),
        "object": "checkout.session",
        "adaptive_pricing": {"enabled": False},
        "after_expiration": None,
        "allow_promotion_codes": params.get("allow_promotion_codes"),
        "amount_subtotal": subtotal,
        "amount_total": subtotal + shipping_amount,
        "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
        "billing_address_collection": params.get("billing_address_collection"),
        "cancel_url": params.get("cancel_url"),
        "client_reference_id": params.get("client_reference_id"),
        "client_secret": None,
        "collected_information": None,
        "consent": None,
        "consent_collection": None,
        "created": now,
        "currency": currency,
        "currency_conversion": None,
        "custom_fields": [],
        "custom_text": {
            "after_submit": None,
            "shipping_address": None,
            "submit": None,
            "terms_of_service_acceptance": None,
        },
        "customer": None,
        "customer_account": None,
        "customer_creation": "if_required",
        "customer_details": None,
        "customer_email": params.get("customer_email"),
        "discounts": [],
        "expires_at": expires_at,
        "invoice": None,
        "invoice_creation": {
            "enabled": False,
            "invoice_data": {
                "account_tax_ids": None,
                "custom_fields": None,
                "description": None,
                "footer": None,
                "issuer": None,
                "metadata": {},
                "rendering_options": None,
            },
        },
        "livemode": False,
        "locale": params.get("locale"),
        "metadata": params.get("metadata", {}),
        "mode": "payment",
        "origin_context": None,
        "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "phone_number_collection": {"enabled": phone},
        "presentment_details": None,
        "recovered_from": None,
        "saved_payment_method_options": None,
        "setup_intent": None,
        "shipping_address_collection": params.get("shipping_address_collection"),
        "shipping_cost": shipping_cost(shipping[0]) if shipping else None,
        "shipping_options": [
            {"shipping_amount": rate["fixed_amount"]["amount"], "shipping_rate": rate["id"]}
            for rate in shipping
        ],
        "status": "open",
        "submit_type": params.get("submit_type"),
        "subscription": None,
        "success_url": params.get("success_url"),
        "total_details": {
            "amount_discount": 0,
            "amount_shipping": shipping_amount,
            "amount_tax": 0,
        },
        "ui_mode": "hosted",
        "url": None,
        "wallet_options": None,
    }


def shipping_cost(rate: JSON) -> JSON:
    """`shipping_cost` for the chosen shipping rate (no tax is modelled)."""
    amount = rate["fixed_amount"]["amount"]
    return {
        "amount_subtotal": amount,
        "amount_tax": 0,
        "amount_total": amount,
        "shipping_rate": rate["id"],
    }
