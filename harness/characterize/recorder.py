"""The recorder: runs a fresh instance of the target, plays a scenario on it, returns a Transcript."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from harness.characterize.drivers import InProcessDriver, LiveDriver
from harness.characterize.interpreter import (
    STEP_TIMEOUT,
    ConnectionClosedError,
    ScenarioError,
    interpret,
)
from harness.characterize.scenario import Scenario
from harness.characterize.target import Target
from harness.characterize.transcript import Transcript
from harness.characterize.wire import ProtocolError
from harness.errors import HarnessError

DRIVERS: dict[str, Any] = {"in_process": InProcessDriver, "live": LiveDriver}
__all__ = ["DRIVERS", "ScenarioError", "play", "record"]


async def play(scenario: Scenario, driver: Any, target: Target) -> Transcript:
    """Logs every user in, plays the steps, waits until the service has settled, reads the rows."""
    channels: dict[str, Any] = {}
    for user in scenario.users:
        try:
            token = await target.login(driver.http, user, target.password_of(user))
            channels[user] = await driver.connect(target.token(token))
        except ProtocolError as exc:
            raise ScenarioError(f"scenario {scenario.name}: {exc}") from None
        except ConnectionClosedError as exc:
            raise ScenarioError(f"scenario {scenario.name}: the socket of {user} was refused (code {exc.code})") from None
    llm_calls = (lambda: len(driver.llm_bodies())) if target.llm is not None else None
    streams = await interpret(scenario, target, channels, llm_calls)
    deadline = time.monotonic() + STEP_TIMEOUT
    while not target.settled(driver.instance.state):
        if time.monotonic() > deadline:
            raise ScenarioError(f"scenario {scenario.name}: runs still in progress after the scenario ended")
        await asyncio.sleep(0.02)
    return Transcript(
        scenario=scenario.name,
        streams=streams,
        llm_calls=target.summarize_llm_calls(driver.llm_bodies()),
        rows=target.rows(driver.instance.state, scenario.rows, scenario.name),
    )


async def record(scenario: Scenario, target: Target, workdir: Path, driver: str = "in_process") -> Transcript:
    """Runs `scenario` against a fresh instance of the target and returns what happened."""
    try:
        driver_cls = DRIVERS[driver]
    except KeyError:
        raise HarnessError(f"unknown driver {driver!r} (known: {', '.join(DRIVERS)})") from None
    async with driver_cls(target, scenario, workdir) as running:
        return await play(scenario, running, target)
