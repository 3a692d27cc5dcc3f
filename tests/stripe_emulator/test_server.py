"""Starting and stopping the emulator, in Python and from the command line."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from shop.stripe_emulator import EmulatorServer
from shop.stripe_emulator.__main__ import parse_args
from tests.stripe_emulator.conftest import http

REPO = Path(__file__).resolve().parents[2]


def test_context_manager_serves_then_stops() -> None:
    with EmulatorServer() as server:
        url = server.url
        assert http("GET", f"{url}/_emulator/health").status == 200
        threads = list(server._threads)

    assert not any(thread.is_alive() for thread in threads)
    with pytest.raises(OSError):
        http("GET", f"{url}/_emulator/health")


def test_a_taken_port_raises_oserror() -> None:
    with EmulatorServer() as first:
        port = int(first.url.rsplit(":", 1)[1])
        with pytest.raises(OSError):
            EmulatorServer(port=port).start()


def test_url_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        _ = EmulatorServer().url


def test_public_url_is_used_for_checkout_links() -> None:
    form = {
        "mode": "payment",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "990",
        "line_items[0][price_data][product_data][name]": "Oil",
        "line_items[0][quantity]": "1",
    }
    with EmulatorServer(public_url="http://payments.local:8080/") as server:
        reply = http(
            "POST",
            f"{server.url}/v1/checkout/sessions",
            form=form,
            headers={"Authorization": "Bearer sk_test_x"},
        )

    session = reply.json()
    assert session["url"] == f"http://payments.local:8080/c/pay/{session['id']}"


def test_command_line_defaults_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIPE_EMULATOR_PORT", "23456")
    monkeypatch.setenv("STRIPE_WEBHOOK_URL", "http://127.0.0.1:5000/webhooks/stripe")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_from_env")

    args = parse_args([])
    overridden = parse_args(["--port", "1", "--webhook-secret", "whsec_flag"])

    assert (args.port, args.webhook_url, args.webhook_secret) == (
        23456,
        "http://127.0.0.1:5000/webhooks/stripe",
        "whsec_from_env",
    )
    assert (overridden.port, overridden.webhook_secret) == (1, "whsec_flag")


def test_python_dash_m_runs_the_emulator() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "shop.stripe_emulator", "--port", "0", "--quiet"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        match = re.search(r"listening on (http://\S+)", banner)
        assert match, banner
        reply = http(
            "GET", f"{match.group(1)}/v1/events", headers={"Authorization": "Bearer sk_test_cli"}
        )
        assert reply.status == 200 and reply.json()["object"] == "list"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0
