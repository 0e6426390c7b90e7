from agent_platform.legacy.agent_registry import AgentClassRegistry
from contracts.agent_registry.adapters._base import MappedRegistry


def _save():
    saved = dict(AgentClassRegistry._agents)

    def restore() -> None:
        AgentClassRegistry._agents.clear()
        AgentClassRegistry._agents.update(saved)

    return restore


ADAPTER = MappedRegistry(
    member="agent_platform.legacy.agent_registry:AgentClassRegistry",
    new=lambda: (
        AgentClassRegistry
    ),  # LegacySupervisor calls its classmethods: every request gets the class
    register_with="register_class",
    create_with="get",
    names_with="all_names",
    save=_save,
)
