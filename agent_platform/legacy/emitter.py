"""UserWebSocketEmitter: the emitter of the legacy engine factory."""

from __future__ import annotations

from typing import Any

from agent_platform.connections import ConnectionManager
from agent_platform.context import UserExecutionContext
from agent_platform.events import make_event


class UserWebSocketEmitter:
    def __init__(self, connections: ConnectionManager) -> None:
        self.connections = connections
        self.context: UserExecutionContext | None = None

    def set_context(self, context: UserExecutionContext) -> None:
        self.context = context

    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None:
        context = self.context
        if context is None:
            return
        await self.connections.send_to_user(context.user_id, make_event(type, context, agent, payload))
