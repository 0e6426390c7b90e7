"""The one protocol every supervisor member is mapped onto by its adapter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol


class SupervisorAdapter(Protocol):
    member: str  # "module:qualname", as the static audit names it

    def supervisors(
        self, plan: Sequence[str] | None = None
    ) -> AbstractContextManager[Callable[[], Any]]:
        """Within it, each call gives a supervisor as its engine factory builds one, with the default
        agents; with `plan`, its triage plans exactly `plan` for every message. Every supervisor has
        `run(context, message, notifier, llm, tools) -> str` and `last_plan`; on exit the member's
        process-wide state is as it was before."""
