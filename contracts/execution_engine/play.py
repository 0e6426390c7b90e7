"""Plays a scenario straight through a member's engines (no WebSocket) into a Transcript."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agent_platform.context import UserExecutionContext
from contracts.execution_engine.harness_env import Env, contract_env
from contracts.target import TARGET
from harness.characterize.scenario import Scenario
from harness.characterize.transcript import Transcript

ENGINE_LEVEL_STEPS = {"say", "wait"}


def engine_level(scenario: Scenario) -> bool:
    """Scenarios that are about engines, not the WebSocket protocol (no raw messages, disconnects...)."""
    return all(
        set(step) - {"user", "thread"} <= ENGINE_LEVEL_STEPS for step in scenario.steps
    ) and all(step.get("wait", "terminal") == "terminal" for step in scenario.steps)


def context_for(env: Env, user: str, thread_id: str | None = None) -> UserExecutionContext:
    return UserExecutionContext.new(
        env.user(user), thread_id=thread_id, websocket_client_id=f"sink-{user}"
    )


async def play(
    adapter: Any,
    scenario: Scenario,
    workdir: Path,
    script: dict[str, Sequence[dict]] | Sequence[dict] | None = None,
) -> Transcript:
    with contract_env(
        workdir, scenario.llm_script if script is None else script, llm_timeout=scenario.llm_timeout
    ) as env:
        bound = adapter.bind(env)
        for user in scenario.users:
            env.user(user)
        streams: dict[str, list[dict[str, Any]]] = {user: [] for user in scenario.users}
        drained = dict.fromkeys(scenario.users, 0)
        pending: dict[str, asyncio.Task] = {}
        last_thread: dict[str, str] = {}
        for step in scenario.steps:
            user = step["user"]
            if "say" in step:
                message: dict[str, Any] = {"type": "user_message", "content": step["say"]}
                thread = last_thread.get(user) if step.get("thread") == "previous" else None
                if thread:
                    message["thread_id"] = thread
                streams[user].append({"dir": "->", "text": json.dumps(message)})
                session = await adapter.open(bound, context_for(env, user, thread))
                pending[user] = asyncio.create_task(run_and_close(session, step["say"]))
            else:
                await pending.pop(user)
                events = env.events[env.user(user)]
                for event in events[drained[user] :]:
                    streams[user].append({"dir": "<-", "event": event})
                    last_thread[user] = event.get("thread_id", last_thread.get(user))
                drained[user] = len(events)
        await asyncio.gather(*pending.values())
        return Transcript(
            scenario=scenario.name,
            streams=streams,
            llm_calls=sorted(TARGET.summarize_llm_call(body) for body in env.llm_bodies),
            rows=TARGET.read_rows(env.store.path, scenario.rows),
        )


async def run_and_close(session: Any, message: str) -> Any:
    try:
        return await session.run(message)
    finally:
        await session.close()
