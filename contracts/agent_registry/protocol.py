"""The one protocol every agent-registry member is mapped onto by its adapter (the members share no
method names: the adapter says which of a member's methods plays each part)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol


class RegistryAdapter(Protocol):
    member: str  # "module:qualname", as the static audit names it

    def requests(self) -> AbstractContextManager[Callable[[], Any]]:
        """Within it, each call gives the registry a new request gets, the way the member's callers
        get it (a new instance, the class itself, the process-wide singleton...); on exit the
        member's process-wide state is as it was before."""

    def register(self, registry: Any, name: str, factory: Callable[[], Any]) -> None:
        """Registers `factory` under `name`; raises what the member raises for a taken name."""

    def create(self, registry: Any, name: str) -> Any:
        """An agent for `name`; raises KeyError (or what the member raises) for an unknown name."""

    def names(self, registry: Any) -> list[str]:
        """The names the registry lists, in the member's order."""


# An operation the member has no way to do raises contracts.common.Unsupported.
