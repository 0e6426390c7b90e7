from agent_platform.compat import UnifiedExecutionEngineFactory
from contracts.execution_engine.adapters._base import FactoryAdapter

ADAPTER = FactoryAdapter(
    member="agent_platform.compat:UnifiedExecutionEngineFactory",
    build=lambda env: UnifiedExecutionEngineFactory(llm=env.llm, connections=env.connections, store=env.store),
)
