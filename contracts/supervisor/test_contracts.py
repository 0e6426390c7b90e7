"""The supervisor contracts: every member of the family must keep each of them.

Each contract takes `ssot_implementation` (one member's adapter, see protocol.py) and states one
behaviour. Accepted divergences are declared in divergences.toml."""

from __future__ import annotations

import asyncio

import pytest

from agent_platform.errors import LLMError
from contracts.supervisor.play import RecordingNotifier, llm_env, supervise
from contracts.target import TARGET

pytestmark = [pytest.mark.contract, pytest.mark.asyncio]
OPTIMIZE = "Please optimize my cloud costs"


def agents_asked(env) -> list[str]:
    """The agents that asked the LLM, in order, each once per run of it."""
    order: list[str] = []
    for body in env.llm_bodies:
        agent = TARGET.summarize_llm_call(body).split()[0]
        if not order or order[-1] != agent:
            order.append(agent)
    return order


async def test_triage_plans_and_the_planned_agents_run_in_that_order(ssot_implementation) -> None:
    with llm_env() as env:
        run = await supervise(ssot_implementation, env, OPTIMIZE)
        assert run.error is None
        assert run.plan == ["triage", "data", "optimization", "report"]
        assert agents_asked(env) == ["data", "optimization", "report"]
    with llm_env() as env:
        run = await supervise(ssot_implementation, env, "hello")
        assert (run.plan, agents_asked(env)) == (["triage", "report"], ["report"])


async def test_it_announces_the_run_and_the_plan_and_leaves_the_terminal_event_to_the_engine(
    ssot_implementation,
) -> None:
    with llm_env() as env:
        run = await supervise(ssot_implementation, env, OPTIMIZE)
        assert run.events[0] == ("agent_started", "supervisor", {"message": OPTIMIZE})
        assert run.events[1] == (
            "agent_thinking",
            "triage",
            {"thought": "plan: data -> optimization -> report"},
        )
        assert not {"agent_completed", "agent_error"} & {type for type, _ in run.types()}


async def test_each_agent_but_the_last_shares_its_thought_and_the_last_one_answers(
    ssot_implementation,
) -> None:
    script = [{"content": "found usage"}, {"content": "found savings"}, {"content": "the answer"}]
    with llm_env(script) as env:
        run = await supervise(ssot_implementation, env, OPTIMIZE)
        thoughts = [
            (agent, payload["thought"])
            for type, agent, payload in run.events[2:]
            if type == "agent_thinking"
        ]
        assert thoughts == [("data", "found usage"), ("optimization", "found savings")]
        assert run.response == "the answer"
        notes = env.llm_bodies[-1]["messages"][-1]["content"]
        assert notes == "Notes so far:\ndata: found usage\noptimization: found savings"


async def test_a_planned_agent_runs_as_often_as_the_plan_names_it(ssot_implementation) -> None:
    script = [{"content": "first look"}, {"content": "second look"}]
    with llm_env(script) as env:
        run = await supervise(ssot_implementation, env, "hello", plan=["report", "report"])
        assert run.plan == ["triage", "report", "report"]
        assert [e for e in run.events if e[0] == "agent_thinking"][1:] == [
            ("agent_thinking", "report", {"thought": "first look"})
        ]
        assert run.response == "second look"


async def test_an_agents_failure_stops_the_pipeline_and_reaches_the_caller(
    ssot_implementation,
) -> None:
    script = [{"content": "found usage"}, {"status": 500}, {"status": 500}]
    with llm_env(script) as env:
        run = await supervise(ssot_implementation, env, OPTIMIZE)
        assert isinstance(run.error, LLMError) and "500" in str(run.error)
        assert agents_asked(env) == ["data", "optimization"]
        assert run.events[-1] == ("agent_thinking", "data", {"thought": "found usage"})


async def test_cancellation_stops_the_pipeline_with_no_later_event(ssot_implementation) -> None:
    with llm_env([{"delay": 30}]) as env:
        notifier = RecordingNotifier()
        task = asyncio.create_task(supervise(ssot_implementation, env, OPTIMIZE, notifier=notifier))
        while not env.llm_bodies:
            await asyncio.sleep(0.005)
        seen = list(notifier.events)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.05)
        assert notifier.events == seen and len(env.llm_bodies) == 1
        assert [type for type, _, _ in seen] == ["agent_started", "agent_thinking"]
