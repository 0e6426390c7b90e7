"""The staging client fails fast on an unreachable URL, and the shape checks catch broken runs."""

from __future__ import annotations

import socket
import time

import pytest

from contracts.target import description
from harness.characterize.staging import StagingClient, shape_problems
from harness.errors import StagingError


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_url_fails_fast_with_a_clear_message() -> None:
    started = time.monotonic()
    with pytest.raises(StagingError, match="unreachable"):
        StagingClient(f"http://127.0.0.1:{unused_port()}", description()).check_reachable()
    assert time.monotonic() - started < 10  # generous: it must not hang


def event(kind: str, **payload) -> dict:
    return {"type": kind, "run_id": "r", "thread_id": "t", "agent": "a", "timestamp": "ts", "payload": payload}


GOOD = [
    event("agent_started"),
    event("tool_executing", tool_call_id="c1"),
    event("tool_completed", tool_call_id="c1"),
    event("agent_completed", response="hi"),
]


def test_a_golden_run_has_no_problem() -> None:
    assert shape_problems(GOOD, description().events) == []


@pytest.mark.parametrize(
    "broken, problem",
    [
        (GOOD[1:], "first event"),
        (GOOD[:-1], "terminal"),
        ([*GOOD[:2], GOOD[3]], "never completed"),
        ([GOOD[0], GOOD[2], GOOD[3]], "without its opening event"),
        ([*GOOD[:3], event("agent_completed", response="")], "empty response"),
        ([*GOOD[:3], {**GOOD[3], "run_id": "other"}], "run id"),
        ([*GOOD[:3], event("agent_error"), GOOD[3]], "exactly one terminal"),
    ],
)
def test_shape_checks_catch_each_broken_run(broken: list[dict], problem: str) -> None:
    assert any(problem in p for p in shape_problems(broken, description().events))
