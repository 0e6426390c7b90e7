"""The recorder: plays a scenario through a driver and collects one Transcript."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from harness.characterize.drivers import (
    ConnectionClosedError,
    InProcessDriver,
    LiveDriver,
    password_of,
)
from harness.characterize.scenario import Scenario
from harness.characterize.target import CharacterizationTarget
from harness.characterize.transcript import Transcript
from harness.errors import HarnessError

DRIVERS: dict[str, Any] = {"in_process": InProcessDriver, "live": LiveDriver}
STEP_TIMEOUT = 20.0
LEFTOVERS_GRACE = 5.0  # how long the target may take to release what a scenario used


class ScenarioError(HarnessError):
    """The system did not do what the scenario waits for."""


def _matches(event: dict[str, Any], wait: str, terminal: frozenset[str]) -> bool:
    return event.get("type") in terminal if wait == "terminal" else event.get("type") == wait


async def _log_in(scenario: Scenario, driver: Any, user: str) -> Any:
    response = await driver.login(user, password_of(user))
    if response.status_code != 200:
        raise ScenarioError(f"{scenario.name}: login of {user} answered {response.status_code}")
    return await driver.connect(response.json()["access_token"])


async def play(scenario: Scenario, driver: Any, target: CharacterizationTarget) -> Transcript:
    streams: dict[str, list[dict[str, Any]]] = {user: [] for user in scenario.users}
    connections: dict[str, Any] = {}
    last_thread: dict[str, str] = {}
    for user in scenario.users:
        connections[user] = await _log_in(scenario, driver, user)
    for index, step in enumerate(scenario.steps):
        user = step["user"]
        where = f"scenario {scenario.name}, step {index} ({user})"
        connection = connections.get(user)
        if "connect" in step:  # a user who left comes back: logs in again on a new connection
            if connection is not None:
                raise ScenarioError(f"{where}: {user} is already connected")
            connections[user] = await _log_in(scenario, driver, user)
            continue
        if connection is None:
            raise ScenarioError(f"{where}: {user} is disconnected")
        if "say" in step or "raw" in step:
            if "say" in step:
                message: dict[str, Any] = {"type": "user_message", "content": step["say"]}
                if step.get("thread") == "previous":
                    message["thread_id"] = last_thread[user]
                text = json.dumps(message)
            else:
                text = step["raw"]
            streams[user].append({"dir": "->", "text": text})
            await connection.send_text(text)
        elif "wait" in step:
            try:
                async with asyncio.timeout(STEP_TIMEOUT):
                    while True:
                        event = await connection.recv()
                        streams[user].append({"dir": "<-", "event": event})
                        if "thread_id" in event:
                            last_thread[user] = event["thread_id"]
                        if _matches(event, step["wait"], target.terminal_events):
                            break
            except TimeoutError:
                raise ScenarioError(f"{where}: no {step['wait']!r} event within {STEP_TIMEOUT:.0f} s") from None
            except ConnectionClosedError as exc:
                raise ScenarioError(f"{where}: connection closed (code {exc.code}) while waiting") from None
        elif "wait_llm_calls" in step:  # the LLM has received this many requests (it is "thinking")
            deadline = time.monotonic() + STEP_TIMEOUT
            while len(driver.llm_bodies()) < step["wait_llm_calls"]:
                if time.monotonic() > deadline:
                    raise ScenarioError(f"{where}: fewer than {step['wait_llm_calls']} LLM calls")
                await asyncio.sleep(0.02)
        elif "disconnect" in step:
            await connections.pop(user).close()
    for connection in connections.values():
        await connection.close()
    deadline = time.monotonic() + STEP_TIMEOUT
    while not target.settled(driver.db_path):
        if time.monotonic() > deadline:
            raise ScenarioError(f"scenario {scenario.name}: runs still in progress after the scenario ended")
        await asyncio.sleep(0.02)
    await _check_leftovers(scenario, driver, target)
    return Transcript(
        scenario=scenario.name,
        streams=streams,
        llm_calls=sorted(target.summarize_llm_call(body) for body in driver.llm_bodies()),
        rows=target.read_rows(driver.db_path, scenario.rows),
    )


async def _check_leftovers(scenario: Scenario, driver: Any, target: CharacterizationTarget) -> None:
    """The target's optional `leftovers` hook must come back empty once the scenario has ended."""
    leftovers = getattr(target, "leftovers", None)
    if leftovers is None:
        return
    deadline = time.monotonic() + LEFTOVERS_GRACE
    while problems := leftovers(driver.db_path, getattr(driver, "app", None)):
        if time.monotonic() > deadline:
            raise ScenarioError(
                f"scenario {scenario.name}: left behind after it ended: {'; '.join(problems)}"
            )
        await asyncio.sleep(0.02)


async def record(
    scenario: Scenario, target: CharacterizationTarget, workdir: Path, driver: str = "in_process"
) -> Transcript:
    """Runs `scenario` against a fresh instance of the target and returns what happened."""
    try:
        driver_cls = DRIVERS[driver]
    except KeyError:
        raise HarnessError(f"unknown driver {driver!r} (known: {', '.join(DRIVERS)})") from None
    async with driver_cls(target, scenario, workdir) as running:
        return await play(scenario, running, target)
