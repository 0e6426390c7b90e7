"""Shards and merge: the toy family in 3 shards in separate processes merges into the matrix one
machine writes, byte for byte; the kitchen's inventory in 3 shards into the same inventory; a
missing or duplicated shard is a usage error. Also JUnit XML and GitHub Actions annotations."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.report.once import once

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MATRIX = ("equivalence-matrix.md", "equivalence-matrix.json", "equivalence-cells.json")


def ssot(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args], cwd=project, capture_output=True, text=True,
        timeout=300, env={**os.environ, **env},
    )  # fmt: skip


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
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "harness.cli", "verify", "-n", "0", "--shard", f"{k}/3", "--reports", f"shard{k}"],
                cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for k in (1, 2, 3)
        ]
        assert all(p.wait(timeout=300) in (0, 1) for p in procs)

    return once(tmp_path_factory, "toy-shards", build) / "toy"


def shard_files(project: Path) -> list[str]:
    return [f"shard{k}/verify-shard-{k}-of-3.json" for k in (1, 2, 3)]


def test_three_shards_merge_into_the_unsharded_matrix_byte_for_byte(toy: Path) -> None:
    merged = ssot(toy, "merge", *shard_files(toy), "--reports", "merged")
    assert merged.returncode == 1, merged.stderr  # the toy has a real failure, as unsharded
    assert "merge: FAILED (pytest exited 1)" in merged.stdout
    for name in MATRIX:
        assert (toy / "merged" / name).read_bytes() == (toy / "whole" / name).read_bytes(), name
    whole = json.loads((toy / "whole" / "verify-results.json").read_text())
    again = json.loads((toy / "merged" / "verify-results.json").read_text())
    assert again["tests"] == whole["tests"] and again["cells"] == whole["cells"]
    # each shard ran a part: no shard holds every test
    parts = [json.loads((toy / f).read_text())["tests"] for f in shard_files(toy)]
    assert sum(map(len, parts)) == len(whole["tests"]) and all(len(p) < len(whole["tests"]) for p in parts)


def test_a_missing_or_duplicated_shard_is_an_error_not_a_partial_matrix(toy: Path) -> None:
    one, two, three = shard_files(toy)
    missing = ssot(toy, "merge", one, three, "--reports", "partial")
    assert missing.returncode == 2
    assert "shard 2/3 missing (given: 1/3, 3/3)" in missing.stderr
    twice = ssot(toy, "merge", one, one, two, three, "--reports", "partial")
    assert twice.returncode == 2 and "shard 1/3 given twice" in twice.stderr
    unsharded = ssot(toy, "merge", "whole/verify-results.json", "--reports", "partial")
    assert unsharded.returncode == 2 and "unsharded run" in unsharded.stderr
    assert not (toy / "partial").exists()
    bad = ssot(toy, "verify", "--shard", "4/3")
    assert bad.returncode == 2 and "expected K/N with 1 <= K <= N" in bad.stderr


def test_verify_writes_junit_xml_and_github_annotations(toy: Path) -> None:
    out = (toy / "whole.out").read_text()
    assert (
        "::error file=toycontracts/test_greet.py,line=10,title=fail%3A toycontracts/test_greet.py%3A%3A"
        "test_greeting_ends_with_the_name[LoudGreeter]::AssertionError: assert False"
    ) in out
    suite = ET.parse(toy / "whole" / "junit.xml").getroot().find("testsuite")
    assert suite is not None and int(suite.get("failures", 0)) + int(suite.get("errors", 0)) >= 1
    quiet = ssot(toy, "merge", *shard_files(toy), "--reports", "merged-quiet")
    assert "::error" not in quiet.stdout  # only under GitHub Actions


def test_inventory_in_three_shards_merges_into_the_unsharded_inventory(tmp_path: Path) -> None:
    kitchen = tmp_path / "kitchen"
    shutil.copytree(FIXTURES / "finish" / "kitchen", kitchen)
    whole = ssot(kitchen, "inventory", "--format", "json", "--output", "whole.json")
    assert whole.returncode == 0, whole.stderr
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "harness.cli", "inventory", "--shard", f"{k}/3", "--output", f"inv{k}.json"],
            cwd=kitchen, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for k in (1, 2, 3)
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0]
    merged = ssot(kitchen, "merge", "inv1.json", "inv2.json", "inv3.json", "--format", "json", "--output", "merged.json")
    assert merged.returncode == 0, merged.stderr
    assert (kitchen / "merged.json").read_bytes() == (kitchen / "whole.json").read_bytes()
    assert "test_supper" in (kitchen / "merged.json").read_text()
    missing = ssot(kitchen, "merge", "inv1.json", "inv3.json", "--format", "json")
    assert missing.returncode == 2 and "shard 2/3 missing" in missing.stderr
