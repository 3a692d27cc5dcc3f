"""Operators' work on orders: shipping, refunds, cancellations, notes, lists and exports."""
