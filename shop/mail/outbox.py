"""Writing emails to the outbox once per cause, and claiming them for delivery once.

`enqueue` inserts with ON CONFLICT DO NOTHING on the unique cause key, inside the caller's
transaction: the email exists exactly when the change that caused it commits, and a cause
seen twice (a repeated webhook, two workers at once) leaves one row. Delivery claims a row
with a conditional UPDATE, so of two deliverers only one ever sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from shop.db import utcnow
from shop.mail.models import Audience, EmailKind, OutboxEmail, OutboxStatus
from shop.mail.settings import AddressError, checked_address

S = OutboxStatus

#: Wait after the 1st, 2nd, ... failed attempt; after the last one the email is given up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
#: How long a claim holds; far longer than one SMTP conversation with its timeouts, so a
#: claim only runs out when its deliverer died, and then the email is tried again.
LEASE = timedelta(minutes=5)
#: session.info key listing ids enqueued by that session, tried right after the commit.
QUEUED = "outbox_queued"


@dataclass(frozen=True)
class Claim:
    """A row taken for one delivery attempt; `attempt` fences the later update."""

    email_id: int
    attempt: int


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(OutboxEmail)
    if dialect == "sqlite":
        return sqlite.insert(OutboxEmail)
    raise NotImplementedError(f"the outbox needs SQLite or PostgreSQL, not {dialect}")


def enqueue(
    session: Session,
    cause_key: str,
    kind: EmailKind,
    *,
    to: str | None = None,
    order_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> int | None:
    """Write one email for `cause_key`; None if that cause has its email already.

    `to` None means the staff alert address. A shopper address that can't be used is
    written as failed, with the reason, so operators see the email that could not go.
    """
    now = utcnow()
    values: dict[str, Any] = {
        "cause_key": cause_key,
        "kind": kind,
        "audience": Audience.STAFF if to is None else Audience.SHOPPER,
        "order_id": order_id,
        "to_address": to or "",
        "data": data or {},
        "subject": "",
        "status": S.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    if to is not None:
        try:
            if not to.strip():
                raise AddressError("The order has no email address.")
            values["to_address"] = checked_address(to)[0]
        except AddressError as error:
            values |= {"status": S.FAILED, "last_error": str(error)[:500], "to_address": to[:320]}
    stmt = (
        _insert(session)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["cause_key"])
        .returning(OutboxEmail.id)
    )
    email_id: int | None = session.execute(stmt).scalar()
    if email_id is not None and values["status"] is S.PENDING:
        session.info.setdefault(QUEUED, []).append(email_id)
    return email_id


def take_queued(session: Session) -> list[int]:
    """The ids this session enqueued since the last call (for the post-commit try)."""
    queued: list[int] = session.info.pop(QUEUED, [])
    return queued


def due_ids(session: Session, now: datetime, limit: int = 50) -> list[int]:
    """Emails whose attempt is due, or whose claim ran out, oldest first."""
    return list(
        session.scalars(
            sa.select(OutboxEmail.id)
            .where(_claimable(now))
            .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
            .limit(limit)
        )
    )


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(OutboxEmail.status == S.PENDING, OutboxEmail.next_attempt_at <= now),
        sa.and_(OutboxEmail.status == S.SENDING, OutboxEmail.leased_until < now),
    )


def claim(session: Session, email_id: int, now: datetime) -> Claim | None:
    """Take one email for an attempt, atomically; None if it isn't due or someone has it."""
    attempt = session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.id == email_id, _claimable(now))
        .values(
            status=S.SENDING,
            leased_until=now + LEASE,
            last_attempt_at=now,
            attempts=OutboxEmail.attempts + 1,
        )
        .returning(OutboxEmail.attempts),
        execution_options={"synchronize_session": False},
    ).scalar()
    return Claim(email_id, attempt) if attempt is not None else None


def _finish(session: Session, claimed: Claim, **values: Any) -> bool:
    result = session.execute(
        sa.update(OutboxEmail)
        .where(
            OutboxEmail.id == claimed.email_id,
            OutboxEmail.status == S.SENDING,
            OutboxEmail.attempts == claimed.attempt,
        )
        .values(leased_until=None, **values),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def mark_sent(
    session: Session, claimed: Claim, now: datetime, subject: str, to_address: str
) -> bool:
    """Record a delivered email (only the claim's holder can)."""
    return _finish(
        session,
        claimed,
        status=S.SENT,
        sent_at=now,
        last_error=None,
        subject=subject[:300],
        to_address=to_address[:320],
    )


def retry_delay(attempt: int) -> timedelta | None:
    """How long to wait after failed attempt number `attempt`; None: give up."""
    return BACKOFF[attempt - 1] if 1 <= attempt <= len(BACKOFF) else None


def mark_failed(
    session: Session,
    claimed: Claim,
    now: datetime,
    error: str,
    *,
    permanent: bool = False,
    subject: str = "",
    to_address: str = "",
) -> OutboxStatus:
    """Record a failed attempt: pending again after the backoff, or failed for good."""
    delay = None if permanent else retry_delay(claimed.attempt)
    status = S.FAILED if delay is None else S.PENDING
    values: dict[str, Any] = {"status": status, "last_error": error[:500]}
    if delay is not None:
        values["next_attempt_at"] = now + delay
    if subject:
        values["subject"] = subject[:300]
    if to_address:
        values["to_address"] = to_address[:320]
    _finish(session, claimed, **values)
    return status


def retry_now(session: Session, email: OutboxEmail) -> bool:
    """Make a failed or waiting email due at once; False if it is sent or being sent."""
    result = session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.id == email.id, OutboxEmail.status.in_([S.PENDING, S.FAILED]))
        .values(status=S.PENDING, next_attempt_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.info.setdefault(QUEUED, []).append(email.id)
    return True


def stuck_emails(session: Session, now: datetime, limit: int = 200) -> list[OutboxEmail]:
    """Emails that failed at least once, were given up, or whose deliverer vanished."""
    return list(
        session.scalars(
            sa.select(OutboxEmail)
            .where(
                sa.or_(
                    OutboxEmail.status == S.FAILED,
                    sa.and_(OutboxEmail.status == S.PENDING, OutboxEmail.attempts > 0),
                    sa.and_(OutboxEmail.status == S.SENDING, OutboxEmail.leased_until < now),
                )
            )
            .options(selectinload(OutboxEmail.order))
            .order_by(OutboxEmail.id.desc())
            .limit(limit)
        )
    )


def recent_emails(session: Session, limit: int = 20) -> list[OutboxEmail]:
    """The newest emails, whatever their state."""
    return list(
        session.scalars(
            sa.select(OutboxEmail)
            .options(selectinload(OutboxEmail.order))
            .order_by(OutboxEmail.id.desc())
            .limit(limit)
        )
    )


def emails_for_order(session: Session, order_id: int) -> list[OutboxEmail]:
    """Every email about one order, oldest first."""
    return list(
        session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.order_id == order_id).order_by(OutboxEmail.id)
        )
    )
