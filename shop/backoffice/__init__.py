"""The staff backoffice under /admin: one blueprint, one access check."""
