"""The execution-engine contracts: every member of the family must keep each of them.

Each contract takes `ssot_implementation` (one member's adapter; pytest runs it once per member) and
states one behaviour. Accepted divergences are declared in divergences.toml."""

from __future__ import annotations

import asyncio
from dataclasses import fields, replace
from types import SimpleNamespace

import pytest

from agent_platform.errors import ConcurrencyLimitError, InvalidContextError
from contracts.execution_engine.harness_env import contract_env
from contracts.execution_engine.play import context_for, engine_level, play, run_and_close
from contracts.target import description
from harness.characterize.golden_hooks import golden_transcript, scenarios_of
from harness.characterize.snapshot import as_text
from harness.characterize.staging import shape_problems

pytestmark = [pytest.mark.contract, pytest.mark.asyncio]
OPTIMIZE = "Please optimize my cloud costs"


async def run_one(adapter, bound, env, user: str, message: str = OPTIMIZE):
    session = await adapter.open(bound, context_for(env, user))
    try:
        return await session.run(message)
    finally:
        await session.close()


async def test_each_context_gets_its_own_engine(ssot_implementation, tmp_path) -> None:
    with contract_env(tmp_path) as env:
        bound = ssot_implementation.bind(env)
        first = await ssot_implementation.open(bound, context_for(env, "alice"))
        second = await ssot_implementation.open(bound, context_for(env, "alice"))
        try:
            assert first.engine is not second.engine
            assert first.engine.context.run_id != second.engine.context.run_id
            await first.run("hello")
            await second.run("hello again")
        finally:
            await first.close()
            await second.close()
        runs = [e["run_id"] for e in env.events[env.user("alice")] if e["type"] == "agent_started"]
        assert runs == [first.engine.context.run_id, second.engine.context.run_id]


BAD_IDS = [
    ("thread_id", "placeholder"),
    ("run_id", ""),
    ("request_id", "   "),
    ("websocket_client_id", "temp_1"),
    ("user_id", "None"),
]


@pytest.mark.parametrize(("field", "bad"), BAD_IDS, ids=[f"{f}={b!r}" for f, b in BAD_IDS])
async def test_an_invalid_context_is_refused(
    ssot_implementation, tmp_path, field: str, bad: str
) -> None:
    """Built through the real context type, so the context's own validation is what refuses it."""
    with contract_env(tmp_path) as env:
        bound = ssot_implementation.bind(env)
        good = context_for(env, "alice")
        with pytest.raises(InvalidContextError, match=field):
            session = await ssot_implementation.open(bound, replace(good, **{field: bad}))
            await session.close()
        assert env.events[good.user_id] == []
        assert ssot_implementation.active_engines(bound, good.user_id) == 0
        assert env.store.runs() == []


async def test_a_context_of_another_type_is_refused(ssot_implementation, tmp_path) -> None:
    """A look-alike with well-formed ids is still not a context: the member's own type check refuses it."""
    with contract_env(tmp_path) as env:
        bound = ssot_implementation.bind(env)
        good = context_for(env, "alice")
        look_alike = SimpleNamespace(**{f.name: getattr(good, f.name) for f in fields(good)})
        with pytest.raises(InvalidContextError):
            session = await ssot_implementation.open(bound, look_alike)
            await session.close()
        assert env.events[good.user_id] == []
        assert ssot_implementation.active_engines(bound, good.user_id) == 0


async def test_events_follow_the_order_rules(ssot_implementation, tmp_path) -> None:
    with contract_env(tmp_path) as env:
        result = await run_one(ssot_implementation, ssot_implementation.bind(env), env, "alice")
        events = env.events[env.user("alice")]
        assert result.status == "completed"
        assert shape_problems(events, description().events) == []


async def test_events_reach_only_their_own_user_with_8_users_interleaved(
    ssot_implementation, tmp_path
) -> None:
    users = [f"user{i}" for i in range(8)]
    # every user's LLM answers after a different delay, so the eight runs interleave
    script = {f"{OPTIMIZE} ({u})": [{"delay": 0.002 * (8 - i)}] * 4 for i, u in enumerate(users)}
    with contract_env(tmp_path, script) as env:
        bound = ssot_implementation.bind(env)
        sessions = [await ssot_implementation.open(bound, context_for(env, u)) for u in users]
        results = await asyncio.gather(
            *(s.run(f"{OPTIMIZE} ({u})") for s, u in zip(sessions, users, strict=True))
        )
        for session in sessions:
            await session.close()
        for user, session, result in zip(users, sessions, results, strict=True):
            events = env.events[env.user(user)]
            assert {e["run_id"] for e in events} == {session.engine.context.run_id}, user
            assert events[0]["payload"]["message"].endswith(f"({user})")
            assert events[-1]["type"] == "agent_completed" and result.status == "completed"


async def test_the_per_user_concurrency_limit_holds(ssot_implementation, tmp_path) -> None:
    limit = 2
    with contract_env(tmp_path) as env:
        bound = ssot_implementation.bind(env)
        open_ = [
            await ssot_implementation.open(bound, context_for(env, "alice")) for _ in range(limit)
        ]
        try:
            with pytest.raises(ConcurrencyLimitError):
                extra = await ssot_implementation.open(bound, context_for(env, "alice"))
                await extra.close()
            other = await ssot_implementation.open(
                bound, context_for(env, "bob")
            )  # other users are not limited
            await other.close()
            await open_.pop().close()
            again = await ssot_implementation.open(
                bound, context_for(env, "alice")
            )  # a released slot is reusable
            await again.close()
        finally:
            for session in open_:
                await session.close()


