from agent_platform.engine.factory import (
    configure_execution_engine_factory,
    get_execution_engine_factory,
)
from contracts.execution_engine.adapters._base import FactoryAdapter


def _build(env):
    configure_execution_engine_factory(llm=env.llm, connections=env.connections, store=env.store)
    return get_execution_engine_factory()


ADAPTER = FactoryAdapter(member="agent_platform.engine.factory:get_execution_engine_factory", build=_build)
