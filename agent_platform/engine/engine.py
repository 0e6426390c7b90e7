"""ExecutionEngine: runs one user's request through the supervisor, persists it, ends with one terminal event."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from agent_platform.agents.base import Notifier
from agent_platform.agents.registry import default_agent_registry
from agent_platform.connections import ConnectionManager
from agent_platform.context import UserExecutionContext
from agent_platform.errors import InvalidContextError, LLMError
from agent_platform.llm import LLMClient
from agent_platform.notifications import WebSocketNotifier
from agent_platform.store import Store
from agent_platform.supervisor import SupervisorAgent
from agent_platform.tools import ToolDispatcher


@dataclass(frozen=True)
class RunResult:
    status: str  # completed | failed | cancelled
    response: str | None = None
    error: str | None = None


class ExecutionEngine:
    # Engines made by `create_for_user`, which nothing ever releases (see MIGRATION.md).
    unmanaged: ClassVar[list[ExecutionEngine]] = []

    def __init__(
        self,
        context: UserExecutionContext,
        *,
        supervisor: Any,
        notifier: Notifier,
        llm: LLMClient,
        tools: ToolDispatcher,
        store: Store | None = None,
        on_close: Callable[[ExecutionEngine], None] | None = None,
    ) -> None:
        if not isinstance(context, UserExecutionContext):
            raise InvalidContextError(f"expected a UserExecutionContext, got {type(context).__name__}")
        self.context = context
        self.supervisor = supervisor
        self.notifier = notifier
        self.llm = llm
        self.tools = tools
        self.store = store
        self._on_close = on_close
        self.closed = False

    async def run(self, message: str) -> RunResult:
        ctx = self.context
        if self.store is not None:
            self.store.ensure_thread(ctx.user_id, ctx.thread_id)
            self.store.add_message(ctx.thread_id, "user", message)
            self.store.start_run(ctx)
        try:
            response = await self.supervisor.run(ctx, message, self.notifier, self.llm, self.tools)
        except asyncio.CancelledError:
            self._finish("cancelled", "cancelled")
            raise
        except LLMError as exc:
            return await self._fail(str(exc))
        except Exception as exc:  # an agent bug must still end the run with one terminal event
            return await self._fail(f"internal error: {type(exc).__name__}")
        if self.store is not None:
            self.store.add_message(ctx.thread_id, "assistant", response)
        self._finish("completed")
        plan = list(getattr(self.supervisor, "last_plan", []))
        await self.notifier.notify("agent_completed", "supervisor", {"response": response, "agents": plan})
        return RunResult("completed", response=response)

    async def _fail(self, error: str) -> RunResult:
        self._finish("failed", error)
        await self.notifier.notify("agent_error", "supervisor", {"error": error})
        return RunResult("failed", error=error)

    def _finish(self, status: str, error: str | None = None) -> None:
        if self.store is not None:
            self.store.finish_run(self.context.run_id, status, error)

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._on_close is not None:
            self._on_close(self)

    @classmethod
    def create_for_user(
        cls,
        context: UserExecutionContext,
        *,
        llm: LLMClient,
        connections: ConnectionManager,
        store: Store | None = None,
    ) -> ExecutionEngine:
        """Legacy shortcut kept for the admin replay tool: builds an engine without the factory."""
        engine = cls(
            context,
            supervisor=SupervisorAgent(default_agent_registry()),
            notifier=WebSocketNotifier(connections, context),
            llm=llm,
            tools=ToolDispatcher(),
            store=store,
        )
        cls.unmanaged.append(engine)
        return engine
