"""A notifier adapter as the member's own way to make a notifier for a context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AttachingNotifier:
    member: str
    make: Callable[[Any, Any], Any]  # (connections, context) -> notifier

    def attach(self, connections: Any, context: Any) -> Any:
        return self.make(connections, context)
