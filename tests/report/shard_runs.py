"""Real shard files, made as CI machines make them (each shard its own process), once per test
session: the toy family's `verify --shard K/3` result files and the kitchen's `inventory --shard
K/3` files, beside their unsharded runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.report.once import once

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def ssot(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args], cwd=project, capture_output=True, text=True,
        timeout=300, env={**os.environ, **env},
    )  # fmt: skip


def in_shards(project: Path, *args: str) -> None:
    """`args` with `--shard K/3` and K in each of `{K}`, three processes at once."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "harness.cli", *(a.replace("{K}", str(k)) for a in args), "--shard", f"{k}/3"],
            cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for k in (1, 2, 3)
    ]
    assert all(p.wait(timeout=300) in (0, 1) for p in procs)


@pytest.fixture(scope="session")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The toy family (one accepted divergence, one real failure, a member without adapter), run
    once unsharded (under GitHub Actions) and once in 3 shards, each shard its own process."""
    def build(folder: Path) -> None:
        project = folder / "toy"
        shutil.copytree(FIXTURES / "prove" / "toy_project", project)
        # a third contract, so that the shards are not just the two functions
        with (project / "toycontracts" / "test_greet.py").open("a") as f:
            f.write("\n\ndef test_greeting_is_a_string(ssot_implementation):\n    assert isinstance(ssot_implementation.make().greet('x'), str)\n")
        assert ssot(project, "baseline", "--update").returncode == 0
        whole = ssot(project, "verify", "-n", "0", "--reports", "whole", GITHUB_ACTIONS="true")
        (project / "whole.out").write_text(whole.stdout + whole.stderr)
        in_shards(project, "verify", "-n", "0", "--reports", "shard{K}")

    return once(tmp_path_factory, "toy-shards", build) / "toy"


def shard_files(project: Path) -> list[str]:
    return [f"shard{k}/verify-shard-{k}-of-3.json" for k in (1, 2, 3)]


@pytest.fixture(scope="session")
def kitchen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kitchen's inventory, unsharded (whole.json) and in 3 shards (inv1.json … inv3.json)."""
    def build(folder: Path) -> None:
        project = folder / "kitchen"
        shutil.copytree(FIXTURES / "finish" / "kitchen", project)
        whole = ssot(project, "inventory", "--format", "json", "--output", "whole.json")
        assert whole.returncode == 0, whole.stderr
        in_shards(project, "inventory", "--output", "inv{K}.json")

    return once(tmp_path_factory, "kitchen-shards", build) / "kitchen"
