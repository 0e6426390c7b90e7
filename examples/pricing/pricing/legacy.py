"""The 1.x cart total: takes the discount line by line, so the rounding differs on some carts."""

from __future__ import annotations


def legacy_cart_total(lines: list[tuple[int, int]], percent_off: int = 0) -> int:
    total = 0
    for price, quantity in lines:
        line = price * quantity
        total += line - line * percent_off // 100
    return total
