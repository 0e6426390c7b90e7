from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from agent_platform.agents.registry import AgentRegistry, default_agent_registry
from agent_platform.supervisor import SupervisorAgent
from contracts.supervisor.adapters._base import triage_for


def registry_planning(plan) -> AgentRegistry:
    """The default agents, with a triage that plans `plan` (None: the real triage)."""
    default = default_agent_registry()
    if plan is None:
        return default
    registry = AgentRegistry()
    registry.register("triage", triage_for(plan))
    for name in default.names():
        if name != "triage":
            registry.register(name, lambda name=name: default.create(name))
    return registry


@dataclass(frozen=True)
class SupervisorAgentAdapter:
    member: str = "agent_platform.supervisor:SupervisorAgent"

    @contextmanager
    def supervisors(self, plan=None) -> Iterator:
        yield lambda: SupervisorAgent(
            registry_planning(plan)
        )  # as ExecutionEngineFactory builds it


ADAPTER = SupervisorAgentAdapter()
