"""verify's result file, and merging shards' result files: the audit, every matrix cell, every
test's outcome, the pytest exit; what `merge` combines and `report --html` renders (plain JSON)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.prove import matrix
from harness.prove.outcomes import FILE as TESTS_FILE
from harness.prove.shards import Shard, check_shards
from harness.scan.atomic import write_text_atomic
from harness.scan.checked import read_shaped, shaped

KIND = "ssot-harness verify results"
VERSION = 1
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NO_TESTS = 5  # pytest's exit when a selection (e.g. a small shard) holds no test

# what the readers of a result file use (merge, the verdict, the page, the annotations), as written
FINDING = {
    "path": str, "line": int, "kind": str, "member": str, "canonical": bool, "detail": str,
    "fix": str, "shim": bool,
}  # fmt: skip
SHIM = {"member": str, "reason": str, "expires": str, "state": str, "problem": str}
FAMILY = {
    "name": str, "canonical": str, "failed": bool, "verdict": str, "members": [str],
    "shims": [SHIM], "findings": [FINDING],
}  # fmt: skip
TEST = {"id": str, "file": str, "line": int, "markers": [str], "outcome": str, "message": str}
SHAPE = {
    "shard": (str, type(None)), "date": str, "audit": {"failed": bool, "families": [FAMILY]},
    "cells": [matrix.CELL], "stale": [str], "tests": [TEST], "pytest_exit": int,
}  # fmt: skip


def file_name(shard: Shard | None) -> str:
    return f"verify-shard-{shard.slug}.json" if shard else "verify-results.json"


def build(
    audit: dict[str, Any], reports: Path, shard: Shard | None, pytest_exit: int, date: str
) -> dict[str, Any]:
    """The run's results from what the pytest run wrote into `reports` (cells, tests)."""
    cells_path, tests_path = reports / matrix.CELLS_FILE, reports / TESTS_FILE
    cells, stale = matrix.load_cells(cells_path) if cells_path.is_file() else ([], [])
    tests = (
        read_shaped(tests_path, {"tests": [TEST]}, "the test outcomes of a pytest run")["tests"]
        if tests_path.is_file()
        else []
    )
    return {
        "kind": KIND,
        "version": VERSION,
        "shard": str(shard) if shard else None,
        "date": date,
        "audit": audit,
        "cells": [asdict(c) for c in cells],
        "stale": stale,
        "tests": tests,
        "pytest_exit": pytest_exit,
    }


def dump(results: dict[str, Any]) -> str:
    return json.dumps(results, indent=2, sort_keys=True) + "\n"


def write(results: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, dump(results))
    return path


def load(path: Path) -> dict[str, Any]:
    """A result file of `verify`, or a usage error saying what the file is not (naming the key)."""
    what = "a result file of `ssot-harness verify`"
    data = read_shaped(path, {}, what)
    if data.get("kind") != KIND:
        raise UsageError(
            f"{path}: key kind is {data.get('kind')!r}: not {what} (verify-results.json or verify-shard-K-of-N.json)"
        )
    if data.get("version") != VERSION:
        raise UsageError(
            f"{path}: key version is {data.get('version')!r}: a result file of another ssot-harness (this one reads {VERSION})"
        )
    return checked(path, data)


def checked(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """`data` of `path`, when it holds what verify writes where its readers look; else a usage
    error naming the file and the key."""
    try:
        shaped(data, SHAPE)
        dates = [("date", data["date"])] + [
            (f"audit.families[{i}].shims[{j}].expires", shim["expires"])
            for i, family in enumerate(data["audit"]["families"])
            for j, shim in enumerate(family["shims"])
        ]
        for key, text in dates:
            if not _ISO_DATE.fullmatch(text):
                raise TypeError(f"key {key} is {text!r}, not a date (YYYY-MM-DD)")
            dt.date.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{path}: not a result file of `ssot-harness verify` ({exc})") from None
    return data


def merge(named: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """One run's results from every shard's: each of 1..N exactly once, one audit, disjoint tests."""
    shards = check_shards([(name, data.get("shard")) for name, data in named])
    first_name, first = named[0]
    for name, data in named[1:]:
        if data["audit"] != first["audit"]:
            raise UsageError(
                f"{name} and {first_name}: the shards' audits differ; every shard must run on the same commit and config"
            )
    seen: dict[str, str] = {}
    tests = []
    for name, data in named:
        for test in data["tests"]:
            if test["id"] in seen:
                raise UsageError(
                    f"test {test['id']} ran in {seen[test['id']]} and in {name}: the shards were not cut from one collection"
                )
            seen[test["id"]] = name
            tests.append(test)
    exits = [d["pytest_exit"] for _, d in named if d["pytest_exit"] != NO_TESTS]
    cells = [row for _, d in named for row in d["cells"]]
    return {
        **first,
        "shard": None,
        "merged": shards,
        "cells": [asdict(c) for c in sorted(matrix.cells_from(cells), key=_cell_key)],
        "stale": sorted({s for _, d in named for s in d["stale"]}),
        "tests": sorted(tests, key=lambda t: t["id"]),
        "pytest_exit": max(exits) if exits else NO_TESTS,
    }


def cells_of(results: dict[str, Any]) -> list[matrix.Cell]:
    return matrix.cells_from(results["cells"])


def problems(results: dict[str, Any], with_adapters: list[str]) -> list[str]:
    """Why the run failed (empty: it passed): pytest's exit, families whose contracts never ran, the audit.

    A shard's own results skip the not-run check: another shard may hold those contracts."""
    out = []
    rc = results["pytest_exit"]
    if rc != 0 and not (results["shard"] and rc == NO_TESTS):
        out.append(f"pytest exited {rc}")
    if not results["shard"]:
        ran = {row["family"] for row in results["cells"]}
        not_run = sorted(name for name in with_adapters if name not in ran)
        if not_run:
            out.append(
                f"no contract test ran for {', '.join(not_run)} (their adapters packages hold no contract-marked test, or the selection excluded them)"
            )
    out += results["stale"] if results.get("merged") else []
    if results["audit"]["failed"]:
        out.append("the audit failed")
    return out


def _cell_key(cell: matrix.Cell) -> tuple[str, ...]:
    return tuple(str(v) for v in asdict(cell).values())
