"""Comparing Stripe's Checkout Sessions with the shop's orders."""
