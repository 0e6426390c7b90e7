"""Proof of power for the agent-registry family: for every contract, a broken registry that the
contract fails on, and the same contract passing on production; the differential catches one too."""

from __future__ import annotations

import pytest

from contracts.agent_registry import test_contracts as contracts
from contracts.agent_registry import test_differential as differential
from contracts.agent_registry.adapters.agent_registry import ADAPTER as PRODUCTION
from harness.prove.differential import DivergenceFound
from tests.prove.broken_registries import (
    CachesAgents,
    InsertionOrder,
    Overwrites,
    SharedAcrossInstances,
    UnknownIsNone,
    WrongAgent,
    broken,
)

CAUGHT = (AssertionError, pytest.fail.Exception, KeyError, ValueError)
CASES = [
    ("test_lookup_by_name_gives_that_agent", WrongAgent),
    ("test_each_lookup_gives_a_new_agent", CachesAgents),
    ("test_an_unknown_name_raises_key_error_naming_it", UnknownIsNone),
    ("test_the_default_agents_are_listed_in_sorted_order", InsertionOrder),
    ("test_a_registered_name_is_listed_in_its_sorted_place", InsertionOrder),
    ("test_registering_a_taken_name_is_refused_and_the_first_stays", Overwrites),
    ("test_a_registration_in_one_request_is_invisible_to_another", SharedAcrossInstances),
]


@pytest.mark.parametrize(
    ("contract", "cls"), CASES, ids=[f"{c}-{cls.__name__}" for c, cls in CASES]
)
def test_the_contract_fails_on_a_broken_registry_and_passes_on_production(
    contract: str, cls
) -> None:
    check = getattr(contracts, contract)
    with pytest.raises(CAUGHT):
        check(ssot_implementation=broken(cls))
    check(ssot_implementation=PRODUCTION)


def test_every_contract_has_a_broken_registry() -> None:
    assert {name for name in dir(contracts) if name.startswith("test_")} == {c for c, _ in CASES}


def test_the_differential_catches_a_broken_registry_with_case_and_diff() -> None:
    case = [("register", 0, "zeta"), ("names", 1, "")]
    with pytest.raises(DivergenceFound) as caught:
        differential.assert_same_as_canonical(
            broken(SharedAcrossInstances),
            PRODUCTION,
            case,
            trace=differential.trace,
            describe=differential.describe,
            memo={},
        )
    assert "1. request 0: register('zeta')\n  2. request 1: names()" in caught.value.scenario
    assert "+2. request 1: names() -> data, optimization, report, triage, zeta" in caught.value.diff
