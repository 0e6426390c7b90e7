"""AgentWebSocketBridge: the v1 bridge from agent progress to WebSocket events."""

from __future__ import annotations

from typing import Any

from agent_platform.connections import ConnectionManager
from agent_platform.context import UserExecutionContext
from agent_platform.events import make_event

# v1 event names -> current names. `tool_result` was renamed `tool_completed`, but this map was
# never updated, so a `tool_completed` notification finds no entry and is silently dropped.
V1_EVENT_NAMES = {
    "agent_started": "agent_started",
    "agent_thinking": "agent_thinking",
    "tool_executing": "tool_executing",
    "tool_result": "tool_completed",
    "agent_completed": "agent_completed",
    "agent_error": "agent_error",
}


class AgentWebSocketBridge:
    def __init__(self, connections: ConnectionManager) -> None:
        self.connections = connections
        self.context: UserExecutionContext | None = None

    def bind(self, context: UserExecutionContext) -> None:
        self.context = context

    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None:
        if self.context is None:
            raise RuntimeError("AgentWebSocketBridge.bind(context) must be called first")
        if type not in V1_EVENT_NAMES:
            return
        event = make_event(V1_EVENT_NAMES[type], self.context, agent, payload)
        await self.connections.send_to_user(self.context.user_id, event)
