"""Staging smoke: a client for a deployed instance, and shape checks that ignore the LLM's wording."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

import httpx
import websockets

from harness.errors import StagingError

EVENT_TYPES = frozenset(
    {"agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed", "agent_error"}
)
TERMINAL = frozenset({"agent_completed", "agent_error"})


class StagingClient:
    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def check_reachable(self) -> None:
        """Fails fast, with the reason, when nothing answers at the URL."""
        try:
            response = httpx.get(f"{self.base_url}/health", timeout=3.0)
        except httpx.HTTPError as exc:
            raise StagingError(f"staging instance {self.base_url} is unreachable: {type(exc).__name__}: {exc}") from None
        if response.status_code != 200:
            raise StagingError(f"staging instance {self.base_url}/health answered {response.status_code}")

    async def login(self, username: str, password: str) -> str:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=10.0) as http:
            response = await http.post("/auth/login", json={"username": username, "password": password})
        if response.status_code != 200:
            raise StagingError(f"login of {username!r} at {self.base_url} answered {response.status_code}")
        return response.json()["access_token"]

    async def chat(self, token: str, messages: Iterable[str]) -> list[list[dict[str, Any]]]:
        """Sends each message in turn on one connection; returns each run's events."""
        ws_url = self.base_url.replace("http", "ws", 1) + "/ws"
        runs: list[list[dict[str, Any]]] = []
        async with websockets.connect(ws_url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
            for message in messages:
                await ws.send(json.dumps({"type": "user_message", "content": message}))
                events: list[dict[str, Any]] = []
                async with asyncio.timeout(self.timeout):
                    while not events or events[-1].get("type") not in TERMINAL:
                        events.append(json.loads(await ws.recv()))
                runs.append(events)
        return runs


def shape_problems(events: list[dict[str, Any]]) -> list[str]:
    """What is wrong with one run's event stream; empty when it has the golden path's shape."""
    problems: list[str] = []
    if not events:
        return ["no events"]
    kinds = [e.get("type") for e in events]
    if kinds[0] != "agent_started":
        problems.append(f"first event is {kinds[0]!r}, not 'agent_started'")
    if kinds[-1] not in TERMINAL or sum(k in TERMINAL for k in kinds) != 1:
        problems.append(f"expected exactly one terminal event, last; got {kinds}")
    unknown = sorted({str(k) for k in kinds if k not in EVENT_TYPES})
    if unknown:
        problems.append(f"unknown event types {unknown}")
    for key in ("run_id", "thread_id"):
        values = {e.get(key) for e in events}
        if len(values) != 1 or None in values:
            problems.append(f"{key} not one value within the run: {sorted(map(str, values))}")
    if not all(e.get("agent") and e.get("timestamp") for e in events):
        problems.append("an event without agent or timestamp")
    open_calls: list[str | None] = []
    for event in events:
        call = (event.get("payload") or {}).get("tool_call_id")
        if event.get("type") == "tool_executing":
            open_calls.append(call)
        elif event.get("type") == "tool_completed":
            if call not in open_calls:
                problems.append(f"tool_completed {call!r} without its tool_executing")
            else:
                open_calls.remove(call)
    if open_calls:
        problems.append(f"tool_executing never completed: {open_calls}")
    if kinds[-1] == "agent_completed" and not (events[-1].get("payload") or {}).get("response"):
        problems.append("agent_completed with an empty response")
    return problems
