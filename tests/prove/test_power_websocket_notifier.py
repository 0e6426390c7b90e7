"""Proof of power for the websocket-notifier family: for every contract, a broken notifier that the
contract fails on, and the same contract passing on production; the differential catches one too."""

from __future__ import annotations

import pytest

from contracts.common import assert_same_as_canonical
from contracts.websocket_notifier import test_contracts as contracts
from contracts.websocket_notifier import test_differential as differential
from contracts.websocket_notifier.adapters.websocket_notifier import ADAPTER as PRODUCTION
from harness.prove.differential import DivergenceFound
from tests.prove.broken_notifiers import (
    Broadcasts,
    DropsToolCompleted,
    DropsUnknownTypes,
    KeepsTalking,
    NoThreadId,
    broken,
)

CAUGHT = (AssertionError, pytest.fail.Exception, ValueError)
CASES = [
    ("test_each_event_type_is_delivered_with_its_envelope", NoThreadId, {"type": "agent_thinking"}),
    ("test_tool_completed_is_delivered_under_its_current_name", DropsToolCompleted, {}),
    ("test_events_reach_only_the_contexts_user_on_every_tab", Broadcasts, {}),
    (
        "test_nothing_is_delivered_after_the_terminal_event",
        KeepsTalking,
        {"terminal": "agent_error"},
    ),
    (
        "test_an_unknown_event_type_is_refused_by_name",
        DropsUnknownTypes,
        {"unknown": "tool_result"},
    ),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("contract", "cls", "extra"), CASES, ids=[f"{c}-{cls.__name__}" for c, cls, _ in CASES]
)
async def test_the_contract_fails_on_a_broken_notifier_and_passes_on_production(
    contract: str, cls, extra
) -> None:
    check = getattr(contracts, contract)
    with pytest.raises(CAUGHT):
        await check(ssot_implementation=broken(cls), **extra)
    await check(ssot_implementation=PRODUCTION, **extra)


def test_every_contract_has_a_broken_notifier() -> None:
    assert {name for name in dir(contracts) if name.startswith("test_")} == {c for c, _, _ in CASES}


def test_the_differential_catches_a_broken_notifier_with_case_and_diff() -> None:
    case = [("alice", "agent_started", "supervisor"), ("bob", "agent_started", "supervisor")]
    with pytest.raises(DivergenceFound) as caught:
        assert_same_as_canonical(
            broken(Broadcasts),
            PRODUCTION,
            case,
            trace=differential.trace,
            describe=differential.describe,
            memo={},
        )
    assert "1. alice's run: notify('agent_started', agent='supervisor')" in caught.value.scenario
    assert (
        '+bob-1 <- {"agent": "supervisor", "payload": {"n": 1}, "run_id": "run-alice-1"'
        in caught.value.diff
    )
