"""Stock adjustments with their history, and price changes."""
