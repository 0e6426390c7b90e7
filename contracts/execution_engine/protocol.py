"""The one protocol every execution-engine member is mapped onto by its adapter."""

from __future__ import annotations

from typing import Any, Protocol

from contracts.execution_engine.harness_env import Env


class Session(Protocol):
    """One engine obtained through the member, for one context."""

    async def run(self, message: str) -> Any: ...  # agent_platform RunResult

    async def close(self) -> None: ...


class EngineAdapter(Protocol):
    member: str  # "module:qualname", as the static audit names it
    max_engines_per_user: int | None  # None: the member has no per-user limit

    def bind(self, env: Env) -> Any:
        """Whatever the member needs once per environment (a factory instance, nothing...)."""

    async def open(self, bound: Any, context: Any) -> Session:
        """An engine for `context`; raises what the member raises for a bad context or the limit."""

    def active_engines(self, bound: Any, user_id: str) -> int:
        """Engines the member still holds for the user (not yet released)."""
