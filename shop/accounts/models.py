"""Staff users and the audit log of their actions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, enum_column, utcnow


class Role(enum.StrEnum):
    """What a staff member may do."""

    #: Everything, including managing staff and reading the audit log.
    ADMIN = "admin"
    #: Product copy, articles, pages and images.
    MARKETER = "marketer"
    #: Orders, stock and prices.
    OPERATOR = "operator"


class StaffUser(Base):
    """A person who signs in to the backoffice."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "staff_role"))
    active: Mapped[bool] = mapped_column(default=True)
    #: Changes on password change or disable, so old sessions stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),)

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        """Signed-in users are authenticated."""
        return True

    @property
    def is_active(self) -> bool:
        """Disabled accounts cannot sign in."""
        return self.active

    @property
    def is_anonymous(self) -> bool:
        """Staff users are never anonymous."""
        return False

    def get_id(self) -> str:
        """Session identity: id plus session version, so a version bump logs everyone out."""
        return f"{self.id}:{self.session_version}"


class AuditEntry(Base):
    """One staff action: who, what, when, and the values before and after."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    staff_email: Mapped[str] = mapped_column(sa.String(320))
    action: Mapped[str] = mapped_column(sa.String(80))
    target: Mapped[str] = mapped_column(sa.String(200), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff: Mapped[StaffUser | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_entry_created", "created_at", "id"),)
