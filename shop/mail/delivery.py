"""Delivering the outbox: claim a row, build its message, send it, record what happened.

Each step commits on its own, so a claim is visible to other deliverers before anything is
sent, and no database transaction stays open while the mail server is talking.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from shop.db import utcnow
from shop.mail.compose import Composed, ComposeError, build_message, compose, message_id
from shop.mail.models import OutboxEmail, OutboxStatus
from shop.mail.outbox import Claim, claim, due_ids, mark_failed, mark_sent
from shop.mail.settings import MailSettings
from shop.mail.transport import DeliveryError, Transport

log = logging.getLogger(__name__)
S = OutboxStatus


@dataclass
class DeliveryReport:
    """What one delivery round did."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def tried(self) -> int:
        """How many emails this round attempted."""
        return len(self.sent) + len(self.retrying) + len(self.failed)

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"{len(self.sent)} sent, {len(self.retrying)} will be retried, "
            f"{len(self.failed)} failed for good"
        )

    def add(self, email_id: int, status: OutboxStatus | None) -> None:
        """Count one attempt's outcome (None: it was not ours to try)."""
        if status is S.SENT:
            self.sent.append(email_id)
        elif status is S.PENDING:
            self.retrying.append(email_id)
        elif status is S.FAILED:
            self.failed.append(email_id)


def _give_up(session: Session, claimed: Claim, now: datetime, error: str) -> OutboxStatus:
    session.rollback()
    status = mark_failed(session, claimed, now, error, permanent=True)
    session.commit()
    log.error("email %s can't be built and was set aside: %s", claimed.email_id, error)
    return status


def _retry_later(
    session: Session,
    claimed: Claim,
    now: datetime | None,
    error: str,
    composed: Composed | None = None,
) -> OutboxStatus:
    session.rollback()
    subject, to = (composed.subject, composed.to) if composed else ("", "")
    status = mark_failed(
        session, claimed, now or utcnow(), error or "unknown error", subject=subject, to_address=to
    )
    session.commit()
    log.warning("email %s to %s not sent (%s): %s", claimed.email_id, to, status, error)
    return status


def deliver_one(
    session: Session,
    email_id: int,
    settings: MailSettings,
    transport: Transport,
    now: datetime | None = None,
) -> OutboxStatus | None:
    """Try one email if it is due and nobody else has it; returns its new status."""
    moment = now or utcnow()
    claimed = claim(session, email_id, moment)
    session.commit()
    if claimed is None:
        return None
    email = session.get(OutboxEmail, email_id, populate_existing=True)
    assert email is not None  # claimed just now
    try:
        composed = compose(session, email, settings)
        message = build_message(composed, settings, message_id(email, settings), moment)
    except ComposeError as error:
        return _give_up(session, claimed, moment, str(error))
    except Exception as error:
        # A template or code fault: retried on the schedule, so a fix sends it later.
        log.exception("email %s could not be built", email_id)
        return _retry_later(session, claimed, now, f"The email could not be built: {error!r}")
    name = f"{email.id}-{email.kind.value}"
    session.commit()  # no transaction stays open while the server talks
    try:
        where = transport.send(message, name)
    except Exception as error:
        if not isinstance(error, DeliveryError):
            log.exception("email %s: unexpected error while sending", email_id)
        return _retry_later(session, claimed, now, str(error), composed)
    if not mark_sent(session, claimed, now or utcnow(), composed.subject, composed.to):
        # Only when this attempt outlived its claim (LEASE) and another deliverer took over.
        log.warning("email %s was sent after its claim ran out; it may arrive twice", email_id)
    session.commit()
    log.info("email %s (%s) to %s %s", email_id, email.kind.value, composed.to, where)
    return S.SENT


def deliver(
    factory: sessionmaker[Session],
    settings: MailSettings,
    transport: Transport,
    *,
    ids: Iterable[int] | None = None,
    now: datetime | None = None,
    limit: int = 50,
) -> DeliveryReport:
    """Try the given emails, or every due one (in batches of `limit`), once each."""
    report = DeliveryReport()
    with factory() as session:
        if ids is not None:
            for email_id in ids:
                report.add(email_id, deliver_one(session, email_id, settings, transport, now))
            return report
        seen: set[int] = set()
        while batch := [i for i in due_ids(session, now or utcnow(), limit) if i not in seen]:
            session.rollback()
            for email_id in batch:
                seen.add(email_id)
                report.add(email_id, deliver_one(session, email_id, settings, transport, now))
    return report
