"""Users with open tabs: a real ConnectionManager whose connections are in-memory sinks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from agent_platform.connections import ConnectionManager
from agent_platform.context import UserExecutionContext


@dataclass
class Tabs:
    connections: ConnectionManager = field(default_factory=ConnectionManager)
    received: dict[str, list[dict[str, Any]]] = field(
        default_factory=dict
    )  # tab -> events, as JSON round-trips them

    def open(self, user: str, tab: str) -> None:
        inbox = self.received.setdefault(tab, [])

        async def send(event: dict[str, Any]) -> None:
            inbox.append(json.loads(json.dumps(event)))

        self.connections.register(f"user-{user}", tab, send)


def tabs(**open_tabs: int) -> Tabs:
    """`tabs(alice=2, bob=1)`: alice's tabs are alice-1 and alice-2, bob's bob-1."""
    made = Tabs()
    for user, count in open_tabs.items():
        for i in range(1, count + 1):
            made.open(user, f"{user}-{i}")
    return made


def context_of(user: str, run: int = 1) -> UserExecutionContext:
    """A fixed context per user and run: the same ids for every member, no volatile values to scrub."""
    return UserExecutionContext(
        f"user-{user}", f"thread-{user}", f"run-{user}-{run}", f"request-{user}-{run}", f"{user}-1"
    )
