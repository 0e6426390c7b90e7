"""An inventory shard's result file (the selection, the shard, the coverage data with its contexts,
the project root it was measured in) and merging shards into the inventory of the whole run."""

from __future__ import annotations

import base64
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.finish.inventory import Inventory, executed_lines, inventory_of, spans_of
from harness.model import Config
from harness.prove.shards import check_shards

KIND = "ssot-harness inventory shard"
VERSION = 1


def dump(
    shard: str, families: list[str], selection: list[str], rc: int, data: bytes, root: Path
) -> str:
    body = {
        "kind": KIND,
        "version": VERSION,
        "shard": shard,
        "families": families,
        "selection": selection,
        "pytest_exit": rc,
        "root": str(root),
        "coverage": base64.b64encode(data).decode("ascii"),
    }
    return json.dumps(body, indent=2, sort_keys=True) + "\n"


def load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("version") != VERSION:
        raise UsageError(
            f"{path}: inventory shard version {data.get('version')!r}; this ssot-harness reads {VERSION}"
        )
    return data


def merge(config: Config, named: list[tuple[str, dict[str, Any]]]) -> Inventory:
    """The inventory one unsharded run would give: every shard once, one selection, data combined
    by coverage.py (each shard's root mapped onto this project's)."""
    check_shards([(name, d.get("shard")) for name, d in named])
    first_name, first = named[0]
    for name, d in named[1:]:
        for key in ("selection", "families"):
            if d[key] != first[key]:
                raise UsageError(
                    f"{name} and {first_name}: different {key} ({d[key]} vs {first[key]}); the shards are not of one run"
                )
    root = Path(config.root).resolve()
    chosen, spans = spans_of(config, first["families"])
    with tempfile.TemporaryDirectory(prefix="ssot-inventory-merge-") as folder:
        import coverage

        for i, (_, d) in enumerate(named):
            part = coverage.CoverageData(basename=os.path.join(folder, f".coverage.shard{i}"))
            part.loads(base64.b64decode(d["coverage"]))
        roots = [str(root), *sorted({d["root"] for _, d in named} - {str(root)})]
        executed, _ = executed_lines(folder, roots)
    rc = max(d["pytest_exit"] for _, d in named)
    return inventory_of(root, chosen, spans, executed, tuple(first["selection"]), rc)
