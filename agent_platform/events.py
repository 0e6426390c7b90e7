"""The WebSocket event vocabulary and its one constructor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from agent_platform.context import UserExecutionContext

EVENT_TYPES = (
    "agent_started",
    "agent_thinking",
    "tool_executing",
    "tool_completed",
    "agent_completed",
    "agent_error",
)
TERMINAL_EVENTS = frozenset({"agent_completed", "agent_error"})


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def make_event(
    type: str,
    context: UserExecutionContext,
    agent: str,
    payload: dict[str, Any],
    clock: Callable[[], str] = utc_now,
) -> dict[str, Any]:
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}")
    return {
        "type": type,
        "run_id": context.run_id,
        "thread_id": context.thread_id,
        "agent": agent,
        "timestamp": clock(),
        "payload": payload,
    }


def protocol_error(detail: str) -> dict[str, Any]:
    """What a client gets for a message the server cannot read; not tied to any run."""
    return {"type": "error", "payload": {"code": "invalid_message", "detail": detail}}
