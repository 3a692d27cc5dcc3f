"""Emails about an order as entries of its backoffice timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from shop.mail.models import Audience, EmailKind, OutboxEmail, OutboxStatus
from shop.mail.outbox import emails_for_order

S = OutboxStatus

#: What each email is, as the timeline says it.
TITLES = {
    EmailKind.ORDER_CONFIRMATION: "Order confirmation",
    EmailKind.SHIPPING_NOTICE: "Shipping notice",
    EmailKind.REFUND_NOTICE: "Refund notice",
    EmailKind.PAYMENT_FAILED: "Payment failed notice",
    EmailKind.NEW_ORDER_ALERT: "New-order alert",
    EmailKind.NEEDS_REVIEW_ALERT: "Needs-review alert",
}


@dataclass(frozen=True)
class EmailEntry:
    """Reads like an OrderEvent, so the timeline template shows both alike."""

    id: int
    created_at: datetime
    kind: str
    message: str
    actor: str = "system"
    public: bool = False


def _message(email: OutboxEmail) -> str:
    staff = email.audience is Audience.STAFF and not email.to_address
    who = "the staff alert address" if staff else email.to_address or "no address"
    text = f"{TITLES[email.kind]} to {who}"
    problem = email.last_error or "no reason recorded"
    if email.status is S.SENT:
        return f"{text} sent."
    if email.status is S.FAILED and not email.attempts:
        return f"{text} could not be sent: {problem}"
    if email.status is S.FAILED:
        return f"{text} failed after {email.attempts} attempts: {problem}"
    if email.status is S.PENDING and email.attempts:
        when = email.next_attempt_at.strftime("%H:%M UTC")
        return f"{text} not sent yet ({problem}); next try at {when}."
    return f"{text} waiting to be sent."


def _entry(email: OutboxEmail) -> EmailEntry:
    when = email.sent_at or email.last_attempt_at or email.created_at
    kind = {S.SENT: "email_sent", S.FAILED: "email_failed"}.get(email.status, "email_queued")
    return EmailEntry(id=email.id, created_at=when, kind=kind, message=_message(email))


def email_timeline(session: Session, order_id: int) -> list[EmailEntry]:
    """One timeline entry per email about the order, showing where it stands now."""
    return [_entry(email) for email in emails_for_order(session, order_id)]
