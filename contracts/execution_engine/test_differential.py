"""Differential: every member runs the same generated scenarios as the canonical, with equal transcripts."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.common import assert_same_as_canonical
from contracts.execution_engine.play import play
from contracts.target import description
from harness.characterize.scenario import Scenario
from harness.characterize.snapshot import as_text
from harness.characterize.steps import Say
from harness.prove.differential import equivalence_settings
from harness.prove.memo import CanonicalMemo

pytestmark = pytest.mark.contract
NAMES = ["alice", "bob", "carol"]
MESSAGES = ["hello", "please optimize my costs", "what does gpt-4o cost?"]
TOOL_CALLS = [
    {"name": "lookup_pricing", "arguments": {"model": "gpt-4o"}},
    {"name": "lookup_pricing", "arguments": {"model": "no-such-model"}},
    {"name": "get_usage", "arguments": {"account": "acme"}},
    {"name": "estimate_savings", "arguments": {"monthly_cost": 100, "percent": 10}},
]
STEPS = st.one_of(
    st.just({"content": "scripted answer"}),
    st.lists(st.sampled_from(TOOL_CALLS), min_size=1, max_size=2).map(lambda calls: {"tool_calls": calls}),
    st.just({"status": 500}),
    st.sampled_from([0.001, 0.005, 0.02]).map(lambda d: {"delay": d}),
)


@st.composite
def scenarios(draw) -> tuple[Scenario, dict]:
    together = draw(st.booleans())
    users = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True).map(sorted))
    messages = {u: f"{draw(st.sampled_from(MESSAGES))} ({u})" for u in users}
    says = [{"user": u, "say": messages[u]} for u in users]
    waits = [{"user": u, "wait": "terminal"} for u in users]
    steps = says + waits if together else [s for pair in zip(says, waits, strict=True) for s in pair]
    script = {messages[u]: draw(st.lists(STEPS, max_size=3)) for u in users}
    return Scenario("generated", "", tuple(users), tuple(steps), rows=("messages", "runs")), script


def describe(case: tuple[Scenario, dict]) -> str:
    scenario, script = case
    steps = [f"{s.user} says {s.text!r}" if isinstance(s, Say) else f"{s.user} waits for the end" for s in scenario.steps]
    lines = [f"  users: {', '.join(scenario.users)}", *(f"  {i + 1}. {step}" for i, step in enumerate(steps))]
    lines += [f"  LLM script for {message!r}: {json.dumps(steps_, sort_keys=True)}" for message, steps_ in script.items()]
    return "\n".join(lines)


_CANONICAL_TRANSCRIPTS = CanonicalMemo("execution-engine.transcript")  # the canonical's, once per scenario


def transcript(adapter, case: tuple[Scenario, dict]) -> str:
    with tempfile.TemporaryDirectory() as tmp:  # fresh database and engines for every example
        played = asyncio.run(play(adapter, case[0], Path(tmp), script=case[1]))
    return as_text(played, description())


@equivalence_settings()
@given(case=scenarios())
def test_same_transcript_as_the_canonical(ssot_implementation, ssot_canonical, case) -> None:
    assert_same_as_canonical(
        ssot_implementation, ssot_canonical, case, trace=transcript, describe=describe, memo=_CANONICAL_TRANSCRIPTS
    )
