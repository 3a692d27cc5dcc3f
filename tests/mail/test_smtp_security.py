"""SMTP_USER/SMTP_PASSWORD and SMTP_SECURITY against real loopback servers: plain, STARTTLS, TLS."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from shop.mail.models import OutboxStatus
from tests.mail.conftest import LoopbackController, SinkHandler, outbox

USER, PASSWORD = "shop", "correct horse"


def check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with openssl."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@contextmanager
def serve(**options) -> Iterator[tuple[SinkHandler, int]]:
    handler = SinkHandler()
    controller = LoopbackController(handler, hostname="127.0.0.1", port=0, **options)
    controller.start()
    try:
        yield handler, int(controller.port)
    finally:
        controller.stop()


def deliver_to(deliver_now, port: int, security: str, password: str = PASSWORD):
    return deliver_now(
        SMTP_PORT=port, SMTP_SECURITY=security, SMTP_USER=USER, SMTP_PASSWORD=password
    )


def test_login_over_a_plain_connection(paid_order, seeded, deliver_now):
    paid_order(("BMX-PRO-GRF", 1))
    with serve(authenticator=check_login, auth_require_tls=False) as (handler, port):
        refused = deliver_to(deliver_now, port, "none", password="wrong")
        assert len(refused.retrying) == 2 and handler.received == []
        assert all("535" in e.last_error for e in outbox(seeded))
        for email in outbox(seeded):
            email.next_attempt_at = email.created_at
        seeded.commit()
        assert len(deliver_to(deliver_now, port, "none").sent) == 2
        assert len(handler.received) == 2


def test_starttls_then_login(paid_order, deliver_now, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the test certificate
    paid_order(("BMX-PRO-GRF", 1))
    options = {
        "tls_context": server_context(certificate),
        "require_starttls": True,
        "authenticator": check_login,
    }
    with serve(**options) as (handler, port):
        assert len(deliver_to(deliver_now, port, "starttls").sent) == 2
        assert len(handler.received) == 2


def test_implicit_tls(paid_order, deliver_now, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    paid_order(("BMX-PRO-GRF", 1))
    # aiosmtpd only counts STARTTLS as encrypted; this whole connection is TLS.
    options = {
        "ssl_context": server_context(certificate),
        "authenticator": check_login,
        "auth_require_tls": False,
    }
    with serve(**options) as (handler, port):
        assert len(deliver_to(deliver_now, port, "tls").sent) == 2
        assert len(handler.received) == 2


def test_an_untrusted_certificate_is_refused(paid_order, seeded, deliver_now, certificate):
    paid_order(("BMX-PRO-GRF", 1))
    options = {"tls_context": server_context(certificate), "require_starttls": True}
    with serve(**options) as (handler, port):
        report = deliver_to(deliver_now, port, "starttls")
        assert len(report.retrying) == 2 and handler.received == []
    assert {e.status for e in outbox(seeded)} == {OutboxStatus.PENDING}
    assert all("CERTIFICATE_VERIFY_FAILED" in e.last_error for e in outbox(seeded))
