"""Staging smoke: log in to a deployed instance, chat, and check each run's shape against the
event semantics the target declares (started, terminal, completed + response, tool calls, ids)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import httpx

from harness.characterize.drivers import LiveWebSocket
from harness.characterize.fields import order_problems
from harness.characterize.interpreter import ConnectionClosedError
from harness.characterize.target import Target
from harness.characterize.wire import EventShape, ProtocolError
from harness.errors import StagingError


class StagingClient:
    def __init__(self, base_url: str, target: Target, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.target = target
        self.timeout = timeout

    def check_reachable(self) -> None:
        """Fails fast, with the reason, when nothing answers at the URL."""
        url = f"{self.base_url}{self.target.health}"
        try:
            response = httpx.get(url, timeout=3.0)
        except httpx.HTTPError as exc:
            raise StagingError(
                f"staging instance {self.base_url} is unreachable: {type(exc).__name__}: {exc}"
            ) from None
        if response.status_code != 200:
            raise StagingError(f"staging instance {url} answered {response.status_code}")

    async def login(self, username: str, password: str) -> str:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=10.0) as http:
            try:
                return await self.target.login(http, username, password)
            except ProtocolError as exc:
                raise StagingError(f"{self.base_url}: {exc}") from None

    async def chat(self, token: str, messages: Iterable[str]) -> list[list[Any]]:
        """Sends each message in turn on one connection; returns each run's events."""
        try:
            ws = await LiveWebSocket.open(
                self.base_url, self.target.socket, self.target.token(token)
            )
        except ConnectionClosedError as exc:
            raise StagingError(
                f"{self.base_url}{self.target.socket}: the socket was refused ({exc.code})"
            ) from None
        runs: list[list[Any]] = []
        try:
            for message in messages:
                await ws.say(self.target.message(message, None), message, None)
                events: list[Any] = []
                async with asyncio.timeout(self.timeout):
                    while not events or not self.target.events.is_terminal(events[-1]):
                        events.append(await ws.receive())
                runs.append(events)
        finally:
            await ws.close()
        return runs


def shape_problems(events: list[Any], shape: EventShape) -> list[str]:
    """What is wrong with one run's event stream, by the target's declared event semantics;
    empty when it has the golden path's shape. Undeclared semantics are not checked."""
    if not events:
        return ["no events"]
    kinds = [shape.type_of(e) for e in events]
    problems: list[str] = []
    if shape.started and kinds[0] not in shape.started:
        problems.append(f"first event is {kinds[0]!r}, not one of {sorted(shape.started)}")
    if kinds[-1] not in shape.terminal or sum(k in shape.terminal for k in kinds) != 1:
        problems.append(f"expected exactly one terminal event, last; got {kinds}")
    unknown = sorted({str(k) for k in kinds if k not in shape.types}) if shape.types else []
    if unknown:
        problems.append(f"unknown event types {unknown}")
    for piece in ("run", "thread"):
        if getattr(shape, piece):
            values = {shape.get(e, piece) for e in events}
            if len(values) != 1 or None in values:
                problems.append(
                    f"{piece} id ({getattr(shape, piece)}) not one value within the run: {sorted(map(str, values))}"
                )
    for piece in ("agent", "timestamp"):
        if getattr(shape, piece) and not all(shape.get(e, piece) for e in events):
            problems.append(f"an event without {piece} ({getattr(shape, piece)})")
    problems += _tool_call_problems(events, kinds, shape)
    problems += order_problems(events, shape)
    if kinds[-1] in shape.completed and shape.response and not shape.get(events[-1], "response"):
        problems.append(f"{kinds[-1]} with an empty response ({shape.response})")
    return problems


def _tool_call_problems(events: list[Any], kinds: list[Any], shape: EventShape) -> list[str]:
    """Every tool call opened is closed, by its id, and none is closed unopened."""
    if not (shape.tool_started and shape.tool_finished and shape.tool_call):
        return []
    problems, open_calls = [], []
    for event, kind in zip(events, kinds, strict=True):
        call = shape.get(event, "tool_call")
        if kind in shape.tool_started:
            open_calls.append(call)
        elif kind in shape.tool_finished:
            if call not in open_calls:
                problems.append(f"{kind} {call!r} without its opening event")
            else:
                open_calls.remove(call)
    if open_calls:
        problems.append(f"tool call(s) never completed: {open_calls}")
    return problems


def ids_of_runs(runs: list[list[Any]], shape: EventShape) -> list[Any]:
    """The run id of each run (None where the shape declares none)."""
    return [shape.get(events[0], "run") if events else None for events in runs]
