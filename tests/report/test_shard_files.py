"""A shard's result file that does not hold what its writer writes (a field of another type, a key
missing, coverage data that is not) is a usage error naming the file and the key, exit 2: never a
traceback, never a merge of what it happens to hold."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from harness.errors import UsageError
from harness.prove import matrix
from tests.report.shard_runs import kitchen, shard_files, ssot, toy

__all__ = ["kitchen", "toy"]  # session fixtures


def _copies(project: Path, names: list[str], into: Path) -> list[Path]:
    into.mkdir()
    return [Path(shutil.copy(project / name, into / f"{i}-{Path(name).name}")) for i, name in enumerate(names)]


def _edit(path: Path, **values: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, value in values.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    path.write_text(json.dumps(data), encoding="utf-8")


def _refused(project: Path, files: list[Path], named: Path, key: str, *extra: str) -> None:
    done = ssot(project, "merge", *map(str, files), *extra)
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert f"{named}: " in done.stderr and f"key {key}" in done.stderr, done.stderr


INVENTORY = [f"inv{k}.json" for k in (1, 2, 3)]


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("shard", [1, 2], "key shard is a list, not a string"),  # was AttributeError: 'list' … 'strip'
        ("coverage", 5, "key coverage is an integer, not a string"),  # was TypeError from b64decode
        ("coverage", "", "key coverage is not coverage.py's data"),  # was coverage's DataError
        ("coverage", base64.b64encode(b"not sqlite").decode(), "key coverage is not coverage.py's data"),
        ("coverage", "%%%", "key coverage is not base64"),
        ("selection", None, "key selection is missing"),
        ("root", "here", "key root is 'here', not the absolute path"),
        ("families", ["nosuch"], "key families names 'nosuch'"),
    ],
)
def test_a_damaged_inventory_shard_is_named_with_its_key(
    kitchen: Path, tmp_path: Path, key: str, value: Any, said: str
) -> None:
    files = _copies(kitchen, INVENTORY, tmp_path / "shards")
    target = files[0]
    if key == "families":  # every shard of one run names the same families
        for f in files:
            _edit(f, families=value)
    else:
        _edit(target, **{key: value})
    _refused(kitchen, files, target, key.split()[0], "--format", "json")
    assert said in ssot(kitchen, "merge", *map(str, files)).stderr


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("tests", 5, "tests"),
        ("tests", [{"id": 1}], "tests[0].id"),
        ("cells", [{"family": "toy"}], "cells[0].member"),
        ("stale", [3], "stale[0]"),
        ("audit", {"families": []}, "audit.failed"),
        ("pytest_exit", "1", "pytest_exit"),
        ("shard", [1, 2], "shard"),
        ("date", "yesterday", "date"),
    ],
)
def test_a_damaged_verify_shard_is_named_with_its_key(
    toy: Path, tmp_path: Path, key: str, value: Any, named: str
) -> None:
    files = _copies(toy, shard_files(toy), tmp_path / "shards")
    _edit(files[1], **{key: value})
    _refused(toy, files, files[1], named, "--reports", str(tmp_path / "merged"))
    assert not (tmp_path / "merged").exists()


def test_a_result_file_with_a_shim_expiry_not_a_date_is_refused_by_report(toy: Path, tmp_path: Path) -> None:
    path = tmp_path / "verify-results.json"
    data = json.loads((toy / "whole" / "verify-results.json").read_text(encoding="utf-8"))
    data["audit"]["families"][0]["shims"] = [
        {"member": "m", "reason": "r", "expires": "soon", "state": "ok", "problem": ""}
    ]
    path.write_text(json.dumps(data), encoding="utf-8")
    done = ssot(toy, "report", str(path), "--html", str(tmp_path / "page.html"))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "key audit.families[0].shims[0].expires is 'soon', not a date" in done.stderr


def test_the_cells_file_of_a_run_is_read_checked(tmp_path: Path) -> None:
    path = tmp_path / matrix.CELLS_FILE
    path.write_text(json.dumps({"version": 1, "cells": [{"family": 1}], "stale": []}), encoding="utf-8")
    with pytest.raises(UsageError, match=r"equivalence-cells.json: .*key cells\[0\]\.family is an integer"):
        matrix.load_cells(path)
