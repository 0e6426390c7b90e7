"""Differential: every member supervises the same generated requests (message, LLM script, and the real
triage or one planning a generated plan) and causes the same events, LLM calls and outcome as the canonical."""

from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from contracts.common import assert_same_as_canonical
from contracts.supervisor.play import llm_env, supervise
from contracts.target import TARGET
from harness.prove.differential import equivalence_settings
from harness.prove.memo import CanonicalMemo

pytestmark = pytest.mark.contract
MESSAGES = ["hello", "please optimize my costs"]
TOOL_CALLS = [
    {"name": "lookup_pricing", "arguments": {"model": "gpt-4o"}},
    {"name": "get_usage", "arguments": {"account": "nowhere"}},
]
STEPS = st.one_of(
    st.sampled_from(["found usage", "found savings"]).map(lambda c: {"content": c}),
    st.lists(st.sampled_from(TOOL_CALLS), min_size=1, max_size=2).map(
        lambda calls: {"tool_calls": calls}
    ),
    st.just({"status": 500}),
)
PLANS = st.lists(st.sampled_from(["data", "optimization", "report"]), max_size=3)
SCRIPTS = st.lists(STEPS, max_size=4)


def describe(case) -> str:
    message, plan, script = case
    planned = "the real triage" if plan is None else f"triage plans {plan}"
    return f"  message {message!r}; {planned}\n  LLM script: {json.dumps(script, sort_keys=True)}"


def trace(adapter, case) -> str:
    message, plan, script = case
    with llm_env(script) as env:  # fresh per example
        run = asyncio.run(supervise(adapter, env, message, plan))
        lines = [
            f"event {type} by {agent}: {json.dumps(payload, sort_keys=True)}"
            for type, agent, payload in run.events
        ]
        lines += [f"llm {TARGET.summarize_llm_call(body)}" for body in env.llm_bodies]
        outcome = (
            f"returns {run.response!r}"
            if run.error is None
            else f"raises {type(run.error).__name__}: {run.error}"
        )
        return "\n".join([*lines, f"plan {run.plan}", outcome])


_CANONICAL = CanonicalMemo("supervisor.trace")  # the canonical's trace per case


@equivalence_settings()
@given(case=st.tuples(st.sampled_from(MESSAGES), st.none(), SCRIPTS))
def test_same_events_and_outcome_as_the_canonical(
    ssot_implementation, ssot_canonical, case
) -> None:
    """Through the real triage: the plans production makes."""
    assert_same_as_canonical(
        ssot_implementation, ssot_canonical, case, trace=trace, describe=describe, memo=_CANONICAL
    )


@equivalence_settings()
@given(case=st.tuples(st.sampled_from(MESSAGES), PLANS, SCRIPTS))
@example(case=("hello", ["data", "data"], []))  # the accepted divergence's minimal case, always tried
def test_same_events_and_outcome_for_any_plan(ssot_implementation, ssot_canonical, case) -> None:
    """Through a triage planning any sequence of the agents (repeats and the empty plan included)."""
    assert_same_as_canonical(
        ssot_implementation, ssot_canonical, case, trace=trace, describe=describe, memo=_CANONICAL
    )
