"""Adapter of pricing.fast:fast_cart_total."""

from types import SimpleNamespace

from pricing.fast import fast_cart_total

ADAPTER = SimpleNamespace(member="pricing.fast:fast_cart_total", total=fast_cart_total)
