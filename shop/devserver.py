"""`make run`: serve the shop on 127.0.0.1, with the local Stripe emulator when no key is set."""

from __future__ import annotations

import logging
import os
from urllib.parse import urlsplit

from flask import Flask

from shop import create_app
from shop.checkout.setup import EMULATOR_WEBHOOK_SECRET
from shop.stripe_emulator import EmulatorServer


def start_emulator(app: Flask, port: int) -> EmulatorServer | None:
    """Run the emulator in this process, posting webhooks back to the shop."""
    if app.config["STRIPE_SECRET_KEY"]:
        return None
    emulator_port = urlsplit(app.config["STRIPE_EMULATOR_URL"]).port or 12111
    emulator = EmulatorServer(
        port=emulator_port,
        webhook_url=f"http://127.0.0.1:{port}/webhooks/stripe",
        webhook_secret=app.config["STRIPE_WEBHOOK_SECRET"] or EMULATOR_WEBHOOK_SECRET,
    )
    try:
        emulator.start()
    except OSError:
        print(f" * port {emulator_port} is taken; using the Stripe emulator already there")
        return None
    print(f" * Test payments: local Stripe emulator at {emulator.url}")
    return emulator


def main() -> None:
    """Start the development server on PORT (default 5000)."""
    port = int(os.environ.get("PORT", "5000"))
    # Show the shop's own notes (webhooks handled, emails sent or written) with the requests.
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("stripe").setLevel(logging.WARNING)  # one line per API call otherwise
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = create_app()
    emulator = start_emulator(app, port)
    print(f" * Balmorex shop: http://127.0.0.1:{port}", flush=True)
    try:
        app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False, threaded=True)
    finally:
        if emulator is not None:
            emulator.stop()


if __name__ == "__main__":
    main()
