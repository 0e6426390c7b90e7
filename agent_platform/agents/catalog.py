"""GlobalAgentRegistry: a process-wide catalogue of agents, kept for the `list-agents` command."""

from __future__ import annotations

from agent_platform.agents.base import INSTRUCTIONS


class GlobalAgentRegistry:
    _instance: GlobalAgentRegistry | None = None

    def __init__(self) -> None:
        self.descriptions: dict[str, str] = {"triage": "Routes a request to the agents that handle it."}
        self.descriptions.update(INSTRUCTIONS)

    @classmethod
    def instance(cls) -> GlobalAgentRegistry:
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def describe(self) -> list[tuple[str, str]]:
        return sorted(self.descriptions.items())
