"""LegacySupervisor: the supervisor of the legacy engine factory."""

from __future__ import annotations

from typing import Any

from agent_platform.legacy.agent_registry import AgentClassRegistry


class LegacySupervisor:
    name = "supervisor"

    def __init__(self) -> None:
        self.last_plan: list[str] = []

    async def run(self, context: Any, message: str, notifier: Any, llm: Any, tools: Any) -> str:
        await notifier.notify("agent_started", "supervisor", {"message": message})
        route = AgentClassRegistry.get("triage").plan(message)
        self.last_plan = ["triage"] + route
        await notifier.notify("agent_thinking", "triage", {"thought": "plan: " + " -> ".join(route)})
        findings: list[str] = []
        answer = ""
        for name in route:
            answer = await AgentClassRegistry.get(name).run(message, findings, notifier, llm, tools)
            if name != route[-1]:
                await notifier.notify("agent_thinking", name, {"thought": answer})
                findings.append(f"{name}: {answer}")
        return answer
