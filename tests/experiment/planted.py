"""A planted divergence for the live experiment test: the canonical factory under its compat name,
with a bug a real refactor could bring, its engines drop the data agent's thinking events."""

from __future__ import annotations

from typing import Any

from agent_platform.compat import UnifiedExecutionEngineFactory


class _DropsDataThinking:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None:
        if (type, agent) != ("agent_thinking", "data"):
            await self.inner.notify(type, agent, payload)


class DropsDataThinking(UnifiedExecutionEngineFactory):
    def create_for_context(self, context: Any) -> Any:
        engine = super().create_for_context(context)
        engine.notifier = _DropsDataThinking(engine.notifier)
        return engine
