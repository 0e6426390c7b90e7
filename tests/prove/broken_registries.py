"""Deliberately broken agent registries: the production AgentRegistry with one behaviour changed each."""

from __future__ import annotations

from typing import Any, ClassVar

from agent_platform.agents.registry import AgentRegistry, default_agent_registry
from contracts.agent_registry.adapters._base import MappedRegistry


class WrongAgent(AgentRegistry):
    def create(self, name: str) -> Any:
        super().create(name)
        return self._factories["report"]()


class CachesAgents(AgentRegistry):
    def create(self, name: str) -> Any:
        cache = self.__dict__.setdefault("_cache", {})
        if name not in cache:
            cache[name] = super().create(name)
        return cache[name]


class UnknownIsNone(AgentRegistry):
    def create(self, name: str) -> Any:
        return self._factories[name]() if name in self._factories else None


class InsertionOrder(AgentRegistry):
    def names(self) -> list[str]:
        return list(self._factories)


class Overwrites(AgentRegistry):
    def register(self, name: str, factory: Any) -> None:
        self._factories[name] = factory


class SharedAcrossInstances(AgentRegistry):
    _shared: ClassVar[dict[str, Any]] = {}

    def __init__(self) -> None:
        self._factories = self._shared


def broken(cls: type[AgentRegistry]) -> MappedRegistry:
    """An adapter like production's, its registries of class `cls` with the default agents."""

    def new() -> AgentRegistry:
        registry = cls()
        for name, factory in default_agent_registry()._factories.items():
            registry._factories.setdefault(name, factory)
        return registry

    def save():
        saved = dict(SharedAcrossInstances._shared)
        return lambda: (
            SharedAcrossInstances._shared.clear(),
            SharedAcrossInstances._shared.update(saved),
        )

    return MappedRegistry(
        f"{__name__}:{cls.__name__}", new, "register", "create", "names", save=save
    )
