"""RequestScopedExecutionFactory: an engine per request scope, used by batch jobs (`run-once`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from agent_platform.agents.registry import default_agent_registry
from agent_platform.connections import ConnectionManager
from agent_platform.context import UserExecutionContext
from agent_platform.engine.engine import ExecutionEngine
from agent_platform.errors import ConcurrencyLimitError
from agent_platform.legacy.bridge import AgentWebSocketBridge
from agent_platform.llm import LLMClient
from agent_platform.store import Store
from agent_platform.supervisor import SupervisorAgent
from agent_platform.tools import ToolDispatcher


class RequestScopedExecutionFactory:
    def __init__(
        self,
        *,
        llm: LLMClient,
        connections: ConnectionManager,
        store: Store | None = None,
        max_engines_per_user: int = 2,
    ) -> None:
        self.llm = llm
        self.connections = connections
        self.store = store
        self.max_engines_per_user = max_engines_per_user
        self._live: list[ExecutionEngine] = []

    def active_engines(self, user_id: str | None = None) -> int:
        return sum(1 for e in self._live if user_id is None or e.context.user_id == user_id)

    @asynccontextmanager
    async def scope(self, context: UserExecutionContext) -> AsyncIterator[ExecutionEngine]:
        if self.active_engines(context.user_id) >= self.max_engines_per_user:
            raise ConcurrencyLimitError(f"user {context.user_id} is at the limit of {self.max_engines_per_user}")
        bridge = AgentWebSocketBridge(self.connections)
        bridge.bind(context)
        engine = ExecutionEngine(
            context,
            supervisor=SupervisorAgent(default_agent_registry()),
            notifier=bridge,
            llm=self.llm,
            tools=ToolDispatcher(),
            store=self.store,
        )
        self._live.append(engine)
        try:
            yield engine
        finally:
            await engine.close()
            self._live.remove(engine)
