"""The production engine path, and each seeded divergence of the legacy paths (see MIGRATION.md)."""

from __future__ import annotations

import asyncio

import pytest
import respx

from agent_platform.context import UserExecutionContext
from agent_platform.engine import EngineFactory, ExecutionEngineFactory
from agent_platform.engine.engine import ExecutionEngine
from agent_platform.engine.request_scoped import RequestScopedExecutionFactory
from agent_platform.errors import ConcurrencyLimitError
from agent_platform.fake_llm import ScriptedLLM
from agent_platform.legacy.engine_factory import LegacyExecutionEngineFactory
from agent_platform.store import Store
from tests.service.support import mock_llm

OPTIMIZE = "Please optimize my cloud costs"


def types(events: list[dict]) -> list[str]:
    return [e["type"] for e in events]


@pytest.mark.asyncio
async def test_production_factory_runs_the_golden_path(sinks, llm, tmp_path) -> None:
    received = sinks.connect("alice")
    store = Store(str(tmp_path / "db.sqlite"))
    factory = ExecutionEngineFactory(llm=llm, connections=sinks.connections, store=store)
    context = UserExecutionContext.new("alice")
    with respx.mock(assert_all_called=True) as router:
        mock_llm(router, ScriptedLLM.default())
        async with factory.engine_for(context) as engine:
            result = await engine.run(OPTIMIZE)
    assert result.status == "completed" and result.response
    assert types(received) == [
        "agent_started",
        "agent_thinking",
        "tool_executing",
        "tool_completed",
        "agent_thinking",
        "tool_executing",
        "tool_completed",
        "agent_thinking",
        "agent_completed",
    ]
    assert {e["run_id"] for e in received} == {context.run_id}
    assert received[-1]["payload"]["response"] == result.response
    assert [m["role"] for m in store.messages(context.thread_id)] == ["user", "assistant"]
    assert store.runs(context.thread_id)[0]["status"] == "completed"
    assert factory.active_engines() == 0


@pytest.mark.asyncio
async def test_production_factory_enforces_the_per_user_limit_and_releases(sinks, llm) -> None:
    factory = EngineFactory(llm=llm, connections=sinks.connections, max_engines_per_user=2)
    engines = [factory.create_for_context(UserExecutionContext.new("alice")) for _ in range(2)]
    with pytest.raises(ConcurrencyLimitError, match="limit 2"):
        factory.create_for_context(UserExecutionContext.new("alice"))
    factory.create_for_context(UserExecutionContext.new("bob"))  # another user is not affected
    await engines[0].close()
    await engines[0].close()  # idempotent
    assert factory.active_engines("alice") == 1
    factory.create_for_context(UserExecutionContext.new("alice"))


@pytest.mark.asyncio
async def test_llm_down_becomes_agent_error_and_keeps_the_users_message(sinks, llm, tmp_path) -> None:
    received = sinks.connect("alice")
    store = Store(str(tmp_path / "db.sqlite"))
    factory = ExecutionEngineFactory(llm=llm, connections=sinks.connections, store=store)
    context = UserExecutionContext.new("alice")
    with respx.mock(assert_all_called=True) as router:
        mock_llm(router, ScriptedLLM.from_steps([{"status": 500}, {"status": 500}]))
        async with factory.engine_for(context) as engine:
            result = await engine.run("hello")
    assert result.status == "failed"
    assert types(received)[0] == "agent_started" and types(received)[-1] == "agent_error"
    assert [m["content"] for m in store.messages(context.thread_id)] == ["hello"]
    (run,) = store.runs(context.thread_id)
    assert run["status"] == "failed" and "HTTP 500" in run["error"]


