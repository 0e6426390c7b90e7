from agent_platform.legacy.engine_factory import LegacyExecutionEngineFactory
from contracts.execution_engine.adapters._base import FactoryAdapter

ADAPTER = FactoryAdapter(
    member="agent_platform.legacy.engine_factory:LegacyExecutionEngineFactory",
    build=lambda env: LegacyExecutionEngineFactory(llm=env.llm, connections=env.connections, store=env.store),
    create="create_engine",
)
