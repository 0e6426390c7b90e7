"""AgentRegistry: the production map from agent names to agents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent_platform.agents.base import INSTRUCTIONS, Agent, TriageAgent


class AgentRegistry:
    def __init__(self) -> None:
        self._factories: dict[str, Callable[[], Any]] = {}

    def register(self, name: str, factory: Callable[[], Any]) -> None:
        if name in self._factories:
            raise ValueError(f"agent {name!r} is already registered")
        self._factories[name] = factory

    def create(self, name: str) -> Any:
        try:
            return self._factories[name]()
        except KeyError:
            raise KeyError(f"no agent named {name!r} (known: {', '.join(self.names())})") from None

    def names(self) -> list[str]:
        return sorted(self._factories)


def default_agent_registry() -> AgentRegistry:
    registry = AgentRegistry()
    registry.register("triage", TriageAgent)
    for name, instructions in INSTRUCTIONS.items():
        registry.register(name, lambda name=name, instructions=instructions: Agent(name, instructions))
    return registry
