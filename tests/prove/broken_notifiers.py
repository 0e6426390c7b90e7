"""Deliberately broken notifiers: the production WebSocketNotifier with one behaviour changed each."""

from __future__ import annotations

from typing import Any

from agent_platform.events import make_event
from agent_platform.notifications import WebSocketNotifier
from contracts.websocket_notifier.adapters._base import AttachingNotifier


class NoThreadId(WebSocketNotifier):
    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None:
        event = make_event(type, self.context, agent, payload, self.clock)
        del event["thread_id"]
        await self.connections.send_to_user(self.context.user_id, event)


class DropsToolCompleted(WebSocketNotifier):
    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None:
        if type != "tool_completed":
            await super().notify(type, agent, payload)


class Broadcasts(WebSocketNotifier):
    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None:
        event = make_event(type, self.context, agent, payload, self.clock)
        for user in sorted(self.connections.connected_users()):
            await self.connections.send_to_user(user, event)


class KeepsTalking(WebSocketNotifier):
    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None:
        await self.connections.send_to_user(
            self.context.user_id, make_event(type, self.context, agent, payload, self.clock)
        )


class DropsUnknownTypes(WebSocketNotifier):
    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None:
        try:
            await super().notify(type, agent, payload)
        except ValueError:
            return


def broken(cls: type[WebSocketNotifier]) -> AttachingNotifier:
    return AttachingNotifier(member=f"{__name__}:{cls.__name__}", make=cls)
