from agent_platform.agents.catalog import GlobalAgentRegistry
from contracts.agent_registry.adapters._base import MappedRegistry


class _Names:
    """GlobalAgentRegistry lists (name, description) pairs; its names are the first of each."""

    def __init__(self, catalog: GlobalAgentRegistry) -> None:
        self.catalog = catalog

    def names(self) -> list[str]:
        return [name for name, _ in self.catalog.describe()]


def _save():
    saved = GlobalAgentRegistry._instance

    def restore() -> None:
        GlobalAgentRegistry._instance = saved

    return restore


ADAPTER = MappedRegistry(
    member="agent_platform.agents.catalog:GlobalAgentRegistry",
    new=lambda: _Names(GlobalAgentRegistry.instance()),  # `list-agents` asks for the singleton
    register_with=None,  # a catalogue of descriptions: no registration, no agents to look up
    create_with=None,
    names_with="names",
    save=_save,
)
