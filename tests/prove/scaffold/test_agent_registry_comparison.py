"""The scaffolded agent-registry suite against the hand-written one (contracts/agent_registry): with
the few lines a user fills in (agent_registry_fill.py, counted), every divergence the hand-written
differential finds, the scaffolded differential finds too, and the hand-written's minimal case of
each diverges under the scaffolded adapters as well."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harness.cli import main
from harness.config import load_config
from tests.prove.scaffold.agent_registry_fill import apply

ROOT = Path(__file__).resolve().parents[3]
DIFFERENTIAL = "test_same_outcomes_as_the_canonical"
FILLED_LINES = 10  # what a user writes by hand: the figure docs/scaffold.md quotes
STEP = re.compile(r"request (\d): (\w+)\((?:'([^']*)')?\)")


def pytest_run(cwd: Path, target: str, reports: Path) -> dict[str, dict]:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", target, "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         "--ssot-hypothesis-profile", "ssot-ci", "--ssot-reports", str(reports)],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stdout + run.stderr
    cells = json.loads((reports / "equivalence-matrix.json").read_text())["cells"]
    return {c["member"]: c for c in cells if c["contract"] == DIFFERENTIAL}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project holding a copy of the bundled target and its agent-registry family."""
    family = load_config(ROOT / "pyproject.toml").family("agent-registry")
    shutil.copytree(ROOT / "agent_platform", tmp_path / "agent_platform", ignore=shutil.ignore_patterns("__pycache__"))
    names = ", ".join(f'"{n}"' for n in family.names)
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [tool.pytest.ini_options]
        pythonpath = ["."]
        asyncio_default_fixture_loop_scope = "function"

        [tool.ssot-harness]
        roots = ["agent_platform"]

        [tool.ssot-harness.families.agent-registry]
        canonical = "{family.canonical}"
        names = [{names}]
        adapters = "agent_registry_scaffold"
        """))  # fmt: skip
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_scaffolded_differential_finds_every_divergence_the_hand_written_one_finds(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scaffold", "agent-registry", "--into", "agent_registry_scaffold"]) == 0
    assert "3 member(s)" in capsys.readouterr().out
    assert apply(project / "agent_registry_scaffold") == FILLED_LINES

    hand = pytest_run(ROOT, "contracts/agent_registry/test_differential.py", project / "hand")
    found_by_hand = {m for m, c in hand.items() if c["outcome"] in ("fail", "xfail")}
    assert found_by_hand == {"AgentClassRegistry", "GlobalAgentRegistry"}  # what it finds today

    scaffolded = pytest_run(project, "agent_registry_scaffold/test_differential.py", project / "scaffolded")
    found = {m for m, c in scaffolded.items() if c["outcome"] == "fail"}
    assert found_by_hand <= found, {m: c["detail"] for m, c in scaffolded.items()}
    assert scaffolded["AgentRegistry"]["outcome"] == "skip"  # the canonical is the reference
    for member in found:
        assert "Minimal scenario:" in scaffolded[member]["detail"]

    # the hand-written differential's minimal case of each member, replayed on the scaffolded adapters
    cases = {}
    for member in sorted(found_by_hand):
        scenario = hand[member]["detail"].split("Diff (")[0]
        cases[member] = [(int(r), op, name) for r, op, name in STEP.findall(scenario)]
        assert cases[member], scenario
    (project / "cases.json").write_text(json.dumps(cases))
    (project / "replay.py").write_text(REPLAY)
    run = subprocess.run(
        [sys.executable, "replay.py"], cwd=project, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(project)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    replayed = json.loads(run.stdout)
    for member in found_by_hand:
        canonical, theirs = replayed[member]
        assert canonical != theirs, f"{member}: the hand-written minimal case does not diverge: {canonical}"


REPLAY = '''\
"""Plays the hand-written minimal cases (cases.json) on the scaffolded canonical and member adapters."""
import importlib
import json

from harness import play

from agent_registry_scaffold.adapters.agent_registry import ADAPTER as CANONICAL


class Made:
    def __init__(self, name, index):
        self.name, self.index = name, index


def calls(steps):
    out = []
    for i, (request, op, name) in enumerate(steps):
        if op == "register":
            arguments = {"name": name, "factory": lambda name=name, i=i: Made(name, i)}
        elif op == "create":
            arguments = {"name": name}
        else:
            arguments = {}
        out.append((request, op, arguments))
    return out


def module(member):
    return "".join("_" + c.lower() if c.isupper() else c for c in member).lstrip("_")


result = {}
for member, steps in json.loads(open("cases.json").read()).items():
    adapter = importlib.import_module(f"agent_registry_scaffold.adapters.{module(member)}").ADAPTER
    result[member] = [play(CANONICAL, calls(steps)), play(adapter, calls(steps))]
print(json.dumps(result))
'''
