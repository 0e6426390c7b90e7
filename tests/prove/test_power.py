"""Proof of power: for every contract, a deliberately broken member that the contract fails on,
and the same contract passing on the production member (so the failure is the break's doing)."""

from __future__ import annotations

import pytest

from agent_platform.context import UserExecutionContext
from contracts.execution_engine import test_contracts as contracts
from contracts.execution_engine.adapters.execution_engine_factory import ADAPTER as PRODUCTION
from contracts.target import description
from harness.characterize.golden_hooks import scenarios_of
from tests.prove.broken import (
    AcceptsAnyContext,
    Broken,
    NeverReleases,
    ReusesEngines,
    SharesOneNotifier,
    drop,
    duplicate,
    error_as_completed,
    reword_thinking,
)
from tests.prove.broken_notifiers import KeepsTalking

CAUGHT = (AssertionError, pytest.fail.Exception)


def golden(config, name: str):
    return next(s for s in scenarios_of(config) if s.name == name)


CASES = [
    ("test_each_context_gets_its_own_engine", ReusesEngines("reuses one engine per user"), {}),
    ("test_a_context_of_another_type_is_refused", AcceptsAnyContext("accepts any context"), {}),
    ("test_events_follow_the_order_rules", Broken("drops agent_started", rewrite=drop("agent_started")), {}),
    ("test_events_follow_the_order_rules", Broken("drops tool_completed", rewrite=drop("tool_completed")), {}),
    # production's notifier drops what follows a terminal event: the duplicate goes through one without that guard
    ("test_events_follow_the_order_rules", Broken("duplicates agent_completed", rewrite=duplicate("agent_completed"), notifier=KeepsTalking), {}),
    ("test_events_reach_only_their_own_user_with_8_users_interleaved", SharesOneNotifier("shares a notifier"), {}),
    ("test_the_per_user_concurrency_limit_holds", Broken("limit raised to 3", limit=3), {}),
    ("test_the_limit_is_per_user_and_counts_runs_in_flight", Broken("limit raised to 3", limit=3), {}),
    ("test_cancelled_runs_give_their_slots_back", NeverReleases("never releases"), {}),
    ("test_engines_and_tasks_are_cleaned_up_after", NeverReleases("never releases"), {"outcome": "success"}),
    ("test_engines_and_tasks_are_cleaned_up_after", NeverReleases("never releases"), {"outcome": "cancellation"}),
    ("test_llm_failure_becomes_agent_error", Broken("reports errors as completed", rewrite=error_as_completed), {}),
    ("test_transcript_equals_the_golden_snapshot", Broken("rewords its thoughts", rewrite=reword_thinking), {"golden": "plain_question"}),
]  # fmt: skip


@pytest.mark.asyncio
@pytest.mark.parametrize(("contract", "broken", "extra"), CASES, ids=[f"{c}-{b.name}" for c, b, _ in CASES])
async def test_the_contract_fails_on_a_broken_member_and_passes_on_production(
    contract: str, broken, extra: dict, tmp_path, request
) -> None:
    check = getattr(contracts, contract)
    if "golden" in extra:
        extra = {"golden": golden(request.config, extra["golden"]), "ssot_target": description(), "request": request}
    (tmp_path / "broken").mkdir()
    (tmp_path / "production").mkdir()
    with pytest.raises(CAUGHT):
        await check(ssot_implementation=broken, tmp_path=tmp_path / "broken", **extra)
    await check(ssot_implementation=PRODUCTION, tmp_path=tmp_path / "production", **extra)


@pytest.mark.asyncio
@pytest.mark.parametrize(("field", "bad"), [("thread_id", "placeholder"), ("run_id", "")])
async def test_the_invalid_context_contract_fails_when_the_context_does_not_validate(
    field: str, bad: str, tmp_path, monkeypatch
) -> None:
    """The contract builds its bad contexts through the real type: a context type that no longer
    validates (not a broken member) is what it catches."""
    (tmp_path / "broken").mkdir()
    (tmp_path / "production").mkdir()
    await contracts.test_an_invalid_context_is_refused(PRODUCTION, tmp_path / "production", field, bad)
    monkeypatch.setattr(UserExecutionContext, "__post_init__", lambda self: None)
    with pytest.raises(CAUGHT):
        await contracts.test_an_invalid_context_is_refused(PRODUCTION, tmp_path / "broken", field, bad)


def test_every_contract_has_a_broken_member() -> None:
    defined = {name for name in dir(contracts) if name.startswith("test_")}
    # test_same_transcript_as_the_canonical: the test below; the invalid-context contract: the test above
    assert defined == {c for c, _, _ in CASES} | {"test_an_invalid_context_is_refused"}


def test_the_differential_runner_catches_a_broken_member_with_scenario_and_diff() -> None:
    from contracts.execution_engine import test_differential as differential
    from harness.characterize.scenario import Scenario
    from harness.prove.differential import DivergenceFound, assert_equivalent

    case = (Scenario("generated", "", ("alice",), ({"user": "alice", "say": "please optimize (alice)"},
            {"user": "alice", "wait": "terminal"}), rows=("messages", "runs")), {})  # fmt: skip
    adapters = {"canonical": PRODUCTION, "broken": Broken("drops tool_completed", rewrite=drop("tool_completed"))}
    with pytest.raises(DivergenceFound) as caught:
        assert_equivalent(case, member="broken", canonical="canonical",
                          transcript_of=lambda who, c: differential.transcript(adapters[who], c), describe=differential.describe)  # fmt: skip
    message = str(caught.value)
    assert message.index("Minimal scenario:") < message.index("Diff (canonical -> broken)")
    assert "-<- tool_completed" in message and "+<- tool_completed" not in message
    assert_equivalent(case, member="canonical", canonical="canonical",
                      transcript_of=lambda who, c: differential.transcript(adapters[who], c), describe=differential.describe)  # fmt: skip
