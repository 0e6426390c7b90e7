"""The run-time pin: in a pinned family with a `product`, a golden-path or contract test that builds
the product other than through the canonical fails, naming where it was built."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "finish" / "motor"


def _run(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "--tb=short"],
        cwd=tree,
        capture_output=True,
        text=True,
    )


def test_a_product_built_without_the_canonical_fails_the_pin(tmp_path: Path) -> None:
    tree = tmp_path / "motor"
    shutil.copytree(FIXTURE, tree)
    done = _run(tree)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 failed, 2 passed" in done.stdout
    assert "FAILED tests/test_engines.py::test_built_directly" in done.stdout
    assert "FAILED tests/test_engines.py::test_built_by_a_shortcut" in done.stdout
    assert (
        "family 'engine-factory' is pinned to motor.factory:EngineFactory, but motor.engine:Engine was built "
        f"without it at {tree / 'tests' / 'test_engines.py'}:14 in test_built_directly"
        in done.stdout
    )
    assert f"{tree / 'motor' / 'factory.py'}:11 in shortcut" in done.stdout


def test_a_family_still_in_prove_is_not_checked_at_run_time(tmp_path: Path) -> None:
    tree = tmp_path / "motor"
    shutil.copytree(FIXTURE, tree)
    pyproject = tree / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('stage = "pinned"', 'stage = "prove"'))
    done = _run(tree)
    assert done.returncode == 0 and "4 passed" in done.stdout, done.stdout
