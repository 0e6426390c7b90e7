"""The one protocol every websocket-notifier member is mapped onto by its adapter."""

from __future__ import annotations

from typing import Any, Protocol


class Notifier(Protocol):
    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None: ...


class NotifierAdapter(Protocol):
    member: str  # "module:qualname", as the static audit names it

    def attach(self, connections: Any, context: Any) -> Notifier:
        """A notifier of the member for `context`'s run, sending through `connections` (a
        ConnectionManager), made ready the way the member's callers make it (bind, set_context...)."""
