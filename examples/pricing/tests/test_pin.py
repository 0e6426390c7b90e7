"""Pins the cart total to its single source of truth: the counts may only go down."""

import pytest

pytestmark = pytest.mark.ssot


def test_cart_total_stays_within_its_baseline(ssot_audit) -> None:
    ssot_audit.assert_within_baseline("cart-total")
