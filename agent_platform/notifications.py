"""WebSocketNotifier: turns agent progress into events for the context's own user (production)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent_platform.connections import ConnectionManager
from agent_platform.context import UserExecutionContext
from agent_platform.events import make_event, utc_now


class WebSocketNotifier:
    def __init__(
        self,
        connections: ConnectionManager,
        context: UserExecutionContext,
        clock: Callable[[], str] = utc_now,
    ) -> None:
        self.connections = connections
        self.context = context
        self.clock = clock

    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None:
        event = make_event(type, self.context, agent, payload, self.clock)
        await self.connections.send_to_user(self.context.user_id, event)
