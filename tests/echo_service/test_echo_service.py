"""The echo desk (tests/fixtures/targets/echo_service), a service shaped unlike the demo, described
only by its pyproject table and a small object: the harness characterizes it all the same."""

from __future__ import annotations

import dataclasses
import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.characterize.drivers import LiveDriver
from harness.characterize.recorder import record
from harness.characterize.scenario import Scenario, load_scenarios
from harness.characterize.snapshot import as_text, read_golden, stray_and_missing
from harness.characterize.staging import StagingClient, ids_of_runs, shape_problems
from harness.characterize.target import describe
from harness.config import load_config
from tests.fixtures.targets.echo_service.target import CHANGED

ROOT = Path(__file__).resolve().parents[2]
ECHO = ROOT / "tests" / "fixtures" / "targets" / "echo_service"


@pytest.fixture(scope="module")
def echo():
    return describe(load_config(ECHO / "pyproject.toml"))


def test_the_generic_golden_path_suite_passes_against_the_echo_desk() -> None:
    """tests/golden_path (snapshots, live == the snapshot the in-process run is held to, every snapshot has its scenario) is
    target-agnostic: pointed at the echo desk's config it passes, in random order on 2 workers."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/golden_path", "--ssot-config", str(ECHO / "pyproject.toml"),
         "-n", "2", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    scenarios = len(load_scenarios(ECHO / "scenarios"))
    assert f"{2 * scenarios + 1} passed" in result.stdout


def test_every_echo_scenario_has_its_golden_transcript(echo) -> None:
    names = {s.name for s in load_scenarios(ECHO / "scenarios")}
    assert stray_and_missing(ECHO / "snapshots", names) == ([], [])


@pytest.mark.asyncio
async def test_a_changed_build_fails_exactly_the_snapshots_that_show_the_change(echo, tmp_path) -> None:
    """The changed build names tool results `result`: exactly the scenarios with a tool result fail,
    and the diff shows that key and nothing else."""
    changed = dataclasses.replace(echo, service=CHANGED)
    failing, changed_lines = set(), []
    for scenario in load_scenarios(ECHO / "scenarios"):
        workdir = tmp_path / scenario.name
        workdir.mkdir()
        stored = read_golden(ECHO / "snapshots", scenario.name)
        now = as_text(await record(scenario, changed, workdir), changed)
        if now != stored:
            failing.add(scenario.name)
            diff = difflib.unified_diff(stored.splitlines(), now.splitlines(), lineterm="")
            changed_lines += [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    affected = {p.stem for p in (ECHO / "snapshots").glob("*.txt") if "<- tool.result" in p.read_text(encoding="utf-8")}
    assert affected and failing == affected
    assert changed_lines and all('"result' in line for line in changed_lines)
    assert any(line.startswith("+") and '"result": {' in line for line in changed_lines)


@pytest.mark.asyncio
async def test_staging_smoke_against_the_echo_desk_live(echo, tmp_path) -> None:
    """The staging client and shape checks, from the echo desk's declared event semantics, against
    the desk served by uvicorn on loopback."""
    users = Scenario("staging", "", ("alice", "bob"), ())
    async with LiveDriver(echo, users, tmp_path) as live:
        client = StagingClient(live.url, echo)
        client.check_reachable()
        token = await client.login("alice", echo.password_of("alice"))
        runs = await client.chat(token, ["hello", "count my words"])
        other = await client.chat(await client.login("bob", echo.password_of("bob")), ["hello"])
    shape = echo.events
    assert [shape_problems(events, shape) for events in runs + other] == [[], [], []]
    assert {"tool.call", "tool.result"} <= {shape.type_of(e) for e in runs[1]}
    assert len(set(ids_of_runs(runs + other, shape))) == 3
    # the same checks catch a broken run: a tool call never closed, an empty answer
    unclosed = [e for e in runs[1] if shape.type_of(e) != "tool.result"]
    assert any("never completed" in p for p in shape_problems(unclosed, shape))
    empty = [*runs[0][:-1], {**runs[0][-1], "data": {"final_response": ""}}]
    assert any("empty response" in p for p in shape_problems(empty, shape))
