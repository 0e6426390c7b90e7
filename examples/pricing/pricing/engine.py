"""The cart total that survives: the discount is taken once, on the whole cart."""

from __future__ import annotations

Line = tuple[int, int]  # (unit price in cents, quantity)


def cart_total(lines: list[Line], percent_off: int = 0) -> int:
    """Cents to pay: the sum of the lines, less `percent_off` percent of it (rounded down)."""
    subtotal = sum(price * quantity for price, quantity in lines)
    return subtotal - subtotal * percent_off // 100
