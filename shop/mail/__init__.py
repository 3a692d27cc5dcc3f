"""Transactional email: an outbox written with each change, delivered after commit."""
