"""Email settings read from the app config, checked once at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email

from shop.config import DEFAULT_MAIL_ADDRESS, ConfigError

#: How the connection to the mail server is protected, and the usual port for each.
SECURITY_PORTS = {"none": 25, "starttls": 587, "tls": 465}


class AddressError(ValueError):
    """An email address that can't be used; the message says why."""


def checked_address(value: str, *, display_name: bool = False) -> tuple[str, str]:
    """The normalised address and display name of `value`, or AddressError.

    Syntax only: no DNS look-up, so it works offline and never slows a request.
    """
    try:
        found = validate_email(value, check_deliverability=False, allow_display_name=display_name)
    except EmailNotValidError as error:
        raise AddressError(f"{value!r} is not a usable email address: {error}") from error
    return found.normalized, found.display_name or ""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the mail server."""

    host: str
    port: int
    user: str
    password: str
    security: str
    timeout: float


@dataclass(frozen=True)
class MailSettings:
    """Everything composing and sending an email needs from the configuration."""

    sender_address: str
    sender_name: str
    staff_address: str
    shop_name: str
    shop_address: str
    site_url: str
    outbox_dir: Path
    smtp: SmtpSettings | None


def _smtp(config: Mapping[str, Any]) -> SmtpSettings | None:
    if not config.get("SMTP_HOST"):
        return None
    security = str(config.get("SMTP_SECURITY") or "starttls")
    return SmtpSettings(
        host=str(config["SMTP_HOST"]),
        port=int(config.get("SMTP_PORT") or SECURITY_PORTS.get(security, 25)),
        user=str(config.get("SMTP_USER") or ""),
        password=str(config.get("SMTP_PASSWORD") or ""),
        security=security,
        timeout=float(config.get("SMTP_TIMEOUT_SECONDS") or 10),
    )


def mail_settings(config: Mapping[str, Any]) -> MailSettings:
    """The email settings of an app config (assumed checked by `check_mail_settings`)."""
    sender, name = checked_address(str(config["MAIL_FROM"]), display_name=True)
    staff = str(config.get("STAFF_ALERT_EMAIL") or "")
    return MailSettings(
        sender_address=sender,
        sender_name=name or str(config["SHOP_NAME"]),
        staff_address=checked_address(staff)[0] if staff else sender,
        shop_name=str(config["SHOP_NAME"]),
        shop_address=str(config["SHOP_ADDRESS"]),
        site_url=str(config["SITE_URL"]).rstrip("/"),
        outbox_dir=Path(config["OUTBOX_DIR"]),
        smtp=_smtp(config),
    )


def _check_address(config: Mapping[str, Any], name: str, display_name: bool) -> None:
    value = str(config.get(name) or "")
    if not value:
        return
    try:
        checked_address(value, display_name=display_name)
    except AddressError as error:
        raise ConfigError(f"{name}: {error}") from error


def check_mail_settings(config: Mapping[str, Any]) -> None:
    """Refuse to start with an unusable sender, alert address or SMTP setting."""
    if not config.get("MAIL_FROM"):
        raise ConfigError("MAIL_FROM must name the shop's sender address")
    _check_address(config, "MAIL_FROM", display_name=True)
    _check_address(config, "STAFF_ALERT_EMAIL", display_name=False)
    for name in ("SHOP_NAME", "MAIL_FROM"):
        if any(c in str(config.get(name) or "") for c in "\r\n"):
            raise ConfigError(f"{name} must be on one line (it goes into email headers)")
    security = str(config.get("SMTP_SECURITY") or "starttls")
    if security not in SECURITY_PORTS:
        raise ConfigError("SMTP_SECURITY must be none, starttls or tls")
    if not 0 <= int(config.get("SMTP_PORT") or 0) <= 65535:
        raise ConfigError("SMTP_PORT must be a port number (or 0 for the usual one)")
    if config.get("ENV") == "production" and config.get("SMTP_HOST"):
        if DEFAULT_MAIL_ADDRESS in str(config.get("MAIL_FROM")):
            raise ConfigError("MAIL_FROM must be the shop's real sender address in production")
        if config.get("SMTP_USER") and security == "none":
            raise ConfigError(
                "SMTP_SECURITY=none would send the SMTP password unencrypted; "
                "use starttls or tls in production"
            )
