"""AgentClassRegistry: the class-level agent registry of the legacy pipeline."""

from __future__ import annotations

from typing import Any, ClassVar

from agent_platform.agents.base import INSTRUCTIONS, Agent, TriageAgent


class AgentClassRegistry:
    _agents: ClassVar[dict[str, Any]] = {}

    @classmethod
    def register_class(cls, name: str, factory: Any) -> None:
        cls._agents[name] = factory

    @classmethod
    def get(cls, name: str) -> Any:
        return cls._agents[name]()

    @classmethod
    def all_names(cls) -> list[str]:
        return sorted(cls._agents)


AgentClassRegistry.register_class("triage", TriageAgent)
for _name, _instructions in INSTRUCTIONS.items():
    AgentClassRegistry.register_class(_name, lambda n=_name, i=_instructions: Agent(n, i))
