from agent_platform.engine import EngineFactory
from contracts.execution_engine.adapters._base import FactoryAdapter

ADAPTER = FactoryAdapter(
    member="agent_platform.engine:EngineFactory",
    build=lambda env: EngineFactory(llm=env.llm, connections=env.connections, store=env.store),
)
