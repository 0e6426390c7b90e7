"""Checkout: picks the cart total at run time (the batch job's fast path is loaded by name)."""

from __future__ import annotations

import importlib

from pricing import old_cart_total


def total_for(lines: list[tuple[int, int]], percent_off: int = 0, *, batch: bool = False) -> int:
    if batch:
        fast = importlib.import_module("pricing.fast")
        return fast.fast_cart_total(lines, percent_off)
    return old_cart_total(lines, percent_off)
