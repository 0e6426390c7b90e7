from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from agent_platform.legacy.agent_registry import AgentClassRegistry
from agent_platform.legacy.supervisor import LegacySupervisor
from contracts.supervisor.adapters._base import triage_for


@dataclass(frozen=True)
class LegacySupervisorAdapter:
    member: str = "agent_platform.legacy.supervisor:LegacySupervisor"

    @contextmanager
    def supervisors(self, plan=None) -> Iterator:
        saved = dict(
            AgentClassRegistry._agents
        )  # its agents live in the class: a plan is set there
        if plan is not None:
            AgentClassRegistry._agents["triage"] = triage_for(plan)
        try:
            yield LegacySupervisor  # as LegacyExecutionEngineFactory builds it
        finally:
            AgentClassRegistry._agents.clear()
            AgentClassRegistry._agents.update(saved)


ADAPTER = LegacySupervisorAdapter()
