"""Parameter specs of every endpoint the emulator serves, named as in Stripe's API reference."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from shop.stripe_emulator.errors import invalid
from shop.stripe_emulator.forms import (
    Arr,
    Bool,
    DecimalStr,
    Ignored,
    Int,
    IntOrRange,
    Metadata,
    Obj,
    Spec,
    Str,
)
from shop.stripe_emulator.reference import CURRENCIES, LOCALES, SHIPPING_COUNTRIES

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_AMOUNT = 99_999_999


def _currency(value: str, path: str) -> str:
    code = value.lower()
    if code not in CURRENCIES:
        raise invalid(
            f"Invalid currency: {value}. Stripe currently supports these currencies: "
            + ", ".join(sorted(CURRENCIES)),
            param=path,
        )
    return code


def _country(value: str, path: str) -> str:
    if value not in SHIPPING_COUNTRIES:
        raise invalid(
            f"Invalid {path}: must be one of " + ", ".join(sorted(SHIPPING_COUNTRIES)),
            param=path,
        )
    return value


def _email(value: str, path: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise invalid(f"Invalid email address: {value}", param=path, code="email_invalid")
    return value


def _url(value: str, path: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid("Not a valid URL", param=path, code="url_invalid")
    return value


CURRENCY = Str(max_length=3, check=_currency)
EMAIL = Str(max_length=800, check=_email)
URL = Str(max_length=5000, check=_url)
METADATA = Metadata()
EXPAND = Arr(Str(max_length=500), max_items=20)
ESTIMATE_UNITS = ("business_day", "day", "hour", "month", "week")
TAX_BEHAVIORS = ("exclusive", "inclusive", "unspecified")

_PRODUCT_DATA = Obj(
    {
        "name": Str(max_length=250),
        "description": Str(max_length=40000),
        "images": Arr(URL, max_items=8),
        "metadata": METADATA,
        "tax_code": Str(),
        "tax_details": Ignored(),
        "unit_label": Str(max_length=12),
    },
    required=frozenset({"name"}),
)

_PRICE_DATA = Obj(
    {
        "currency": CURRENCY,
        "product": Str(),
        "product_data": _PRODUCT_DATA,
        "recurring": Ignored(),
        "tax_behavior": Str(choices=TAX_BEHAVIORS),
        "unit_amount": Int(minimum=0, maximum=MAX_AMOUNT),
        "unit_amount_decimal": DecimalStr(),
    },
    required=frozenset({"currency"}),
)

_LINE_ITEM = Obj(
    {
        "adjustable_quantity": Ignored(),
        "dynamic_tax_rates": Ignored(),
        "metadata": METADATA,
        "price": Str(),
        "price_data": _PRICE_DATA,
        "quantity": Int(minimum=1, maximum=999_999),
        "tax_rates": Ignored(),
    }
)

_ESTIMATE = Obj(
    {"unit": Str(choices=ESTIMATE_UNITS), "value": Int(minimum=1, maximum=10_000)},
    required=frozenset({"unit", "value"}),
)

_SHIPPING_RATE_DATA = Obj(
    {
        "delivery_estimate": Obj({"minimum": _ESTIMATE, "maximum": _ESTIMATE}),
        "display_name": Str(max_length=100),
        "fixed_amount": Obj(
            {
                "amount": Int(minimum=0, maximum=MAX_AMOUNT),
                "currency": CURRENCY,
                "currency_options": Ignored(),
            },
            required=frozenset({"amount", "currency"}),
        ),
        "metadata": METADATA,
        "tax_behavior": Str(choices=TAX_BEHAVIORS),
        "tax_code": Str(),
        "type": Str(choices=("fixed_amount",)),
    },
    required=frozenset({"display_name"}),
)

_PAYMENT_INTENT_DATA = Obj(
    {
        "application_fee_amount": Ignored(),
        "capture_method": Str(choices=("automatic", "automatic_async", "manual")),
        "description": Str(max_length=1000),
        "metadata": METADATA,
        "on_behalf_of": Ignored(),
        "receipt_email": EMAIL,
        "setup_future_usage": Str(choices=("off_session", "on_session")),
        "shipping": Ignored(),
        "statement_descriptor": Str(max_length=22),
        "statement_descriptor_suffix": Str(max_length=22),
        "transfer_data": Ignored(),
        "transfer_group": Ignored(),
    }
)

# Real create-session parameters the emulator accepts without modelling them.
SESSION_IGNORED = (
    "adaptive_pricing",
    "after_expiration",
    "allowed_payment_method_types",
    "automatic_tax",
    "branding_settings",
    "consent_collection",
    "custom_fields",
    "custom_text",
    "customer_account",
    "customer_creation",
    "customer_update",
    "discounts",
    "excluded_payment_method_types",
    "integration_identifier",
    "invoice_creation",
    "managed_payments",
    "name_collection",
    "optional_items",
    "origin_context",
    "payment_method_collection",
    "payment_method_configuration",
    "payment_method_data",
    "payment_method_options",
    "permissions",
    "redirect_on_completion",
    "return_url",
    "saved_payment_method_options",
    "setup_intent_data",
    "subscription_data",
    "tax_id_collection",
    "wallet_options",
)

_SESSION_MODELLED: dict[str, Spec] = {
    "allow_promotion_codes": Bool(),
    "billing_address_collection": Str(choices=("auto", "required")),
    "cancel_url": URL,
    "client_reference_id": Str(max_length=200),
    "currency": CURRENCY,
    "customer": Str(),
    "customer_email": EMAIL,
    "expand": EXPAND,
    "expires_at": Int(),
    "line_items": Arr(_LINE_ITEM, max_items=100),
    "locale": Str(choices=LOCALES),
    "metadata": METADATA,
    "mode": Str(choices=("payment", "setup", "subscription")),
    "payment_intent_data": _PAYMENT_INTENT_DATA,
    "phone_number_collection": Obj({"enabled": Bool()}, required=frozenset({"enabled"})),
    "shipping_address_collection": Obj(
        {"allowed_countries": Arr(Str(max_length=2, check=_country), max_items=250)},
        required=frozenset({"allowed_countries"}),
    ),
    "shipping_options": Arr(
        Obj({"shipping_rate": Str(), "shipping_rate_data": _SHIPPING_RATE_DATA}), max_items=5
    ),
    "submit_type": Str(choices=("auto", "book", "donate", "pay", "subscribe")),
    "success_url": URL,
    "ui_mode": Str(choices=("custom", "embedded", "hosted")),
}

SESSION_CREATE = Obj(
    {**_SESSION_MODELLED, **{name: Ignored() for name in SESSION_IGNORED}},
    required=frozenset({"mode"}),
)

RETRIEVE = Obj({"expand": EXPAND})

_PAGE: dict[str, Spec] = {
    "ending_before": Str(),
    "expand": EXPAND,
    "limit": Int(minimum=1, maximum=100),
    "starting_after": Str(),
}

SESSION_LIST = Obj(
    {
        **_PAGE,
        "created": IntOrRange(),
        "customer": Str(),
        "customer_account": Str(),
        "customer_details": Obj({"email": Str()}, required=frozenset({"email"})),
        "payment_intent": Str(),
        "payment_link": Str(),
        "status": Str(choices=("complete", "expired", "open")),
        "subscription": Str(),
    }
)

LINE_ITEM_LIST = Obj(dict(_PAGE))

REFUND_CREATE = Obj(
    {
        "amount": Int(minimum=1, maximum=MAX_AMOUNT),
        "charge": Str(),
        "currency": CURRENCY,
        "customer": Str(),
        "expand": EXPAND,
        "instructions_email": EMAIL,
        "metadata": METADATA,
        "origin": Str(choices=("customer_balance",)),
        "payment_intent": Str(),
        "reason": Str(choices=("duplicate", "fraudulent", "requested_by_customer")),
        "refund_application_fee": Bool(),
        "reverse_transfer": Bool(),
    }
)

REFUND_LIST = Obj({**_PAGE, "charge": Str(), "created": IntOrRange(), "payment_intent": Str()})

EVENT_LIST = Obj(
    {
        **_PAGE,
        "created": IntOrRange(),
        "delivery_success": Bool(),
        "type": Str(),
        "types": Arr(Str(), max_items=20),
    }
)
