"""The outbox: every email the shop owes someone, written with the change that caused it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, enum_column, utcnow
from shop.orders.models import Order


class EmailKind(enum.StrEnum):
    """What an email is about; each kind has its templates under templates/emails/."""

    #: To the shopper: the order is paid.
    ORDER_CONFIRMATION = "order_confirmation"
    #: To the shopper: a parcel left, with carrier and tracking.
    SHIPPING_NOTICE = "shipping_notice"
    #: To the shopper: money went back to their card.
    REFUND_NOTICE = "refund_notice"
    #: To the shopper: a delayed payment failed, so the order was cancelled.
    PAYMENT_FAILED = "payment_failed"
    #: To staff: a new paid order to ship.
    NEW_ORDER_ALERT = "new_order_alert"
    #: To staff: a paid order that needs a person to look at it.
    NEEDS_REVIEW_ALERT = "needs_review_alert"


class Audience(enum.StrEnum):
    """Who an email goes to."""

    #: The order's email address.
    SHOPPER = "shopper"
    #: The staff alert address from the settings, looked up when the email is sent.
    STAFF = "staff"


class OutboxStatus(enum.StrEnum):
    """Where an email stands; delivery moves it with conditional updates only."""

    #: Waiting for its first or next attempt (see `next_attempt_at`).
    PENDING = "pending"
    #: Claimed by one deliverer until `leased_until`.
    SENDING = "sending"
    #: Accepted by the mail server (or written to the outbox folder).
    SENT = "sent"
    #: Given up on; an operator can retry it from the backoffice.
    FAILED = "failed"


class OutboxEmail(Base):
    """One email to send, at most once per cause (the unique `cause_key`)."""

    __tablename__ = "outbox_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What made the shop send it, e.g. "order-paid:12" or "refund:re_123"; unique.
    cause_key: Mapped[str] = mapped_column(sa.String(160), unique=True)
    kind: Mapped[EmailKind] = mapped_column(enum_column(EmailKind, "email_kind"))
    audience: Mapped[Audience] = mapped_column(enum_column(Audience, "email_audience"))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id", ondelete="SET NULL"))
    #: The shopper's address; for staff alerts, the address it was last sent to.
    to_address: Mapped[str] = mapped_column(sa.String(320), default="")
    #: Details of the cause that the order itself does not keep (amounts, reasons, ids).
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: The subject as last composed (empty until the first attempt).
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    leased_until: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    order: Mapped[Order | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.Index("ix_outbox_email_due", "status", "next_attempt_at"),
        sa.Index("ix_outbox_email_order", "order_id", "id"),
    )
