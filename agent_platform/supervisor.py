"""SupervisorAgent: runs the multi-agent pipeline of one request (production)."""

from __future__ import annotations

from agent_platform.agents.base import Notifier
from agent_platform.agents.registry import AgentRegistry
from agent_platform.context import UserExecutionContext
from agent_platform.llm import LLMClient
from agent_platform.tools import ToolDispatcher


class SupervisorAgent:
    name = "supervisor"

    def __init__(self, registry: AgentRegistry) -> None:
        self.registry = registry
        self.last_plan: list[str] = []

    async def run(
        self,
        context: UserExecutionContext,
        message: str,
        notifier: Notifier,
        llm: LLMClient,
        tools: ToolDispatcher,
    ) -> str:
        await notifier.notify("agent_started", self.name, {"message": message})
        plan = self.registry.create("triage").plan(message)
        self.last_plan = ["triage", *plan]
        await notifier.notify("agent_thinking", "triage", {"thought": "plan: " + " -> ".join(plan)})
        notes: list[str] = []
        response = ""
        for position, name in enumerate(plan, start=1):
            content = await self.registry.create(name).run(message, notes, notifier, llm, tools)
            if position < len(plan):
                await notifier.notify("agent_thinking", name, {"thought": content})
                notes.append(f"{name}: {content}")
            else:
                response = content
        return response
