from agent_platform.agents.registry import default_agent_registry
from contracts.agent_registry.adapters._base import MappedRegistry

ADAPTER = MappedRegistry(
    member="agent_platform.agents.registry:AgentRegistry",
    new=default_agent_registry,  # what ExecutionEngineFactory builds when given no registry
    register_with="register",
    create_with="create",
    names_with="names",
)
