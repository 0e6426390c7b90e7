"""Operator tools: engine statistics and replaying a thread's last user message."""

from __future__ import annotations

from typing import Any

from agent_platform.connections import ConnectionManager
from agent_platform.context import UserExecutionContext
from agent_platform.engine.engine import ExecutionEngine, RunResult
from agent_platform.engine.factory import get_execution_engine_factory
from agent_platform.llm import LLMClient
from agent_platform.store import Store


def engine_stats() -> dict[str, Any]:
    return {"active_engines": get_execution_engine_factory().active_engines()}


async def replay_last_message(
    store: Store, user_id: str, thread_id: str, *, llm: LLMClient, connections: ConnectionManager
) -> RunResult:
    """Runs the thread's last user message again, as a new run of the same thread."""
    last = [m for m in store.messages(thread_id) if m["role"] == "user"]
    if not last:
        raise LookupError(f"thread {thread_id} has no user message to replay")
    context = UserExecutionContext.new(user_id, thread_id=thread_id, websocket_client_id="admin-replay")
    engine = ExecutionEngine.create_for_user(context, llm=llm, connections=connections, store=store)
    return await engine.run(last[-1]["content"])
