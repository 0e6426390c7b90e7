"""LegacyExecutionEngineFactory: the pre-context factory, still behind the /ws/legacy endpoint."""

from __future__ import annotations

from typing import Any

from agent_platform.connections import ConnectionManager
from agent_platform.context import UserExecutionContext
from agent_platform.engine.engine import ExecutionEngine
from agent_platform.errors import ConcurrencyLimitError
from agent_platform.legacy.emitter import UserWebSocketEmitter
from agent_platform.legacy.supervisor import LegacySupervisor
from agent_platform.llm import LLMClient
from agent_platform.store import Store
from agent_platform.tools import ToolDispatcher

# Module-level state shared by every engine this factory makes, whoever the user is.
_SHARED_EMITTER: UserWebSocketEmitter | None = None
_ENGINES_BY_USER: dict[str, list[ExecutionEngine]] = {}


class LegacyExecutionEngineFactory:
    def __init__(
        self,
        *,
        llm: LLMClient,
        connections: ConnectionManager,
        store: Store | None = None,
        max_engines_per_user: int = 2,
    ) -> None:
        self.llm = llm
        self.connections = connections
        self.store = store
        self.max_engines_per_user = max_engines_per_user

    def create_engine(self, context: UserExecutionContext) -> ExecutionEngine:
        global _SHARED_EMITTER
        engines = _ENGINES_BY_USER.setdefault(context.user_id, [])
        if len(engines) >= self.max_engines_per_user:
            raise ConcurrencyLimitError(f"user {context.user_id} is at the limit of {self.max_engines_per_user}")
        if _SHARED_EMITTER is None or _SHARED_EMITTER.connections is not self.connections:
            _SHARED_EMITTER = UserWebSocketEmitter(self.connections)
        _SHARED_EMITTER.set_context(context)  # the latest context wins, for every live engine
        engine = ExecutionEngine(
            context,
            supervisor=LegacySupervisor(),
            notifier=_SHARED_EMITTER,
            llm=self.llm,
            tools=ToolDispatcher(),
            store=self.store,
            on_close=_release,
        )
        engines.append(engine)
        return engine

    @staticmethod
    def active_engines(user_id: str | None = None) -> int:
        if user_id is not None:
            return len(_ENGINES_BY_USER.get(user_id, ()))
        return sum(len(v) for v in _ENGINES_BY_USER.values())


def _release(engine: ExecutionEngine) -> None:
    engines = _ENGINES_BY_USER.get(engine.context.user_id, [])
    if engine in engines:
        engines.remove(engine)
    if not engines:
        _ENGINES_BY_USER.pop(engine.context.user_id, None)


_legacy_factory: LegacyExecutionEngineFactory | None = None


def configure_legacy_engine_factory(**kwargs: Any) -> LegacyExecutionEngineFactory:
    global _legacy_factory
    _legacy_factory = LegacyExecutionEngineFactory(**kwargs)
    return _legacy_factory


def get_legacy_engine_factory() -> LegacyExecutionEngineFactory:
    if _legacy_factory is None:
        raise RuntimeError("call configure_legacy_engine_factory() first (the app does it at start-up)")
    return _legacy_factory
