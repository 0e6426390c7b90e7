"""The agent-registry contracts: every member of the family must keep each of them.

Each contract takes `ssot_implementation` (one member's adapter, see protocol.py) and states one
behaviour. Accepted divergences are declared in divergences.toml."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

pytestmark = pytest.mark.contract
DEFAULT_AGENTS = ["data", "optimization", "report", "triage"]


@dataclass
class Custom:
    name: str


def test_lookup_by_name_gives_that_agent(ssot_implementation) -> None:
    with ssot_implementation.requests() as new:
        registry = new()
        assert [
            ssot_implementation.create(registry, name).name for name in DEFAULT_AGENTS
        ] == DEFAULT_AGENTS
        ssot_implementation.register(registry, "custom", lambda: Custom("custom"))
        assert ssot_implementation.create(registry, "custom") == Custom("custom")


def test_each_lookup_gives_a_new_agent(ssot_implementation) -> None:
    with ssot_implementation.requests() as new:
        registry = new()
        for name in DEFAULT_AGENTS:
            assert ssot_implementation.create(registry, name) is not ssot_implementation.create(
                registry, name
            ), name


def test_an_unknown_name_raises_key_error_naming_it(ssot_implementation) -> None:
    with ssot_implementation.requests() as new:
        registry = new()
        with pytest.raises(KeyError, match="no-such-agent"):
            ssot_implementation.create(registry, "no-such-agent")


def test_the_default_agents_are_listed_in_sorted_order(ssot_implementation) -> None:
    with ssot_implementation.requests() as new:
        assert ssot_implementation.names(new()) == DEFAULT_AGENTS


def test_a_registered_name_is_listed_in_its_sorted_place(ssot_implementation) -> None:
    with ssot_implementation.requests() as new:
        registry = new()
        ssot_implementation.register(registry, "zeta", lambda: Custom("zeta"))
        ssot_implementation.register(registry, "alpha", lambda: Custom("alpha"))
        assert ssot_implementation.names(registry) == ["alpha", *DEFAULT_AGENTS, "zeta"]


def test_registering_a_taken_name_is_refused_and_the_first_stays(ssot_implementation) -> None:
    with ssot_implementation.requests() as new:
        registry = new()
        ssot_implementation.register(registry, "custom", lambda: Custom("first"))
        with pytest.raises(ValueError, match="custom"):
            ssot_implementation.register(registry, "custom", lambda: Custom("second"))
        with pytest.raises(ValueError, match="report"):
            ssot_implementation.register(registry, "report", lambda: Custom("impostor"))
        assert ssot_implementation.create(registry, "custom") == Custom("first")
        assert ssot_implementation.create(registry, "report").name == "report"


def test_a_registration_in_one_request_is_invisible_to_another(ssot_implementation) -> None:
    with ssot_implementation.requests() as new:
        alices, bobs = new(), new()
        ssot_implementation.register(alices, "alices-agent", lambda: Custom("alices-agent"))
        assert "alices-agent" not in ssot_implementation.names(bobs)
        with pytest.raises(KeyError):
            ssot_implementation.create(bobs, "alices-agent")
        assert ssot_implementation.names(new()) == DEFAULT_AGENTS
