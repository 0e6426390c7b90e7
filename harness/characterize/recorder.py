"""The recorder: runs a fresh instance of the target, plays a scenario on it, returns a Transcript."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from harness.characterize.drivers import InProcessDriver, LiveDriver
from harness.characterize.fields import order_problems
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


LEFTOVERS_GRACE = 5.0  # how long the target may take to release what a scenario used


async def play(scenario: Scenario, driver: Any, target: Target) -> Transcript:
    """Logs every user in, plays the steps, waits until the service has settled, checks that the
    scenario left nothing behind (the target's optional `leftovers` hook), reads the rows."""

    async def log_in(user: str) -> Any:
        try:
            token = await target.login(driver.http, *target.credentials_of(user))
            return await driver.connect(target.token(token))
        except ProtocolError as exc:
            built_in = (
                ""
                if callable(getattr(target.service, "create_user", None))
                else (" (the target has no create_user(): the service must know this user already)")
            )
            raise ScenarioError(f"scenario {scenario.name}: {exc}{built_in}") from None
        except ConnectionClosedError as exc:
            raise ScenarioError(
                f"scenario {scenario.name}: the socket of {user} was refused (code {exc.code})"
            ) from None

    channels: dict[str, Any] = {user: await log_in(user) for user in scenario.users}
    llm_calls = (lambda: len(driver.llm_bodies())) if target.llm is not None else None
    streams = await interpret(
        scenario, target, channels, llm_calls, timeout=STEP_TIMEOUT, connect=log_in
    )
    _check_order(scenario, streams, target)
    deadline = time.monotonic() + STEP_TIMEOUT
    while not target.settled(driver.instance.state):
        if time.monotonic() > deadline:
            raise ScenarioError(
                f"scenario {scenario.name}: runs still in progress after the scenario ended"
            )
        await asyncio.sleep(0.02)
    await _check_leftovers(scenario, driver, target)
    return Transcript(
        scenario=scenario.name,
        streams=streams,
        llm_calls=target.summarize_llm_calls(driver.llm_bodies()),
        rows=target.rows(driver.instance.state, scenario.rows, scenario.name),
    )


def _check_order(
    scenario: Scenario, streams: dict[str, list[dict[str, Any]]], target: Target
) -> None:
    """The declared ordering field (`events.order`) increases within each run of each user."""
    problems = [
        f"{user}: {problem}"
        for user, stream in sorted(streams.items())
        for problem in order_problems(
            [e["event"] for e in stream if e["dir"] == "<-"], target.events
        )
    ]
    if problems:
        raise ScenarioError(f"scenario {scenario.name}: events out of order: {'; '.join(problems)}")


async def _check_leftovers(scenario: Scenario, driver: Any, target: Target) -> None:
    """The target object's optional `leftovers(state, app)` must come back empty once the scenario
    has ended (no run still running, no engine or task held, every message with its outcome)."""
    leftovers = getattr(target.service, "leftovers", None)
    if not callable(leftovers):
        return
    deadline = time.monotonic() + LEFTOVERS_GRACE
    while problems := leftovers(driver.instance.state, getattr(driver, "app", None)):
        if time.monotonic() > deadline:
            raise ScenarioError(
                f"scenario {scenario.name}: left behind after it ended: {'; '.join(problems)}"
            )
        await asyncio.sleep(0.02)


async def record(
    scenario: Scenario, target: Target, workdir: Path, driver: str = "in_process"
) -> Transcript:
    """Runs `scenario` against a fresh instance of the target and returns what happened."""
    try:
        driver_cls = DRIVERS[driver]
    except KeyError:
        raise HarnessError(f"unknown driver {driver!r} (known: {', '.join(DRIVERS)})") from None
    async with driver_cls(target, scenario, workdir) as running:
        return await play(scenario, running, target)
