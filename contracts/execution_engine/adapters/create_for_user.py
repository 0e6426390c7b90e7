from dataclasses import dataclass

from agent_platform.engine.engine import ExecutionEngine
from contracts.execution_engine.adapters._base import EngineSession


@dataclass(frozen=True)
class CreateForUserAdapter:
    member: str = "agent_platform.engine.engine:ExecutionEngine.create_for_user"
    max_engines_per_user: int | None = 2  # what production promises; this member does not keep it

    def bind(self, env):
        return env

    async def open(self, env, context):
        engine = ExecutionEngine.create_for_user(context, llm=env.llm, connections=env.connections, store=env.store)
        return EngineSession(engine)

    def active_engines(self, env, user_id):
        return sum(1 for e in ExecutionEngine.unmanaged if e.context.user_id == user_id)


ADAPTER = CreateForUserAdapter()
