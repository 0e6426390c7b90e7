"""Agent: one LLM/tool loop that reports its tool use through a notifier."""

from __future__ import annotations

import json
from typing import Any, Protocol

from agent_platform.errors import LLMError
from agent_platform.llm import LLMClient
from agent_platform.tools import ToolDispatcher, ToolError

MAX_TURNS = 4


class Notifier(Protocol):
    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None: ...


class Agent:
    def __init__(self, name: str, instructions: str) -> None:
        self.name = name
        self.instructions = instructions

    async def run(
        self,
        message: str,
        notes: list[str],
        notifier: Notifier,
        llm: LLMClient,
        tools: ToolDispatcher,
    ) -> str:
        """The agent's final content for `message`, after any tool calls the LLM asks for."""
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": f"You are the {self.name} agent. {self.instructions}"},
            {"role": "user", "content": message},
        ]
        if notes:
            messages.append({"role": "assistant", "content": "Notes so far:\n" + "\n".join(notes)})
        for _ in range(MAX_TURNS):
            reply = await llm.complete(messages, tools.schemas())
            content = reply.content or ""
            if not reply.tool_calls:
                if not content.strip():
                    raise LLMError(f"the LLM gave the {self.name} agent an empty answer")
                return content
            messages.append(
                {
                    "role": "assistant",
                    "content": reply.content,
                    "tool_calls": [
                        {
                            "id": c.id,
                            "type": "function",
                            "function": {"name": c.name, "arguments": json.dumps(c.arguments, sort_keys=True)},
                        }
                        for c in reply.tool_calls
                    ],
                }
            )
            for call in reply.tool_calls:
                await notifier.notify(
                    "tool_executing",
                    self.name,
                    {"tool_call_id": call.id, "tool": call.name, "arguments": call.arguments},
                )
                try:
                    outcome: dict[str, Any] = {"result": await tools.execute(call.name, call.arguments)}
                except ToolError as exc:
                    outcome = {"error": str(exc)}
                await notifier.notify(
                    "tool_completed", self.name, {"tool_call_id": call.id, "tool": call.name, **outcome}
                )
                messages.append(
                    {"role": "tool", "tool_call_id": call.id, "content": json.dumps(outcome, sort_keys=True)}
                )
        raise LLMError(f"the {self.name} agent was still calling tools after {MAX_TURNS} turns, with no answer")


class TriageAgent:
    """Routes a request to the agents that should handle it; deterministic, no LLM."""

    name = "triage"

    def plan(self, message: str) -> list[str]:
        if "optimize" in message.lower():
            return ["data", "optimization", "report"]
        return ["report"]


INSTRUCTIONS = {
    "data": "Gather the usage data the request needs.",
    "optimization": "Find savings in the data gathered.",
    "report": "Answer the user clearly and briefly.",
}
