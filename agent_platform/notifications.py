"""WebSocketNotifier: turns agent progress into events for the context's own user (production)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent_platform.connections import ConnectionManager
from agent_platform.context import UserExecutionContext
from agent_platform.events import TERMINAL_EVENTS, make_event, utc_now


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
        self.finished = False  # a terminal event was sent: the run's stream is closed

    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None:
        event = make_event(type, self.context, agent, payload, self.clock)
        if self.finished:
            return  # one terminal event, last: nothing a late task says after it reaches the user
        self.finished = type in TERMINAL_EVENTS
        await self.connections.send_to_user(self.context.user_id, event)
