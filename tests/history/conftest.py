"""Fixtures of the history tests: the scripted shop history (built once per module), the CLI in process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.cli import main
from tests.history.scripted import build


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


@dataclass(frozen=True)
class Scripted:
    root: Path
    ids: dict[str, str]  # step name -> commit id, oldest first

    def short(self, step: str) -> str:
        return self.ids[step][:10]


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> Scripted:
    root = tmp_path_factory.mktemp("scripted") / "shop"
    return Scripted(root, build(root))


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Outcome]:
    """`ssot-harness history ARGS` in process, from the folder `cwd`."""

    def run(cwd: Path, *args: str) -> Outcome:
        monkeypatch.chdir(cwd)
        code = main(["history", *args])
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run
