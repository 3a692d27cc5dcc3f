"""Mail fixtures: a real SMTP server on a free loopback port, and the shop pointed at it."""

# ruff: noqa: F811  (fixtures imported from the checkout, backoffice and operations conftests)
from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy.orm import Session

from shop.checkout.setup import EMULATOR_WEBHOOK_SECRET
from shop.mail.delivery import DeliveryReport, deliver
from shop.mail.models import EmailKind, OutboxEmail
from shop.mail.settings import mail_settings
from shop.mail.transport import transport_for
from shop.stripe_emulator import EmulatorServer
from tests.backoffice.conftest import login_as, make_staff  # noqa: F401  (fixtures)
from tests.checkout.conftest import emulator, live, shopper, stripe  # noqa: F401  (fixtures)
from tests.operations.conftest import (  # noqa: F401  (fixtures)
    checkout,
    gateway,
    operator,
    paid_order,
    pending_order,
)

SHOP_SENDER = "orders@balmorex.example"
STAFF_ADDRESS = "ops-alerts@balmorex.example"


@dataclass
class Received:
    """One message as the SMTP server got it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SinkHandler:
    """aiosmtpd handler keeping what arrives, or refusing with a chosen answer."""

    received: list[Received] = field(default_factory=list)
    refuse_rcpt: str | None = None
    refuse_data: str | None = None
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return self.refuse_data
        if self.delay:
            await asyncio.sleep(self.delay)  # a slow server, so deliverers overlap
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


class LoopbackController(Controller):
    """aiosmtpd's controller on port 0: the port the system chose is read back."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class SmtpSink:
    """A real SMTP server on loopback for one test."""

    handler: SinkHandler
    controller: LoopbackController

    @property
    def port(self) -> int:
        return int(self.controller.port)

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            return [r.message for r in self.handler.received]

    def to(self, address: str) -> list[EmailMessage]:
        """Messages whose envelope went to `address`."""
        with self.handler.lock:
            return [r.message for r in self.handler.received if address in r.rcpt_tos]

    def subjects(self) -> list[str]:
        return sorted(str(m["Subject"]) for m in self.messages)


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """An SMTP server that accepts everything until told otherwise."""
    handler = SinkHandler()
    controller = LoopbackController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield SmtpSink(handler, controller)
    finally:
        controller.stop()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def app_overrides(stripe: EmulatorServer, smtp: SmtpSink) -> dict[str, Any]:
    """The emulator for payments and the loopback SMTP server for email."""
    return {
        "STRIPE_API_BASE": stripe.url,
        "STRIPE_WEBHOOK_SECRET": EMULATOR_WEBHOOK_SECRET,
        "STRIPE_TIMEOUT_SECONDS": 1.5,
        "STRIPE_MAX_RETRIES": 0,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp.port,
        "SMTP_SECURITY": "none",
        "SMTP_TIMEOUT_SECONDS": 3.0,
        "MAIL_FROM": f"Balmorex <{SHOP_SENDER}>",
        "STAFF_ALERT_EMAIL": STAFF_ADDRESS,
    }


@pytest.fixture
def deliver_now(app: Flask) -> Callable[..., DeliveryReport]:
    """Run one delivery round as the CLI worker would, optionally at a given time."""

    def run(now: datetime | None = None, **overrides: Any) -> DeliveryReport:
        settings = mail_settings(app.config | overrides)
        with app.app_context():
            return deliver(
                app.extensions["db_sessionmaker"], settings, transport_for(settings), now=now
            )

    return run


def outbox(db: Session, kind: EmailKind | None = None) -> list[OutboxEmail]:
    """The outbox rows, oldest first (of one kind if given)."""
    db.expire_all()
    query = sa.select(OutboxEmail).order_by(OutboxEmail.id)
    if kind is not None:
        query = query.where(OutboxEmail.kind == kind)
    return list(db.scalars(query))


def text_and_html(message: EmailMessage) -> tuple[str, str]:
    """The plain text and HTML parts of a multipart/alternative message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()
