"""Adapter of pricing.engine:cart_total."""

from types import SimpleNamespace

from pricing.engine import cart_total

ADAPTER = SimpleNamespace(member="pricing.engine:cart_total", total=cart_total)
