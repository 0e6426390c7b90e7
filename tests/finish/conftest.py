"""Fixtures of the finishing-wing tests: a fresh copy of the kitchen fixture project per test."""

from __future__ import annotations

import shutil
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
