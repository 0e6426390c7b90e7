from agent_platform.engine.factory import ExecutionEngineFactory
from contracts.execution_engine.adapters._base import FactoryAdapter

ADAPTER = FactoryAdapter(
    member="agent_platform.engine.factory:ExecutionEngineFactory",
    build=lambda env: ExecutionEngineFactory(llm=env.llm, connections=env.connections, store=env.store),
)
