"""Contracts of the cart total, run against every member (test id = member)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import assert_equivalent, equivalence_settings

pytestmark = pytest.mark.contract

LINES = st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 5)), max_size=5)
PERCENT = st.integers(0, 100)


def test_an_empty_cart_costs_nothing(ssot_implementation) -> None:
    assert ssot_implementation.total([], 25) == 0


def test_no_discount_is_the_sum_of_the_lines(ssot_implementation) -> None:
    assert ssot_implementation.total([(250, 2), (99, 1)]) == 599


def test_a_full_discount_makes_the_cart_free(ssot_implementation) -> None:
    assert ssot_implementation.total([(250, 2), (99, 1)], 100) == 0


def _describe(case) -> str:
    lines, percent_off = case
    return f"  lines: {lines}\n  percent_off: {percent_off}"


@equivalence_settings()
@given(lines=LINES, percent_off=PERCENT)
def test_same_total_as_the_canonical(
    ssot_implementation, ssot_canonical, lines, percent_off
) -> None:
    if ssot_implementation is ssot_canonical:
        pytest.skip("the canonical is the reference")
    adapters = {a.member.partition(":")[2]: a for a in (ssot_implementation, ssot_canonical)}
    member, canonical = (a.member.partition(":")[2] for a in (ssot_implementation, ssot_canonical))
    assert_equivalent(
        (lines, percent_off),
        member=member,
        canonical=canonical,
        transcript_of=lambda name, case: f"total: {adapters[name].total(*case)}",
        describe=_describe,
    )
