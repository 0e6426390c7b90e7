"""Runs one supervisor of a member on one message, recording the events it causes and its outcome
(the LLM mocked at the httpx transport with the service's scripted LLM; no database, no sockets)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from agent_platform.context import UserExecutionContext
from agent_platform.llm import LLMClient
from agent_platform.tools import ToolDispatcher
from contracts.common import TLS
from contracts.execution_engine.harness_env import LLM_URL, mocked_llm


@dataclass
class RecordingNotifier:
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    async def notify(self, type: str, agent: str, payload: dict[str, Any]) -> None:
        self.events.append((type, agent, payload))


@dataclass
class LLMEnv:
    llm_bodies: list[dict[str, Any]] = field(
        default_factory=list
    )  # what the agents asked, in order


@contextmanager
def llm_env(script: Sequence[dict] = ()) -> Iterator[LLMEnv]:
    env = LLMEnv()
    with mocked_llm(script, env.llm_bodies):
        yield env


@dataclass
class Run:
    events: list[tuple[str, str, dict[str, Any]]]
    response: str | None
    error: BaseException | None
    plan: list[str]

    def types(self) -> list[tuple[str, str]]:
        return [(type, agent) for type, agent, _ in self.events]


async def supervise(
    adapter: Any, env: LLMEnv, message: str, plan: Sequence[str] | None = None, notifier=None
) -> Run:
    """`message` through a new supervisor of the member, for user alice; errors are recorded, not raised
    (except cancellation)."""
    notifier = notifier if notifier is not None else RecordingNotifier()
    context = UserExecutionContext.new("user-alice")
    async with httpx.AsyncClient(
        verify=TLS
    ) as http:  # the LLM stays mocked at its transport (respx)
        llm = LLMClient(LLM_URL, client=http)
        with adapter.supervisors(plan) as new:
            supervisor = new()
            response, error = None, None
            try:
                response = await supervisor.run(context, message, notifier, llm, ToolDispatcher())
            except Exception as exc:
                error = exc
            return Run(notifier.events, response, error, list(supervisor.last_plan))
