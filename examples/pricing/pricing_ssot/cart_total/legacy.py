"""Adapter of pricing.legacy:legacy_cart_total."""

from types import SimpleNamespace

from pricing.legacy import legacy_cart_total

ADAPTER = SimpleNamespace(member="pricing.legacy:legacy_cart_total", total=legacy_cart_total)
