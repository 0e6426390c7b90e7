"""Plays a scenario straight through a member's engines (no WebSocket) into a Transcript, with the
harness's one step interpreter: each user's channel runs an engine per message."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agent_platform.context import UserExecutionContext
from contracts.execution_engine.harness_env import Env, contract_env
from contracts.target import description
from harness.characterize.interpreter import ConnectionClosedError, ScenarioError, interpret
from harness.characterize.scenario import Scenario
from harness.characterize.steps import Say, Wait
from harness.characterize.target import Target
from harness.characterize.transcript import Transcript


def engine_level(scenario: Scenario) -> bool:
    """Scenarios that are about engines, not the WebSocket protocol (no raw messages, disconnects...)."""
    return all(isinstance(s, Say) or (isinstance(s, Wait) and s.until == "terminal") for s in scenario.steps)


def context_for(env: Env, user: str, thread_id: str | None = None) -> UserExecutionContext:
    return UserExecutionContext.new(env.user(user), thread_id=thread_id, websocket_client_id=f"sink-{user}")


class EngineChannel:
    """A user's 'connection': each message opens a session on the member's engine and runs it;
    the events are what the user's in-memory sink received. When the run is over and nothing more
    arrived, the channel is 'closed'."""

    def __init__(self, adapter: Any, bound: Any, env: Env, user: str) -> None:
        self.adapter, self.bound, self.env, self.user = adapter, bound, env, user
        self.pending: asyncio.Task[Any] | None = None
        self.drained = 0

    async def say(self, frame: str, text: str, thread: str | None) -> None:
        await self._settle()
        session = await self.adapter.open(self.bound, context_for(self.env, self.user, thread))
        self.pending = asyncio.create_task(run_and_close(session, text))

    async def raw(self, frame: str) -> None:
        raise ScenarioError("the engine-level player sends no raw frames (see engine_level)")

    async def receive(self) -> Any:
        events = self.env.events[self.env.user(self.user)]
        while self.drained >= len(events):
            if self.pending is None or self.pending.done():
                await self._settle()
                if self.drained >= len(events):
                    raise ConnectionClosedError(None)
                break
            await asyncio.wait({self.pending}, timeout=0.002)
        self.drained += 1
        return events[self.drained - 1]

    async def close(self) -> None:
        await self._settle()

    async def _settle(self) -> None:
        if self.pending is not None:
            task, self.pending = self.pending, None
            await task


async def play(
    adapter: Any,
    scenario: Scenario,
    workdir: Path,
    script: dict[str, Sequence[dict]] | Sequence[dict] | None = None,
    target: Target | None = None,
) -> Transcript:
    target = target or description()
    with contract_env(workdir, scenario.llm_script if script is None else script, llm_timeout=scenario.llm_timeout) as env:
        bound = adapter.bind(env)
        channels: dict[str, Any] = {user: EngineChannel(adapter, bound, env, user) for user in scenario.users}
        for user in scenario.users:
            env.user(user)
        streams = await interpret(scenario, target, channels, closed_ends_wait=True)  # a lost event shows in the diff
        return Transcript(
            scenario=scenario.name,
            streams=streams,
            llm_calls=target.summarize_llm_calls(env.llm_bodies),
            rows=target.rows(workdir, scenario.rows, scenario.name),
        )


async def run_and_close(session: Any, message: str) -> Any:
    try:
        return await session.run(message)
    finally:
        await session.close()
