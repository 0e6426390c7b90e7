"""The `ssot-harness` command at its edges: a reader that goes away (`… | head`) ends it quietly,
and running it outside any project says so, naming the folder and what to do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "argv",
    [
        ["discover", str(ROOT / "tests" / "fixtures" / "discover" / "shop")],
        ["audit", str(ROOT / "examples" / "pricing"), "--no-cache"],
    ],
    ids=["discover", "audit"],
)
def test_a_closed_pipe_ends_the_command_without_a_traceback(argv: list[str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the command writes its first line
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, stderr  # 128 + SIGPIPE, like any program on a closed pipe
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr


def test_outside_any_project_the_audit_names_the_folder_and_what_to_do(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    assert not any((p / "pyproject.toml").exists() for p in (tmp_path, *tmp_path.parents))
    monkeypatch.chdir(tmp_path)
    for argv in (["audit"], ["baseline"], ["audit", str(tmp_path)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert f"no pyproject.toml in {tmp_path.resolve()} or above it" in err
        assert "run inside your project" in err and "--config PYPROJECT" in err
        assert "None" not in err and "Traceback" not in err
