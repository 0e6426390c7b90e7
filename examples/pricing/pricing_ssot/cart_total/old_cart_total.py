"""Adapter of pricing:old_cart_total, the 1.x name re-exported from pricing/__init__.py."""

from types import SimpleNamespace

from pricing import old_cart_total

ADAPTER = SimpleNamespace(member="pricing:old_cart_total", total=old_cart_total)
