"""The one scenario-step interpreter: plays typed steps over per-user channels into streams.

The recorder's channels are WebSockets (in process or live); a contract suite's channels may run
engines directly. Either way the steps mean the same, and the streams have the same entries:
`{"dir": "->", "text": frame}` for what a user sent, `{"dir": "<-", "event": event}` for what
they received."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from harness.characterize.scenario import Scenario
from harness.characterize.steps import Connect, Disconnect, Raw, Say, Wait, WaitLLMCalls
from harness.characterize.target import Target
from harness.errors import HarnessError

STEP_TIMEOUT = 20.0


class ScenarioError(HarnessError):
    """The system did not do what the scenario waits for."""


class ConnectionClosedError(HarnessError):
    """The server closed the connection; `code` says why (1008: policy violation)."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"connection closed by the server (code {code})")
        self.code = code


class Channel(Protocol):
    """One user's connection to the service."""

    async def say(self, frame: str, text: str, thread: str | None) -> None:
        """Send a user message (`frame` is its wire encoding; `text`, `thread` its meaning)."""

    async def raw(self, frame: str) -> None: ...

    async def receive(self) -> Any:
        """The next event; raises ConnectionClosedError when the server closed the connection."""

    async def close(self) -> None: ...


async def interpret(
    scenario: Scenario,
    target: Target,
    channels: dict[str, Channel],
    llm_calls: Callable[[], int] | None = None,
    timeout: float = STEP_TIMEOUT,
    closed_ends_wait: bool = False,
    connect: Callable[[str], Awaitable[Channel]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Plays every step of `scenario`; returns each user's stream. Closes the channels.

    `closed_ends_wait`: a channel that ends while a step waits ends that wait (the transcript shows
    what arrived, for a diff) instead of failing the scenario. `connect(user)` logs a user in again
    for a `connect` step."""
    streams: dict[str, list[dict[str, Any]]] = {user: [] for user in scenario.users}
    last_thread: dict[str, str] = {}
    try:
        for index, step in enumerate(scenario.steps):
            where = f"scenario {scenario.name}, step {index} ({step.user})"
            channel = channels.get(step.user)
            if isinstance(step, Connect):
                if channel is not None:
                    raise ScenarioError(f"{where}: {step.user} is already connected")
                if connect is None:
                    raise ScenarioError(f"{where}: this player cannot log a user in again")
                channels[step.user] = await connect(step.user)
                continue
            if channel is None:
                raise ScenarioError(f"{where}: {step.user} is disconnected")
            if isinstance(step, Say):
                thread = last_thread.get(step.user) if step.same_thread else None
                if step.same_thread and thread is None:
                    raise ScenarioError(
                        f"{where}: 'thread: previous' but {step.user} has no thread yet"
                    )
                frame = target.message(step.text, thread)
                streams[step.user].append({"dir": "->", "text": frame})
                await channel.say(frame, step.text, thread)
            elif isinstance(step, Raw):
                streams[step.user].append({"dir": "->", "text": step.text})
                await channel.raw(step.text)
            elif isinstance(step, Wait):
                try:
                    await _wait(
                        step, channel, streams[step.user], last_thread, target, where, timeout
                    )
                except ConnectionClosedError as exc:
                    if not closed_ends_wait:
                        raise ScenarioError(
                            f"{where}: connection closed (code {exc.code}) while waiting"
                        ) from None
            elif isinstance(step, WaitLLMCalls):
                if llm_calls is None:
                    raise ScenarioError(
                        f"{where}: 'wait_llm_calls' but the target has no stubbed LLM (llm)"
                    )
                deadline = time.monotonic() + timeout
                while llm_calls() < step.count:
                    if time.monotonic() > deadline:
                        raise ScenarioError(
                            f"{where}: fewer than {step.count} LLM calls within {timeout:.0f} s"
                        )
                    await asyncio.sleep(0.02)
            elif isinstance(step, Disconnect):
                await channels.pop(step.user).close()
    finally:
        for channel in channels.values():
            await channel.close()
        channels.clear()
    return streams


async def _wait(
    step: Wait,
    channel: Channel,
    stream: list[dict[str, Any]],
    last_thread: dict[str, str],
    target: Target,
    where: str,
    timeout: float,
) -> None:
    shape = target.events
    try:
        async with asyncio.timeout(timeout):
            while True:
                event = await channel.receive()
                stream.append({"dir": "<-", "event": event})
                thread = shape.get(event, "thread")
                if thread is not None:
                    last_thread[step.user] = thread
                kind = shape.type_of(event)
                if (kind in shape.terminal) if step.until == "terminal" else kind == step.until:
                    return
    except TimeoutError:
        raise ScenarioError(f"{where}: no {step.until!r} event within {timeout:.0f} s") from None
