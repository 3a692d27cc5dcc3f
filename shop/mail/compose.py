"""Building an email from its outbox row: templates, then a multipart message.

Text and HTML come from templates/emails/<kind>.txt and .html (HTML with inline CSS only,
which is what mail clients keep). Headers are built with the stdlib's SMTP policy, after a
check of our own: a line break in a subject, name or address is refused with a clear error,
so no value can start a header of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session, selectinload

from shop.mail.models import Audience, EmailKind, OutboxEmail
from shop.mail.settings import MailSettings, checked_address
from shop.money import format_money
from shop.operations.models import Shipment, ShipmentLine
from shop.orders.models import Order

K = EmailKind

#: Subject lines; {shop}, {number}, {total} and {amount} are filled in.
SUBJECTS = {
    K.ORDER_CONFIRMATION: "Your {shop} order {number} is confirmed",
    K.SHIPPING_NOTICE: "Your {shop} order {number} is on its way",
    K.REFUND_NOTICE: "Refund of {amount} for your {shop} order {number}",
    K.PAYMENT_FAILED: "Your {shop} order {number}: the payment didn't go through",
    K.NEW_ORDER_ALERT: "[{shop}] New order {number}: {total}",
    K.NEEDS_REVIEW_ALERT: "[{shop}] Order {number} needs review",
}

# Control characters end or fold a header line; none belongs in a subject, name or address.
_FORBIDDEN = {chr(c) for c in range(32) if c != 9} | {"\x7f", "\u2028", "\u2029", "\x85"}


class ComposeError(Exception):
    """The email can't be built from what the outbox row points at; retrying won't help."""


class HeaderInjectionError(ComposeError, ValueError):
    """A header value with a line break or control character in it."""


def header_value(name: str, value: str) -> str:
    """`value` if it is safe in the `name` header, else HeaderInjectionError."""
    if any(c in _FORBIDDEN for c in value):
        raise HeaderInjectionError(
            f"The email's {name} contains a line break or control character; "
            "it was refused so it can't add headers of its own."
        )
    return value


@dataclass(frozen=True)
class Composed:
    """An email ready to become a message: where it goes and what it says."""

    to: str
    subject: str
    text: str
    html: str


def _order(session: Session, email: OutboxEmail) -> Order:
    order = session.get(Order, email.order_id or 0, options=[selectinload(Order.lines)])
    if order is None:
        raise ComposeError("The order this email is about no longer exists.")
    return order


def _shipment(session: Session, email: OutboxEmail) -> Shipment:
    shipment = session.get(
        Shipment,
        int(email.data.get("shipment_id") or 0),
        options=[selectinload(Shipment.lines).selectinload(ShipmentLine.order_line)],
    )
    if shipment is None:
        raise ComposeError("The shipment this email is about no longer exists.")
    return shipment


def _public_path(endpoint: str, **values: Any) -> str:
    # Built from the URL map, not a request: deliverers run after the response, or in the CLI.
    path: str = current_app.url_map.bind("localhost").build(endpoint, values)
    return path


def context(session: Session, email: OutboxEmail, settings: MailSettings) -> dict[str, Any]:
    """Everything the templates of this email may show."""
    order = _order(session, email)
    money_of = _money(order.currency)
    values: dict[str, Any] = {
        "order": order,
        "money": money_of,
        "shop_name": settings.shop_name,
        "shop_address": settings.shop_address,
        "site_url": settings.site_url,
        "order_url": settings.site_url + _public_path("orders.detail", token=order.access_token),
        "admin_url": settings.site_url
        + _public_path("backoffice.order_detail", number=order.number),
        "shop_url": settings.site_url + _public_path("catalog.index"),
        "amount": money_of(int(email.data.get("amount") or 0)),
        "reason": str(email.data.get("reason") or order.review_reason or ""),
    }
    if email.kind is K.SHIPPING_NOTICE:
        values["shipment"] = _shipment(session, email)
    return values


def _money(currency: str) -> Any:
    locale = current_app.config.get("LOCALE", "en_US")
    return lambda amount: format_money(amount, currency, locale)


def compose(session: Session, email: OutboxEmail, settings: MailSettings) -> Composed:
    """Render the email's subject, text and HTML from its templates."""
    values = context(session, email, settings)
    order: Order = values["order"]
    subject = SUBJECTS[email.kind].format(
        shop=settings.shop_name,
        number=order.number,
        total=values["money"](order.total_amount),
        amount=values["amount"],
    )
    env = current_app.jinja_env
    text = env.get_template(f"emails/{email.kind.value}.txt").render(values, subject=subject)
    html = env.get_template(f"emails/{email.kind.value}.html").render(values, subject=subject)
    to = settings.staff_address if email.audience is Audience.STAFF else email.to_address
    return Composed(to=to, subject=subject, text=text, html=html)


def build_message(
    composed: Composed, settings: MailSettings, message_id: str, date: datetime
) -> EmailMessage:
    """A multipart/alternative message (text, then HTML) with checked headers."""
    to = checked_address(header_value("recipient", composed.to))[0]
    message = EmailMessage(policy=SMTP)
    message["Subject"] = header_value("subject", composed.subject)
    message["From"] = Address(
        display_name=header_value("sender name", settings.sender_name),
        addr_spec=header_value("sender address", settings.sender_address),
    )
    message["To"] = to
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    # Tells mail servers and clients not to answer it automatically (vacation replies).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(composed.text)
    message.add_alternative(composed.html, subtype="html")
    return message


def message_id(email: OutboxEmail, settings: MailSettings) -> str:
    """The same Message-ID on every attempt, so a mail client can spot a repeat."""
    domain = settings.sender_address.rpartition("@")[2]
    return f"<outbox.{email.id}.{int(email.created_at.timestamp())}@{domain}>"