@pytest.mark.asyncio
async def test_cancellation_marks_the_run_cancelled_and_releases(sinks, llm, tmp_path) -> None:
    sinks.connect("alice")
    store = Store(str(tmp_path / "db.sqlite"))
    factory = ExecutionEngineFactory(llm=llm, connections=sinks.connections, store=store)
    context = UserExecutionContext.new("alice")
    script = ScriptedLLM.from_steps([{"delay": 30}])
    # respx records a call when its side effect returns; this one is cancelled while it waits
    with respx.mock(assert_all_called=False) as router:
        mock_llm(router, script)
        engine = factory.create_for_context(context)

        async def run() -> None:
            try:
                await engine.run("hello")
            finally:
                await engine.close()

        task = asyncio.create_task(run())
        while not script.requests:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert store.runs(context.thread_id)[0]["status"] == "cancelled"
    assert factory.active_engines() == 0


@pytest.mark.asyncio
async def test_two_users_at_once_on_the_production_path_get_only_their_events(sinks, llm) -> None:
    factory = ExecutionEngineFactory(llm=llm, connections=sinks.connections)
    contexts = {user: UserExecutionContext.new(user) for user in ("alice", "bob")}
    received = {user: sinks.connect(user) for user in contexts}
    with respx.mock(assert_all_called=True) as router:
        mock_llm(router, ScriptedLLM.default())

        async def run(user: str) -> None:
            async with factory.engine_for(contexts[user]) as engine:
                await engine.run(OPTIMIZE)

        await asyncio.gather(run("alice"), run("bob"))
    for user, context in contexts.items():
        assert {e["run_id"] for e in received[user]} == {context.run_id}
        assert types(received[user])[-1] == "agent_completed"


# --- the seeded divergences -------------------------------------------------------------


@pytest.mark.asyncio
async def test_divergence_request_scoped_factory_drops_tool_completed(sinks, llm) -> None:
    received = sinks.connect("alice")
    factory = RequestScopedExecutionFactory(llm=llm, connections=sinks.connections)
    with respx.mock(assert_all_called=True) as router:
        mock_llm(router, ScriptedLLM.default())
        async with factory.scope(UserExecutionContext.new("alice")) as engine:
            result = await engine.run(OPTIMIZE)
    assert result.status == "completed"
    assert types(received).count("tool_executing") == 2
    assert "tool_completed" not in types(received)


@pytest.mark.asyncio
async def test_divergence_legacy_factory_leaks_events_across_users_under_concurrency(sinks, llm) -> None:
    factory = LegacyExecutionEngineFactory(llm=llm, connections=sinks.connections)
    alice, bob = UserExecutionContext.new("alice"), UserExecutionContext.new("bob")
    received = {"alice": sinks.connect("alice"), "bob": sinks.connect("bob")}
    script = ScriptedLLM.from_steps([{"delay": 0.3}])  # alice's LLM call is slow
    with respx.mock(assert_all_called=True) as router:
        mock_llm(router, script)
        alice_engine = factory.create_engine(alice)
        alice_run = asyncio.create_task(alice_engine.run("hello"))
        while not script.requests:  # alice's run is waiting on the LLM
            await asyncio.sleep(0.01)
        bob_engine = factory.create_engine(bob)  # overwrites the shared emitter's context
        await asyncio.gather(alice_run, bob_engine.run("hello"))
        await alice_engine.close()
        await bob_engine.close()
    # alice lost the end of her run, and her terminal event reached bob stamped with bob's run id
    assert types(received["alice"]) == ["agent_started", "agent_thinking"]
    assert types(received["bob"]).count("agent_completed") == 2
    assert {e["run_id"] for e in received["bob"]} == {bob.run_id}
    assert LegacyExecutionEngineFactory.active_engines() == 0


@pytest.mark.asyncio
async def test_divergence_create_for_user_skips_the_limit_and_never_cleans_up(sinks, llm) -> None:
    ExecutionEngine.unmanaged.clear()
    engines = [
        ExecutionEngine.create_for_user(UserExecutionContext.new("alice"), llm=llm, connections=sinks.connections)
        for _ in range(5)
    ]  # the production limit is 2 per user
    for engine in engines:
        await engine.close()
    assert len(ExecutionEngine.unmanaged) == 5  # closed, yet still held: nothing releases them
    ExecutionEngine.unmanaged.clear()
