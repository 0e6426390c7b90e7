"""Shared shapes for the adapters: a session over an engine, and the factory-style adapter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any


class EngineSession:
    def __init__(self, engine: Any, closer: Callable[[], Awaitable[None]] | None = None) -> None:
        self.engine = engine
        self._closer = closer or engine.close

    async def run(self, message: str) -> Any:
        return await self.engine.run(message)

    async def close(self) -> None:
        await self._closer()


@dataclass(frozen=True)
class FactoryAdapter:
    """A member that is (or returns) a factory with `create(context)` and `active_engines(user_id)`."""

    member: str
    build: Callable[[Any], Any]  # env -> factory
    create: str = "create_for_context"
    max_engines_per_user: int | None = 2

    def bind(self, env: Any) -> Any:
        return self.build(env)

    async def open(self, bound: Any, context: Any) -> EngineSession:
        return EngineSession(getattr(bound, self.create)(context))

    def active_engines(self, bound: Any, user_id: str) -> int:
        return bound.active_engines(user_id)