async def test_the_limit_is_per_user_and_counts_runs_in_flight(
    ssot_implementation, tmp_path
) -> None:
    """Two users each at the limit with runs in flight; a third engine for one of them is refused
    while they run; once they end, the user gets both slots back."""
    script = {f"slow {n}": [{"delay": 0.2}] for n in range(4)}
    with contract_env(tmp_path, script) as env:
        bound = ssot_implementation.bind(env)
        sessions = {
            u: [await ssot_implementation.open(bound, context_for(env, u)) for _ in range(2)]
            for u in ("alice", "bob")
        }
        runs = [
            asyncio.create_task(run_and_close(s, f"slow {n}"))
            for n, s in enumerate(sessions["alice"] + sessions["bob"])
        ]
        while len(env.llm_bodies) < 4:  # all four runs are waiting on the LLM
            await asyncio.sleep(0.005)
        with pytest.raises(ConcurrencyLimitError):
            extra = await ssot_implementation.open(bound, context_for(env, "alice"))
            await extra.close()
        results = await asyncio.gather(*runs)
        assert [r.status for r in results] == ["completed"] * 4
        assert ssot_implementation.active_engines(bound, env.user("alice")) == 0
        again = [await ssot_implementation.open(bound, context_for(env, "alice")) for _ in range(2)]
        for session in again:
            await session.close()


async def test_cancelled_runs_give_their_slots_back(ssot_implementation, tmp_path) -> None:
    """Both of a user's runs cancelled mid-LLM-call (what a disconnect does): both recorded as
    cancelled, no engine held, and the user's next run completes."""
    tasks_before = asyncio.all_tasks()
    script = {"first": [{"delay": 30}], "second": [{"delay": 30}]}
    with contract_env(tmp_path, script) as env:
        bound = ssot_implementation.bind(env)
        sessions = [
            await ssot_implementation.open(bound, context_for(env, "alice")) for _ in range(2)
        ]
        runs = [
            asyncio.create_task(run_and_close(s, m))
            for s, m in zip(sessions, ("first", "second"), strict=True)
        ]
        while len(env.llm_bodies) < 2:
            await asyncio.sleep(0.005)
        for run in runs:
            run.cancel()
        await asyncio.gather(*runs, return_exceptions=True)
        assert ssot_implementation.active_engines(bound, env.user("alice")) == 0
        assert sorted(r["status"] for r in env.store.runs()) == ["cancelled", "cancelled"]
        result = await run_one(ssot_implementation, bound, env, "alice", "and now?")
        assert result.status == "completed"
    assert asyncio.all_tasks() - tasks_before == set()


@pytest.mark.parametrize("outcome", ["success", "error", "cancellation"])
async def test_engines_and_tasks_are_cleaned_up_after(
    ssot_implementation, tmp_path, outcome: str
) -> None:
    script = {
        "success": [],
        "error": [{"status": 500}, {"status": 500}],
        "cancellation": [{"delay": 30}],
    }[outcome]
    tasks_before = asyncio.all_tasks()
    with contract_env(tmp_path, script) as env:
        bound = ssot_implementation.bind(env)
        user_id = env.user("alice")
        session = await ssot_implementation.open(bound, context_for(env, "alice"))

        async def run_and_close():
            try:
                return await session.run("hello")
            finally:
                await session.close()

        task = asyncio.create_task(run_and_close())
        if outcome == "cancellation":
            while not env.llm_bodies:
                await asyncio.sleep(0.005)
            task.cancel()
        result = (await asyncio.gather(task, return_exceptions=True))[0]
        assert ssot_implementation.active_engines(bound, user_id) == 0
        status = {"success": "completed", "error": "failed", "cancellation": "cancelled"}[outcome]
        assert [r["status"] for r in env.store.runs()] == [status]
        if outcome != "cancellation":
            assert result.status == status
    assert asyncio.all_tasks() - tasks_before == set()


async def test_llm_failure_becomes_agent_error(ssot_implementation, tmp_path) -> None:
    with contract_env(tmp_path, [{"status": 503}, {"status": 503}]) as env:
        result = await run_one(
            ssot_implementation, ssot_implementation.bind(env), env, "alice", "hello"
        )
        events = env.events[env.user("alice")]
        assert result.status == "failed"
        assert [e["type"] for e in events][-1] == "agent_error" and "503" in events[-1]["payload"]["error"]
        assert shape_problems(events, description().events) == []
        (thread,) = {e["thread_id"] for e in events}
        assert [m["content"] for m in env.store.messages(thread)] == ["hello"]


def _golden_scenarios(config) -> list:
    return [s for s in scenarios_of(config) if engine_level(s)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "golden" in metafunc.fixturenames:
        scenarios = _golden_scenarios(metafunc.config)
        metafunc.parametrize("golden", scenarios, ids=[s.name for s in scenarios])


async def test_transcript_equals_the_golden_snapshot(ssot_implementation, ssot_target, tmp_path, golden, request) -> None:
    """N implementations, one truth: each member's transcript equals the scenario's golden transcript."""
    expected = golden_transcript(request.config, golden.name)
    actual = as_text(await play(ssot_implementation, golden, tmp_path, target=ssot_target), ssot_target)
    assert actual == expected
