"""ExecutionEngineFactory: the production (canonical) way to get an engine for a user's context."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from agent_platform.agents.registry import AgentRegistry, default_agent_registry
from agent_platform.connections import ConnectionManager
from agent_platform.context import UserExecutionContext
from agent_platform.engine.engine import ExecutionEngine
from agent_platform.errors import ConcurrencyLimitError, InvalidContextError
from agent_platform.llm import LLMClient
from agent_platform.notifications import WebSocketNotifier
from agent_platform.store import Store
from agent_platform.supervisor import SupervisorAgent
from agent_platform.tools import ToolDispatcher


class ExecutionEngineFactory:
    def __init__(
        self,
        *,
        llm: LLMClient,
        connections: ConnectionManager,
        store: Store | None = None,
        max_engines_per_user: int = 2,
        registry: AgentRegistry | None = None,
    ) -> None:
        self.llm = llm
        self.connections = connections
        self.store = store
        self.max_engines_per_user = max_engines_per_user
        self.registry = registry or default_agent_registry()
        self._active: dict[str, set[ExecutionEngine]] = {}

    def create_for_context(self, context: UserExecutionContext) -> ExecutionEngine:
        if not isinstance(context, UserExecutionContext):
            raise InvalidContextError(f"expected a UserExecutionContext, got {type(context).__name__}")
        active = self._active.setdefault(context.user_id, set())
        if len(active) >= self.max_engines_per_user:
            raise ConcurrencyLimitError(
                f"user {context.user_id} already has {len(active)} running engines "
                f"(limit {self.max_engines_per_user})"
            )
        engine = ExecutionEngine(
            context,
            supervisor=SupervisorAgent(self.registry),
            notifier=WebSocketNotifier(self.connections, context),
            llm=self.llm,
            tools=ToolDispatcher(),
            store=self.store,
            on_close=self._release,
        )
        active.add(engine)
        return engine

    def _release(self, engine: ExecutionEngine) -> None:
        user = engine.context.user_id
        self._active.get(user, set()).discard(engine)
        if not self._active.get(user):
            self._active.pop(user, None)

    def active_engines(self, user_id: str | None = None) -> int:
        if user_id is not None:
            return len(self._active.get(user_id, ()))
        return sum(len(engines) for engines in self._active.values())

    @asynccontextmanager
    async def engine_for(self, context: UserExecutionContext) -> AsyncIterator[ExecutionEngine]:
        engine = self.create_for_context(context)
        try:
            yield engine
        finally:
            await engine.close()


_factory: ExecutionEngineFactory | None = None


def configure_execution_engine_factory(**kwargs: Any) -> ExecutionEngineFactory:
    global _factory
    _factory = ExecutionEngineFactory(**kwargs)
    return _factory


def get_execution_engine_factory() -> ExecutionEngineFactory:
    if _factory is None:
        raise RuntimeError("call configure_execution_engine_factory() first (the app does it at start-up)")
    return _factory
