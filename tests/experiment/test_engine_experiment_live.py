"""The bundled target with its engine experiment on, live on loopback (the service and the LLM stub
as real processes, real WebSocket clients): the control's answers stay byte for byte the golden
snapshots, the legacy factory's known divergences count as accepted, and a planted divergence in a
candidate is reported as a mismatch with its diff."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from contracts.target import AgentPlatformTarget
from harness.characterize.golden_hooks import golden_transcript
from harness.characterize.recorder import record
from harness.characterize.scenario import Scenario
from harness.characterize.snapshot import as_text
from harness.cli import main

pytestmark = pytest.mark.asyncio

ROOT = Path(__file__).resolve().parents[2]
DIVERGENCES = ROOT / "contracts" / "execution_engine" / "divergences.toml"
LEGACY = "agent_platform.legacy.engine_factory:LegacyExecutionEngineFactory"
PLANTED = "UnifiedExecutionEngineFactory=tests.experiment.planted:DropsDataThinking"
USERS, MESSAGES = 4, 3  # the load: every user at once, MESSAGES rounds


class ExperimentTarget(AgentPlatformTarget):
    """The demo target served with `--experiment` for each candidate, observations to `log`."""

    def __init__(self, log: Path, candidates: tuple[str, ...]) -> None:
        self.log, self.candidates = log, candidates

    def serve_argv(self, instance: Any, port: int) -> list[str]:
        argv = [*super().serve_argv(instance, port), "--experiment-log", str(self.log)]
        argv += ["--experiment-divergences", str(DIVERGENCES)]
        for candidate in self.candidates:
            argv += ["--experiment", candidate]
        return argv


def _observations(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def _load() -> Scenario:
    users = tuple(f"user{i}" for i in range(USERS))
    steps: list[dict[str, str]] = []
    for round_ in range(MESSAGES):
        steps += [{"user": u, "say": f"Please optimize the spend of {u}, round {round_}"} for u in users]
        steps += [{"user": u, "wait": "terminal"} for u in users]
    return Scenario("experiment_load", "every user at once, in rounds", users, tuple(steps), rows=("messages", "runs"))  # type: ignore[arg-type]


async def test_the_controls_answers_are_the_golden_snapshots(request, ssot_scenario, ssot_target, tmp_path) -> None:
    log = tmp_path / "observations.jsonl"
    target = dataclasses.replace(ssot_target, service=ExperimentTarget(log, (LEGACY,)))
    live = await record(ssot_scenario, target, tmp_path, driver="live")
    assert as_text(live, ssot_target) == golden_transcript(request.config, ssot_scenario.name)
    outcomes = {o["outcome"] for o in _observations(log)} if log.exists() else set()
    assert outcomes <= {"match", "accepted", "timeout"}, _observations(log)


async def test_a_load_keeps_the_answers_counts_known_divergences_and_catches_a_planted_one(
    ssot_target, tmp_path, capsys
) -> None:
    scenario = _load()
    (tmp_path / "plain").mkdir()
    (tmp_path / "experiment").mkdir()
    plain = await record(scenario, ssot_target, tmp_path / "plain", driver="live")
    log = tmp_path / "observations.jsonl"
    target = dataclasses.replace(ssot_target, service=ExperimentTarget(log, (LEGACY, PLANTED)))
    observed = await record(scenario, target, tmp_path / "experiment", driver="live")
    assert as_text(observed, ssot_target) == as_text(plain, ssot_target)  # what users saw: unchanged

    assert main(["experiments", str(log), "--format", "json", "--max-mismatch-rate", "0"]) == 1
    members = {m["member"]: m for m in json.loads(capsys.readouterr().out)["members"]}
    legacy, planted = members["LegacyExecutionEngineFactory"], members["UnifiedExecutionEngineFactory"]
    calls = USERS * MESSAGES
    assert (legacy["calls"], legacy["mismatch"], legacy["error"]) == (calls, 0, 0)
    assert legacy["accepted"] > 0 and legacy["over_threshold"] is False
    assert legacy["accepted_reasons"] == ["one module-level UserWebSocketEmitter: overlapping runs leak events to the latest user"]
    assert (planted["calls"], planted["mismatch"], planted["over_threshold"]) == (calls, calls, True)
    diff = planted["mismatches"][0]["text"]
    assert '-   "agent": "data",' in diff and '-   "type": "agent_thinking"' in diff, diff
