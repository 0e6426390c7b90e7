"""Proof of power for the supervisor family: for every contract, a broken supervisor that the
contract fails on, and the same contract passing on production; the differential catches one too."""

from __future__ import annotations

import pytest

from contracts.common import assert_same_as_canonical
from contracts.supervisor import test_contracts as contracts
from contracts.supervisor import test_differential as differential
from contracts.supervisor.adapters.supervisor_agent import ADAPTER as PRODUCTION
from harness.prove.differential import DivergenceFound
from tests.prove.broken_supervisors import (
    BrokenSupervisorAdapter,
    each_once,
    no_agent_thoughts,
    reversed_plan,
)

CAUGHT = (AssertionError, pytest.fail.Exception)
CASES = [
    ("test_triage_plans_and_the_planned_agents_run_in_that_order", BrokenSupervisorAdapter("runs the plan backwards", {"replan": reversed_plan})),
    ("test_it_announces_the_run_and_the_plan_and_leaves_the_terminal_event_to_the_engine",
     BrokenSupervisorAdapter("sends agent_completed itself", {"after": ("agent_completed", "supervisor", {"response": ""})})),
    ("test_each_agent_but_the_last_shares_its_thought_and_the_last_one_answers",
     BrokenSupervisorAdapter("keeps its agents' thoughts", {"rewrite": no_agent_thoughts})),
    ("test_a_planned_agent_runs_as_often_as_the_plan_names_it", BrokenSupervisorAdapter("runs each agent once", {"replan": each_once})),
    ("test_an_agents_failure_stops_the_pipeline_and_reaches_the_caller",
     BrokenSupervisorAdapter("swallows an LLM failure", {"on_error": "sorry"})),
    ("test_cancellation_stops_the_pipeline_with_no_later_event",
     BrokenSupervisorAdapter("reports its cancellation", {"on_cancel": ("agent_thinking", "supervisor", {"thought": "cancelled"})})),
]  # fmt: skip


@pytest.mark.asyncio
@pytest.mark.parametrize(("contract", "broken"), CASES, ids=[f"{c}-{b.name}" for c, b in CASES])
async def test_the_contract_fails_on_a_broken_supervisor_and_passes_on_production(
    contract: str, broken
) -> None:
    check = getattr(contracts, contract)
    with pytest.raises(CAUGHT):
        await check(ssot_implementation=broken)
    await check(ssot_implementation=PRODUCTION)


def test_every_contract_has_a_broken_supervisor() -> None:
    assert {name for name in dir(contracts) if name.startswith("test_")} == {c for c, _ in CASES}


def test_the_differential_catches_a_broken_supervisor_with_case_and_diff() -> None:
    case = ("hello", ["report", "data"], [])
    with pytest.raises(DivergenceFound) as caught:
        assert_same_as_canonical(
            BrokenSupervisorAdapter("runs the plan backwards", {"replan": reversed_plan}), PRODUCTION, case,
            trace=differential.trace, describe=differential.describe, memo={},
        )  # fmt: skip
    assert "triage plans ['report', 'data']" in caught.value.scenario
    assert (
        '-event agent_thinking by triage: {"thought": "plan: report -> data"}' in caught.value.diff
    )
