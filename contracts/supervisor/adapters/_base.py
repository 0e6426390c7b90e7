"""A triage that plans what it is told, for adapters that run a given plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FixedPlan:
    planned: tuple[str, ...]
    name: str = "triage"

    def plan(self, message: str) -> list[str]:
        return list(self.planned)


def triage_for(plan: Sequence[str]):
    """A triage factory planning `plan` for every message."""
    return lambda: FixedPlan(tuple(plan))
