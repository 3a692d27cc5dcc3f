"""Run the emulator: `python -m shop.stripe_emulator` (or `flask --app shop stripe-emulator`)."""

from __future__ import annotations

import argparse
import os
import threading

from shop.stripe_emulator.server import DEFAULT_WEBHOOK_SECRET, EmulatorServer

DEFAULT_PORT = 12111


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options, with environment variables as defaults."""
    parser = argparse.ArgumentParser(
        prog="python -m shop.stripe_emulator", description="Local Stripe API emulator (test mode)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("STRIPE_EMULATOR_PORT", DEFAULT_PORT)),
        help="port (env STRIPE_EMULATOR_PORT, default %(default)s)",
    )
    parser.add_argument(
        "--webhook-url",
        default=os.environ.get("STRIPE_WEBHOOK_URL") or None,
        help="where to POST events (env STRIPE_WEBHOOK_URL)",
    )
    parser.add_argument(
        "--webhook-secret",
        default=os.environ.get("STRIPE_WEBHOOK_SECRET") or DEFAULT_WEBHOOK_SECRET,
        help="signing secret (env STRIPE_WEBHOOK_SECRET)",
    )
    parser.add_argument(
        "--public-url",
        default=os.environ.get("STRIPE_EMULATOR_PUBLIC_URL") or None,
        help="base URL browsers use to reach the hosted page (default: the listen URL)",
    )
    parser.add_argument(
        "--async-delay",
        type=float,
        default=5.0,
        help="seconds before a delayed payment settles (default %(default)s)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Start the emulator and serve until interrupted."""
    args = parse_args(argv)
    server = EmulatorServer(
        host=args.host,
        port=args.port,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        public_url=args.public_url,
        async_delay=args.async_delay,
        log_requests=not args.quiet,
    )
    server.start()
    print(f"Stripe emulator (test mode only) listening on {server.url}", flush=True)
    print(f"  webhooks: {args.webhook_url or 'not sent (set --webhook-url)'}", flush=True)
    print(f"  signing secret: {server.webhook_secret}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
