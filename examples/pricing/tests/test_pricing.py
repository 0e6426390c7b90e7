"""The project's own tests: they must run exactly as they would without ssot-harness installed."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pricing import cart_total
from pricing.checkout import total_for

from contracts import payment_terms


@pytest.mark.parametrize(
    "scenario",
    [([(100, 2)], 0, 200), ([(100, 2), (50, 1)], 10, 225)],
    ids=["no-discount", "ten-percent"],
)
def test_the_total_of_a_cart(scenario) -> None:
    lines, percent_off, expected = scenario
    assert cart_total(lines, percent_off) == expected


def test_the_implementation_fixture_is_the_projects(implementation) -> None:
    assert implementation == "engine"


def test_contracts_is_the_projects_own_package() -> None:
    assert payment_terms("acme") == 30


def test_batch_checkout_loads_the_fast_path() -> None:
    assert total_for([(100, 3)], 10, batch=True) == 270


@given(st.integers(min_value=0, max_value=10_000))
def test_one_line_without_discount_costs_its_price(price) -> None:
    assert cart_total([(price, 1)]) == price


def test_the_projects_hypothesis_profile_is_in_force() -> None:
    assert settings.default.max_examples == 7
    assert settings.default.deadline is not None
