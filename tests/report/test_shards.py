"""Shards and merge: the toy family in 3 shards in separate processes merges into the matrix one
machine writes, byte for byte; the kitchen's inventory in 3 shards into the same inventory; a
missing or duplicated shard is a usage error. Also JUnit XML and GitHub Actions annotations."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.report.shard_runs import kitchen, shard_files, ssot, toy

__all__ = ["kitchen", "toy"]  # session fixtures
MATRIX = ("equivalence-matrix.md", "equivalence-matrix.json", "equivalence-cells.json")


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


def test_inventory_in_three_shards_merges_into_the_unsharded_inventory(kitchen: Path) -> None:
    parts = [f"inv{k}.json" for k in (1, 2, 3)]
    assert all((kitchen / p).is_file() for p in parts)
    merged = ssot(kitchen, "merge", *parts, "--format", "json", "--output", "merged.json")
    assert merged.returncode == 0, merged.stderr
    assert (kitchen / "merged.json").read_bytes() == (kitchen / "whole.json").read_bytes()
    assert "test_supper" in (kitchen / "merged.json").read_text()
    missing = ssot(kitchen, "merge", "inv1.json", "inv3.json", "--format", "json")
    assert missing.returncode == 2 and "shard 2/3 missing" in missing.stderr
