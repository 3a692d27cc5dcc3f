"""The outbox worker command, and email settings checked when the shop starts."""

from __future__ import annotations

import pytest

from shop.config import ConfigError
from shop.db import get_session
from shop.mail import cli
from shop.mail.models import EmailKind
from shop.mail.outbox import enqueue
from shop.mail.settings import check_mail_settings, mail_settings
from tests.conftest import build_test_app
from tests.mail.conftest import STAFF_ADDRESS


def run(app, *args):
    return app.test_cli_runner().invoke(args=["outbox", *args])


def test_deliver_sends_what_is_due_and_stuck_lists_what_is_not(app, paid_order, smtp):
    paid_order(("BMX-PRO-GRF", 1))
    smtp.handler.refuse_data = "451 4.3.0 Try again later"
    result = run(app, "deliver")
    assert result.exit_code == 0 and "0 sent, 2 will be retried, 0 failed for good" in result.output
    stuck = run(app, "stuck")
    assert stuck.exit_code == 1 and "2 stuck emails." in stuck.output
    assert "order_confirmation\tana@example.com\t1 attempts" in stuck.output
    assert "451 4.3.0 Try again later" in stuck.output
    smtp.handler.refuse_data = None
    assert "0 sent, 0 will be retried" in run(app, "deliver").output  # waiting for its backoff


def test_deliver_loop_runs_rounds_until_stopped(app, paid_order, smtp, monkeypatch):
    paid_order(("BMX-PRO-GRF", 1))
    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli.time, "sleep", nap)
    result = run(app, "deliver", "--loop", "--interval", "0.5")
    assert result.exit_code == 0, result.output
    assert result.output.count("2 sent") == 1  # quiet rounds print nothing
    assert naps == [0.5, 0.5] and len(smtp.messages) == 2
    assert run(app, "stuck").exit_code == 0


def base_settings(**changes):
    values = {
        "ENV": "development",
        "SHOP_NAME": "Balmorex",
        "SHOP_ADDRESS": "48 Alder Street",
        "SITE_URL": "http://shop.test/",
        "MAIL_FROM": "Balmorex <orders@balmorex.example>",
        "STAFF_ALERT_EMAIL": "",
        "SMTP_HOST": "",
        "SMTP_PORT": 0,
        "SMTP_SECURITY": "starttls",
        "SMTP_USER": "",
        "OUTBOX_DIR": "outbox",
    }
    return values | changes


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"MAIL_FROM": "not an address"}, "MAIL_FROM"),
        ({"MAIL_FROM": ""}, "MAIL_FROM"),
        ({"MAIL_FROM": "Balmorex\r\nBcc: x@example.com <orders@balmorex.example>"}, "MAIL_FROM"),
        ({"STAFF_ALERT_EMAIL": "ops@localhost"}, "STAFF_ALERT_EMAIL"),
        ({"STAFF_ALERT_EMAIL": "Ops <ops@balmorex.example>"}, "STAFF_ALERT_EMAIL"),
        ({"SHOP_NAME": "Balmorex\nBcc: x@example.com"}, "SHOP_NAME"),
        ({"SMTP_SECURITY": "ssl"}, "SMTP_SECURITY must be none, starttls or tls"),
        ({"SMTP_PORT": 70000}, "SMTP_PORT"),
        ({"ENV": "production", "SMTP_HOST": "mail.example.com"}, "real sender address"),
        (
            {
                "ENV": "production",
                "SMTP_HOST": "mail.example.com",
                "MAIL_FROM": "shop@balmorex.com",
                "SMTP_USER": "shop",
                "SMTP_SECURITY": "none",
            },
            "unencrypted",
        ),
    ],
)
def test_unusable_email_settings_refuse_to_start(changes, message):
    with pytest.raises(ConfigError, match=message):
        check_mail_settings(base_settings(**changes))


def test_the_app_checks_them_at_start_up(database_url):
    with pytest.raises(ConfigError, match="MAIL_FROM"):
        build_test_app(database_url, MAIL_FROM="orders at balmorex")


def test_settings_pick_the_usual_port_and_default_the_staff_address():
    plain = mail_settings(base_settings())
    assert plain.smtp is None and plain.staff_address == "orders@balmorex.example"
    assert plain.sender_name == "Balmorex" and plain.site_url == "http://shop.test"
    for security, port in (("none", 25), ("starttls", 587), ("tls", 465)):
        smtp = mail_settings(base_settings(SMTP_HOST="mail.example.com", SMTP_SECURITY=security))
        assert smtp.smtp is not None and smtp.smtp.port == port
    staff = mail_settings(base_settings(STAFF_ALERT_EMAIL=STAFF_ADDRESS))
    assert staff.staff_address == STAFF_ADDRESS


def test_a_command_that_writes_emails_tries_them_as_it_ends(app, paid_order, seeded, smtp):
    order = paid_order(("BMX-PRO-GRF", 1))
    with app.app_context():  # what `flask --app shop ...` runs a command in
        session = get_session()
        enqueue(session, "test:cli", EmailKind.ORDER_CONFIRMATION, to="bo@example.com",
                order_id=order.id)  # fmt: skip
        session.commit()
        assert smtp.messages == []
    assert [str(m["To"]) for m in smtp.messages] == ["bo@example.com"]
