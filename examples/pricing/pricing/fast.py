"""A vectorised-style cart total written for the batch job; equivalent to the engine's."""

from __future__ import annotations


def fast_cart_total(lines: list[tuple[int, int]], percent_off: int = 0) -> int:
    subtotal = sum(p * q for p, q in lines)
    return (subtotal * (100 - percent_off) + 99) // 100 if percent_off else subtotal
