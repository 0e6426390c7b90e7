"""Deliberately broken supervisors: the production SupervisorAgent with one behaviour changed each."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from agent_platform.errors import LLMError
from agent_platform.supervisor import SupervisorAgent
from contracts.supervisor.adapters._base import FixedPlan
from contracts.supervisor.adapters.supervisor_agent import registry_planning
from tests.prove.broken import RewritingNotifier


class _Replanned:
    """A registry whose triage's plan goes through `replan`."""

    def __init__(self, registry: Any, replan: Callable[[list[str]], list[str]]) -> None:
        self.registry, self.replan = registry, replan

    def create(self, name: str) -> Any:
        agent = self.registry.create(name)
        return FixedPlan(tuple(self.replan(agent.plan("")))) if name == "triage" else agent


class BrokenSupervisor(SupervisorAgent):
    def __init__(
        self, registry: Any, *, replan=None, rewrite=None, on_error=None, on_cancel=None, after=None
    ) -> None:
        super().__init__(_Replanned(registry, replan) if replan else registry)
        self.rewrite, self.on_error, self.on_cancel, self.after = (
            rewrite,
            on_error,
            on_cancel,
            after,
        )

    async def run(self, context, message, notifier, llm, tools) -> str:
        if self.rewrite is not None:
            notifier = RewritingNotifier(notifier, self.rewrite)
        try:
            response = await super().run(context, message, notifier, llm, tools)
        except LLMError:
            if self.on_error is None:
                raise
            return self.on_error
        except asyncio.CancelledError:
            if self.on_cancel is not None:
                await notifier.notify(*self.on_cancel)
            raise
        if self.after is not None:
            await notifier.notify(*self.after)
        return response


@dataclass(frozen=True)
class BrokenSupervisorAdapter:
    name: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def member(self) -> str:
        return f"{__name__}:{self.name}"

    @contextmanager
    def supervisors(self, plan=None) -> Iterator:
        yield lambda: BrokenSupervisor(registry_planning(plan), **self.options)


def reversed_plan(plan: list[str]) -> list[str]:
    return plan[::-1]


def each_once(plan: list[str]) -> list[str]:
    return list(dict.fromkeys(plan))


def no_agent_thoughts(t, a, p):
    return [] if t == "agent_thinking" and a != "triage" else [(t, a, p)]
