"""Deliberately broken members: the production factory with one behaviour changed each."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from agent_platform.context import UserExecutionContext
from agent_platform.engine.factory import ExecutionEngineFactory
from agent_platform.notifications import WebSocketNotifier
from contracts.execution_engine.adapters._base import EngineSession
from contracts.execution_engine.adapters.execution_engine_factory import ADAPTER as PRODUCTION


class RewritingNotifier:
    """Passes events through `rewrite(type, agent, payload) -> list of (type, agent, payload)`."""

    def __init__(self, inner: Any, rewrite) -> None:
        self.inner, self.rewrite = inner, rewrite

    async def notify(self, type: str, agent: str, payload: dict) -> None:
        for event in self.rewrite(type, agent, payload):
            await self.inner.notify(*event)


@dataclass
class Broken:
    """The production adapter, with hooks to break one thing."""

    name: str
    member: str = PRODUCTION.member
    max_engines_per_user: int | None = 2
    rewrite: Any = None  # event rewrite for every engine
    notifier: Any = None  # (connections, context) -> the engine's notifier, instead of production's
    limit: int = 2
    state: dict = field(default_factory=dict)

    def bind(self, env):
        return ExecutionEngineFactory(
            llm=env.llm, connections=env.connections, store=env.store, max_engines_per_user=self.limit
        )

    async def open(self, bound, context) -> EngineSession:
        engine = bound.create_for_context(context)
        if self.notifier is not None:
            engine.notifier = self.notifier(bound.connections, context)
        if self.rewrite is not None:
            engine.notifier = RewritingNotifier(engine.notifier, self.rewrite)
        return EngineSession(engine)

    def active_engines(self, bound, user_id):
        return bound.active_engines(user_id)


class ReusesEngines(Broken):
    async def open(self, bound, context):
        if context.user_id not in self.state:
            self.state[context.user_id] = await super().open(bound, context)
        return self.state[context.user_id]


class AcceptsAnyContext(Broken):
    async def open(self, bound, context):
        if not isinstance(context, UserExecutionContext):
            context = UserExecutionContext.new(context.user_id)
        return await super().open(bound, context)


class SharesOneNotifier(Broken):
    async def open(self, bound, context):
        session = await super().open(bound, context)
        shared = self.state.setdefault("notifier", WebSocketNotifier(bound.connections, context))
        shared.context = context  # the latest context wins
        session.engine.notifier = shared
        return session


class NeverReleases(Broken):
    async def open(self, bound, context):
        session = await super().open(bound, context)

        async def forget() -> None:
            self.state.setdefault("leaked", []).append(asyncio.get_running_loop().create_future())

        return EngineSession(session.engine, forget)


def drop(kind):
    return lambda t, a, p: [] if t == kind else [(t, a, p)]


def duplicate(kind):
    return lambda t, a, p: [(t, a, p)] * (2 if t == kind else 1)


def error_as_completed(t, a, p):
    return [("agent_completed", a, {"response": "", "agents": []})] if t == "agent_error" else [(t, a, p)]


def reword_thinking(t, a, p):
    return [(t, a, {"thought": "something else"})] if t == "agent_thinking" else [(t, a, p)]
