"""Checkout: Stripe Checkout Sessions, fulfilment and webhooks."""
