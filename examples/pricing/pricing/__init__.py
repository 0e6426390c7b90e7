"""A small pricing package: what a customer pays for a cart."""

from pricing.engine import cart_total
from pricing.legacy import legacy_cart_total as old_cart_total  # kept for callers of the 1.x API

__all__ = ["cart_total", "old_cart_total"]
