"""How a built message leaves: to an SMTP server, or as an .eml file in the outbox folder."""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import tempfile
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from shop.mail.settings import MailSettings, SmtpSettings

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The message did not leave; worth another try later."""


class Transport(Protocol):
    """Something that takes a message away, or raises DeliveryError."""

    def send(self, message: EmailMessage, name: str) -> str:
        """Deliver `message` (`name` labels it); returns where it went, for the log."""
        ...


def _smtp_problem(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [
            f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
        ]
        return "The mail server refused the recipient: " + "; ".join(answers)
    if isinstance(error, smtplib.SMTPResponseException):
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        return f"The mail server answered {error.smtp_code} {text}"
    if isinstance(error, smtplib.SMTPException):
        return f"SMTP error: {error}"
    return f"The mail server could not be reached: {error}"


class SmtpTransport:
    """Sends through one SMTP server, a fresh connection per message, with a timeout."""

    def __init__(self, smtp: SmtpSettings, envelope_from: str) -> None:
        self.smtp = smtp
        self.envelope_from = envelope_from

    def _connect(self) -> smtplib.SMTP:
        s = self.smtp
        if s.security == "tls":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        return smtplib.SMTP(s.host, s.port, timeout=s.timeout)

    def send(self, message: EmailMessage, name: str) -> str:
        """Hand the message to the server; any refusal or network error is a DeliveryError."""
        s = self.smtp
        try:
            with self._connect() as client:
                if s.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if s.user:
                    client.login(s.user, s.password)
                client.send_message(message, from_addr=self.envelope_from)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(_smtp_problem(error)) from error
        return f"sent through {s.host}:{s.port}"


class FileTransport:
    """Writes each message as an .eml file, for a shop without a mail server."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage, name: str) -> str:
        """Write `<time>-<name>.eml` atomically, so a reader never sees half a file."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            target = self.folder / f"{stamp}-{name}.eml"
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
            with os.fdopen(handle, "wb") as out:
                out.write(message.as_bytes())
            os.replace(temporary, target)
        except OSError as error:
            problem = f"The email could not be written to {self.folder}: {error}"
            raise DeliveryError(problem) from error
        return f"written to {target}"


def transport_for(settings: MailSettings) -> Transport:
    """SMTP when a host is set, else the outbox folder."""
    if settings.smtp is not None:
        return SmtpTransport(settings.smtp, settings.sender_address)
    return FileTransport(settings.outbox_dir)
