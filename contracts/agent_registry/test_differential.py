"""Differential: every member runs the same generated sequences of registry operations, over two
requests' registries, with the same outcomes as the canonical."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.common import Unsupported, assert_same_as_canonical
from harness.prove.differential import equivalence_settings
from harness.prove.memo import CanonicalMemo

pytestmark = pytest.mark.contract
NAMES = ["alpha", "data", "report", "triage", "zeta"]  # defaults and new names
OPERATIONS = st.one_of(
    st.tuples(st.just("register"), st.integers(0, 1), st.sampled_from(NAMES)),
    st.tuples(st.just("create"), st.integers(0, 1), st.sampled_from(NAMES)),
    st.tuples(st.just("names"), st.integers(0, 1), st.just("")),
)


@dataclass
class Registered:
    name: str
    registration: int  # which register operation of the case made it


def describe(case: list[tuple[str, int, str]]) -> str:
    return "\n".join(
        f"  {i + 1}. request {r}: {op}({name!r})" if name else f"  {i + 1}. request {r}: {op}()"
        for i, (op, r, name) in enumerate(case)
    )


def trace(adapter, case: list[tuple[str, int, str]]) -> str:
    """One line per operation: what it returned, or the kind of error it raised."""
    lines = []
    with adapter.requests() as new:
        registries = [new(), new()]
        for i, (op, request, name) in enumerate(case):
            registry = registries[request]
            try:
                if op == "register":
                    adapter.register(registry, name, lambda name=name, i=i: Registered(name, i + 1))
                    outcome = "ok"
                elif op == "create":
                    agent = adapter.create(registry, name)
                    outcome = f"{type(agent).__name__} {agent.name}" + (
                        f" of operation {agent.registration}"
                        if isinstance(agent, Registered)
                        else ""
                    )
                else:
                    outcome = ", ".join(adapter.names(registry))
            except Unsupported:
                outcome = "unsupported"
            except (KeyError, ValueError) as exc:
                outcome = f"raises {type(exc).__name__}"
            lines.append(f"{i + 1}. request {request}: {op}({name}) -> {outcome}")
    return "\n".join(lines)


_CANONICAL = CanonicalMemo("agent-registry.trace")  # the canonical's trace per case


@equivalence_settings()
@given(case=st.lists(OPERATIONS, min_size=1, max_size=6))
def test_same_outcomes_as_the_canonical(ssot_implementation, ssot_canonical, case) -> None:
    assert_same_as_canonical(
        ssot_implementation, ssot_canonical, case, trace=trace, describe=describe, memo=_CANONICAL
    )
