"""The websocket-notifier contracts: every member of the family must keep each of them.

Each contract takes `ssot_implementation` (one member's adapter, see protocol.py) and states one
behaviour. Accepted divergences are declared in divergences.toml."""

from __future__ import annotations

import re

import pytest

from agent_platform.events import EVENT_TYPES, TERMINAL_EVENTS
from contracts.websocket_notifier.sinks import context_of, tabs

pytestmark = [pytest.mark.contract, pytest.mark.asyncio]
UTC_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.mark.parametrize("type", EVENT_TYPES)
async def test_each_event_type_is_delivered_with_its_envelope(
    ssot_implementation, type: str
) -> None:
    open_tabs = tabs(alice=1)
    context = context_of("alice")
    payload = {"tool_call_id": "call_1", "nested": {"values": [1, 2.5, None, "x"]}}
    await ssot_implementation.attach(open_tabs.connections, context).notify(type, "data", payload)
    (event,) = open_tabs.received["alice-1"]
    timestamp = event.pop("timestamp")
    assert event == {
        "type": type,
        "run_id": "run-alice-1",
        "thread_id": "thread-alice",
        "agent": "data",
        "payload": payload,
    }
    assert UTC_TIMESTAMP.match(timestamp), timestamp


async def test_tool_completed_is_delivered_under_its_current_name(ssot_implementation) -> None:
    open_tabs = tabs(alice=1)
    notifier = ssot_implementation.attach(open_tabs.connections, context_of("alice"))
    await notifier.notify("tool_executing", "data", {"tool_call_id": "call_1", "tool": "get_usage"})
    await notifier.notify(
        "tool_completed", "data", {"tool_call_id": "call_1", "tool": "get_usage", "result": {}}
    )
    assert [e["type"] for e in open_tabs.received["alice-1"]] == [
        "tool_executing",
        "tool_completed",
    ]


async def test_events_reach_only_the_contexts_user_on_every_tab(ssot_implementation) -> None:
    open_tabs = tabs(alice=2, bob=1)
    alices = ssot_implementation.attach(open_tabs.connections, context_of("alice"))
    bobs = ssot_implementation.attach(open_tabs.connections, context_of("bob"))
    await alices.notify("agent_started", "supervisor", {"message": "for alice"})
    await bobs.notify("agent_started", "supervisor", {"message": "for bob"})
    await alices.notify("agent_thinking", "triage", {"thought": "alice's plan"})
    received = {
        tab: [(e["run_id"], e["type"]) for e in events]
        for tab, events in open_tabs.received.items()
    }
    alice = [("run-alice-1", "agent_started"), ("run-alice-1", "agent_thinking")]
    assert received == {
        "alice-1": alice,
        "alice-2": alice,
        "bob-1": [("run-bob-1", "agent_started")],
    }


@pytest.mark.parametrize("terminal", sorted(TERMINAL_EVENTS))
async def test_nothing_is_delivered_after_the_terminal_event(
    ssot_implementation, terminal: str
) -> None:
    open_tabs = tabs(alice=1)
    notifier = ssot_implementation.attach(open_tabs.connections, context_of("alice"))
    await notifier.notify("agent_started", "supervisor", {"message": "hello"})
    await notifier.notify(terminal, "supervisor", {})
    for late in ("agent_thinking", "tool_completed", "agent_completed", "agent_error"):
        await notifier.notify(late, "data", {"late": True})
    assert [e["type"] for e in open_tabs.received["alice-1"]] == ["agent_started", terminal]


@pytest.mark.parametrize("unknown", ["tool_result", "agent_done", ""])
async def test_an_unknown_event_type_is_refused_by_name(ssot_implementation, unknown: str) -> None:
    open_tabs = tabs(alice=1)
    notifier = ssot_implementation.attach(open_tabs.connections, context_of("alice"))
    with pytest.raises(ValueError, match=f"unknown event type '{unknown}'"):
        await notifier.notify(unknown, "data", {})
    assert open_tabs.received["alice-1"] == []
    await notifier.notify("agent_completed", "supervisor", {})
    with pytest.raises(
        ValueError, match=f"unknown event type '{unknown}'"
    ):  # a caller's mistake, even after the end
        await notifier.notify(unknown, "data", {})
