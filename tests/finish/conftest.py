"""Fixtures of the finishing-wing tests: a fresh copy of the kitchen fixture project per test."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.static.conftest import cli  # noqa: F401  (the CLI in process)

KITCHEN = Path(__file__).resolve().parent.parent / "fixtures" / "finish" / "kitchen"


@pytest.fixture
def kitchen(tmp_path: Path) -> Path:
    """A private copy of tests/fixtures/finish/kitchen: a family `oven` with aliases, a getter, a
    divergent member, callers of every import shape, and the project's own tests."""
    target = tmp_path / "kitchen"
    shutil.copytree(KITCHEN, target)
    return target


def git_in(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(kitchen: Path) -> Path:
    """The kitchen copy as a git repository with one commit."""
    git_in(kitchen, "init", "-q")
    git_in(kitchen, "add", "-A")
    git_in(kitchen, "commit", "-qm", "before")
    return kitchen
