"""Orders: what a shopper bought, its state, and the timeline of what happened."""
