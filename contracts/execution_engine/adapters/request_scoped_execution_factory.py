from dataclasses import dataclass

from agent_platform.engine.request_scoped import RequestScopedExecutionFactory
from contracts.execution_engine.adapters._base import EngineSession


@dataclass(frozen=True)
class RequestScopedAdapter:
    member: str = "agent_platform.engine.request_scoped:RequestScopedExecutionFactory"
    max_engines_per_user: int | None = 2

    def bind(self, env):
        return RequestScopedExecutionFactory(llm=env.llm, connections=env.connections, store=env.store)

    async def open(self, bound, context):
        scope = bound.scope(context)
        engine = await scope.__aenter__()
        return EngineSession(engine, lambda: scope.__aexit__(None, None, None))

    def active_engines(self, bound, user_id):
        return bound.active_engines(user_id)


ADAPTER = RequestScopedAdapter()
