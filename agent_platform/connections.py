"""ConnectionManager: which live connections belong to which user."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Send = Callable[[dict[str, Any]], Awaitable[None]]


class ConnectionManager:
    def __init__(self) -> None:
        self._by_client: dict[str, tuple[str, Send]] = {}

    def register(self, user_id: str, client_id: str, send: Send) -> None:
        self._by_client[client_id] = (user_id, send)

    def unregister(self, client_id: str) -> None:
        self._by_client.pop(client_id, None)

    def connected_users(self) -> set[str]:
        return {user for user, _ in self._by_client.values()}

    async def send_to_user(self, user_id: str, event: dict[str, Any]) -> None:
        for owner, send in list(self._by_client.values()):
            if owner == user_id:
                try:
                    await send(event)
                except Exception:  # a closed socket must not break the run of the user's other tabs
                    continue
