from agent_platform.legacy.engine_factory import (
    configure_legacy_engine_factory,
    get_legacy_engine_factory,
)
from contracts.execution_engine.adapters._base import FactoryAdapter


def _build(env):
    configure_legacy_engine_factory(llm=env.llm, connections=env.connections, store=env.store)
    return get_legacy_engine_factory()


ADAPTER = FactoryAdapter(
    member="agent_platform.legacy.engine_factory:get_legacy_engine_factory", build=_build, create="create_engine"
)
