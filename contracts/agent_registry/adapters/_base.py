"""A registry adapter as a mapping of the protocol's parts onto a member's own method names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from contracts.common import Unsupported


@dataclass(frozen=True)
class MappedRegistry:
    member: str
    new: Callable[[], Any]  # the registry one request gets
    register_with: str | None
    create_with: str | None
    names_with: str
    save: Callable[[], Callable[[], None]] = lambda: (
        lambda: None
    )  # snapshots process-wide state, returns its restorer

    @contextmanager
    def requests(self) -> Iterator[Callable[[], Any]]:
        restore = self.save()
        try:
            yield self.new
        finally:
            restore()

    def register(self, registry: Any, name: str, factory: Callable[[], Any]) -> None:
        if self.register_with is None:
            raise Unsupported(self.member, "register an agent")
        getattr(registry, self.register_with)(name, factory)

    def create(self, registry: Any, name: str) -> Any:
        if self.create_with is None:
            raise Unsupported(self.member, "look up an agent by name")
        return getattr(registry, self.create_with)(name)

    def names(self, registry: Any) -> list[str]:
        return list(getattr(registry, self.names_with)())
