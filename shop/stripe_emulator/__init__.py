"""A local Stripe API emulator: Stripe's wire protocol, hosted Checkout stand-in and webhooks.

Standalone: nothing here imports the rest of the shop.
"""

from shop.stripe_emulator.server import DEFAULT_WEBHOOK_SECRET, EmulatorServer

__all__ = ["DEFAULT_WEBHOOK_SECRET", "EmulatorServer"]
