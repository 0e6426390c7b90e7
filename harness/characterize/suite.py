"""The ready characterization tests: a project collects them by importing them into one of its test
modules (`from harness import test_golden_path, ...`); they run against its configured target.

Each is a plain (synchronous) test that drives its own event loop, so a project needs neither
pytest-asyncio nor an asyncio mode to run them. Every one takes its scenario, target, snapshot and
staging instance from the plugin's fixtures; none holds anything of a particular service. The
golden-path ones get the project's golden-path marker (`[tool.ssot-harness] markers`) from the
plugin at collection."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from harness.characterize.golden_hooks import (
    golden_transcript,
    scenarios_of,
    snapshots_dir,
    staging_credentials,
)
from harness.characterize.recorder import record
from harness.characterize.scenario import Scenario
from harness.characterize.snapshot import as_text, stray_and_missing
from harness.characterize.staging import StagingClient, ids_of_runs, shape_problems
from harness.characterize.target import Target
from harness.errors import HarnessError, StagingError

__all__ = [
    "test_every_snapshot_file_belongs_to_a_scenario_and_back",
    "test_golden_path",
    "test_golden_path_runs_have_the_expected_shape",
    "test_live_and_in_process_transcripts_are_identical",
    "test_two_users_at_once_get_distinct_runs",
]


def _recorded(scenario: Scenario, target: Target, workdir: Path, driver: str) -> Any:
    """The scenario's transcript; what the harness reports (a scenario the service did not follow,
    events out of order, a missing hook) fails the test with its message alone."""
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        return asyncio.run(record(scenario, target, workdir, driver=driver))
    except HarnessError as exc:
        problem = f"{driver}: {exc}"
    pytest.fail(problem, pytrace=False)


def test_golden_path(
    ssot_scenario: Scenario, ssot_target: Target, ssot_transcript_snapshot: Any, tmp_path: Path
) -> None:
    """Each configured scenario, played in process on a fresh instance, gives its golden transcript
    (`<snapshots>/<scenario>.txt`; record or accept changes with `--snapshot-update`)."""
    assert _recorded(ssot_scenario, ssot_target, tmp_path, "in_process") == ssot_transcript_snapshot


@pytest.mark.live
def test_live_and_in_process_transcripts_are_identical(
    request: pytest.FixtureRequest, ssot_scenario: Scenario, ssot_target: Target, tmp_path: Path
) -> None:
    """Each scenario played live (the service started with the target's `serve_argv`, a real
    WebSocket client on 127.0.0.1, the service stopped after) gives the same golden transcript the
    in-process run is held to; while snapshots are updated, the same as an in-process run."""
    live = as_text(_recorded(ssot_scenario, ssot_target, tmp_path / "live", "live"), ssot_target)
    if request.config.getoption("update_snapshots", False):
        in_process = _recorded(ssot_scenario, ssot_target, tmp_path / "in", "in_process")
        expected = as_text(in_process, ssot_target)
    else:
        expected = golden_transcript(request.config, ssot_scenario.name)
    assert live == expected


def test_every_snapshot_file_belongs_to_a_scenario_and_back(request: pytest.FixtureRequest) -> None:
    """No golden transcript without its scenario, no scenario without its golden transcript."""
    names = {s.name for s in scenarios_of(request.config)}
    stray, missing = stray_and_missing(snapshots_dir(request.config), names)
    assert stray == [], f"snapshots with no scenario (delete them or restore the scenario): {stray}"
    assert missing == [], (
        f"scenarios without a snapshot (run pytest -m golden_path --snapshot-update): {missing}"
    )


def _chat(client: StagingClient, *sessions: tuple[tuple[str, str], list[str]]) -> Any:
    """Each (credentials, messages) session at once, its runs' events; a StagingError fails the
    test with its message, once."""

    async def one(credentials: tuple[str, str], messages: list[str]) -> list[list[Any]]:
        return await client.chat(await client.login(*credentials), messages)

    async def every() -> list[list[list[Any]]]:
        return list(await asyncio.gather(*(one(c, m) for c, m in sessions)))

    try:
        return asyncio.run(every())
    except StagingError as exc:
        problem = str(exc)
    pytest.fail(problem, pytrace=False)  # outside the except: no "during handling" chain


@pytest.mark.staging
def test_golden_path_runs_have_the_expected_shape(ssot_staging: StagingClient) -> None:
    """The staging user sends `staging.messages` (and `staging.tool-message`) on one connection;
    each run has the declared shape: started, one terminal event last, ids constant, tool calls
    closed, a non-empty response, the ordering field increasing; runs have distinct ids."""
    staging = ssot_staging.target.staging
    messages = list(staging.messages) + ([staging.tool_message] if staging.tool_message else [])
    credentials = staging_credentials()
    assert credentials is not None  # the fixture failed otherwise
    (runs,) = _chat(ssot_staging, (credentials, messages))
    shape = ssot_staging.target.events
    problems = {m: shape_problems(events, shape) for m, events in zip(messages, runs, strict=True)}
    assert problems == dict.fromkeys(messages, [])
    if staging.tool_message:
        kinds = {shape.type_of(e) for e in runs[-1]}
        assert kinds & shape.tool_started and kinds & shape.tool_finished, (
            f"{staging.tool_message!r} opened no tool call: {sorted(map(str, kinds))}"
        )
    if shape.completed:
        assert all(shape.type_of(events[-1]) in shape.completed for events in runs)
    if shape.run:
        assert len(set(ids_of_runs(runs, shape))) == len(runs)


@pytest.mark.staging
def test_two_users_at_once_get_distinct_runs(ssot_staging: StagingClient) -> None:
    """Two staging users chat at once ($SSOT_STAGING_USERNAME_2 / $SSOT_STAGING_PASSWORD_2; skipped
    without): each gets well-shaped runs of their own, with run and thread ids the other never sees."""
    second = staging_credentials("_2")
    if second is None:
        pytest.skip("set SSOT_STAGING_USERNAME_2 / SSOT_STAGING_PASSWORD_2 for the two-user test")
    first = staging_credentials()
    assert first is not None
    messages = [ssot_staging.target.staging.messages[0]]
    first_runs, second_runs = _chat(ssot_staging, (first, messages), (second, messages))
    shape = ssot_staging.target.events
    for events in (first_runs[0], second_runs[0]):
        assert shape_problems(events, shape) == []
    for piece in ("run", "thread"):
        if getattr(shape, piece):
            assert shape.get(first_runs[0][0], piece) != shape.get(second_runs[0][0], piece)
