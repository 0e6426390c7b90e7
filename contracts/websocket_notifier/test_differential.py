"""Differential: every member sends the same generated notifications (two users' runs interleaved,
known and unknown event types) and the users' tabs receive the same events as the canonical's."""

from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_platform.events import EVENT_TYPES
from contracts.common import assert_same_as_canonical
from contracts.websocket_notifier.sinks import context_of, tabs
from harness.prove.differential import equivalence_settings
from harness.prove.memo import CanonicalMemo

pytestmark = pytest.mark.contract
USERS = ["alice", "bob"]
NOTIFICATIONS = st.tuples(
    st.sampled_from(USERS),
    st.sampled_from(
        [*EVENT_TYPES, "tool_result", "agent_done"]
    ),  # today's types, a v1 name, a made-up one
    st.sampled_from(["supervisor", "data"]),
)


def describe(case) -> str:
    return "\n".join(
        f"  {i + 1}. {user}'s run: notify({type!r}, agent={agent!r})"
        for i, (user, type, agent) in enumerate(case)
    )


def trace(adapter, case) -> str:
    """What each call did, then what every tab received (timestamps checked for form, then elided)."""
    open_tabs = tabs(alice=1, bob=1)
    notifiers = {user: adapter.attach(open_tabs.connections, context_of(user)) for user in USERS}
    lines = []

    async def send_all() -> None:
        for i, (user, type, agent) in enumerate(case):
            try:
                await notifiers[user].notify(type, agent, {"n": i + 1})
                lines.append(f"{i + 1}. ok")
            except ValueError as exc:
                lines.append(f"{i + 1}. raises ValueError: {exc}")

    asyncio.run(send_all())
    for tab, events in sorted(open_tabs.received.items()):
        for event in events:
            event["timestamp"] = (
                "<utc>" if str(event.get("timestamp", "")).endswith("Z") else event.get("timestamp")
            )
            lines.append(f"{tab} <- {json.dumps(event, sort_keys=True)}")
    return "\n".join(lines)


_CANONICAL = CanonicalMemo("websocket-notifier.trace")  # the canonical's trace per case


@equivalence_settings()
@given(case=st.lists(NOTIFICATIONS, min_size=1, max_size=8))
def test_same_deliveries_as_the_canonical(ssot_implementation, ssot_canonical, case) -> None:
    assert_same_as_canonical(
        ssot_implementation, ssot_canonical, case, trace=trace, describe=describe, memo=_CANONICAL
    )
