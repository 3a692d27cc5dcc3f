"""Staff account operations: create, authenticate, disable, audit."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from shop.accounts.models import AuditEntry, Role, StaffUser
from shop.db import utcnow

MIN_PASSWORD_LENGTH = 12
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,63}")

_hasher = PasswordHasher()
# Verifying against this keeps a wrong email as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(Exception):
    """A staff account change that cannot be made; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalize_email(raw: str) -> str:
    """Lower-cased, trimmed email; AccountError if it does not look like one."""
    email = (raw or "").strip().lower()
    if not EMAIL.fullmatch(email):
        raise AccountError("Enter a valid email address.")
    return email


def check_password_strength(password: str) -> None:
    """Refuse short or trivially weak passwords."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")
    if len(set(password)) < 5:
        raise AccountError("That password is too repetitive.")


def parse_role(raw: str) -> Role:
    """A Role from its name; AccountError for anything else."""
    try:
        return Role((raw or "").strip().lower())
    except ValueError:
        raise AccountError("Role must be admin, marketer or operator.") from None


def find_staff(session: Session, email: str) -> StaffUser | None:
    """A staff user by email (any case)."""
    return session.scalar(sa.select(StaffUser).where(StaffUser.email == email.strip().lower()))


def create_staff(
    session: Session, email: str, password: str, role: Role, name: str = ""
) -> StaffUser:
    """A new active staff user with an argon2 password hash."""
    address = normalize_email(email)
    check_password_strength(password)
    if find_staff(session, address) is not None:
        raise AccountError("A staff account with that email already exists.")
    user = StaffUser(
        email=address, name=name.strip()[:120], password_hash=_hasher.hash(password), role=role
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    """The active user with these credentials, or None (same cost either way)."""
    user = find_staff(session, email or "")
    if user is None or not user.active:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password or "")
        return None
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def set_password(session: Session, user: StaffUser, password: str) -> None:
    """Change a password and end the user's other sessions."""
    check_password_strength(password)
    user.password_hash = _hasher.hash(password)
    user.session_version += 1
    session.flush()


def set_active(session: Session, user: StaffUser, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions."""
    user.active = active
    user.session_version += 1
    session.flush()


def load_session_user(session: Session, identity: str) -> StaffUser | None:
    """The user behind a session identity "id:version", if still valid."""
    user_id, _, version = identity.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = session.get(StaffUser, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def count_admins(session: Session) -> int:
    """Active admins; the shop must keep at least one."""
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(StaffUser)
            .where(StaffUser.role == Role.ADMIN, StaffUser.active.is_(True))
        )
        or 0
    )


def audit(
    session: Session,
    staff: StaffUser | None,
    action: str,
    target: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record a staff action."""
    entry = AuditEntry(
        staff_id=staff.id if staff else None,
        staff_email=staff.email if staff else "system",
        action=action,
        target=target,
        before=before,
        after=after,
    )
    session.add(entry)
    session.flush()
    return entry
