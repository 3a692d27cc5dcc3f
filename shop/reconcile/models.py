"""The stored outcome of each reconciliation run, so the backoffice can show the last one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base, utcnow


class ReconcileRun(Base):
    """One comparison of Stripe with the orders: when, from which date, what it found."""

    __tablename__ = "reconcile_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    since: Mapped[date | None] = mapped_column(sa.Date)
    #: Who ran it: a staff email, or "cli".
    started_by: Mapped[str] = mapped_column(sa.String(320))
    sessions_checked: Mapped[int] = mapped_column(default=0)
    #: Each finding as a plain dict (see shop.reconcile.services.Finding).
    findings: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.Index("ix_reconcile_run_created", "created_at", "id"),)
