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
from harness.scan.checked import read_shaped, shaped

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


SHAPE = {
    "shard": str, "families": [str], "selection": [str], "pytest_exit": int, "root": str,
    "coverage": str,
}  # fmt: skip


def load(path: Path) -> dict[str, Any]:
    """An inventory shard's result file, or a usage error naming the file and the key it lacks."""
    what = "an inventory shard of `ssot-harness inventory --shard`"
    data = read_shaped(path, {}, what)
    if data.get("version") != VERSION:
        raise UsageError(
            f"{path}: key version is {data.get('version')!r}: an inventory shard of another ssot-harness (this one reads {VERSION})"
        )
    try:
        shaped(data, SHAPE)
        if not os.path.isabs(data["root"]) or "\0" in data["root"]:
            raise TypeError(f"key root is {data['root']!r}, not the absolute path of a project")
        data["coverage"] = base64.b64decode(data["coverage"], validate=True)
    except (TypeError, ValueError) as exc:  # binascii.Error, non-ASCII text: a ValueError
        raise UsageError(f"{path}: not {what} ({_said(exc)})") from None
    return data


def merge(config: Config, named: list[tuple[str, dict[str, Any]]]) -> Inventory:
    """The inventory one unsharded run would give: every shard once, one selection, data combined
    by coverage.py (each shard's root mapped onto this project's)."""
    check_shards([(name, d["shard"]) for name, d in named])
    first_name, first = named[0]
    for name, d in named[1:]:
        for key in ("selection", "families"):
            if d[key] != first[key]:
                raise UsageError(
                    f"{name} and {first_name}: different {key} ({d[key]} vs {first[key]}); the shards are not of one run"
                )
    known = [f.name for f in config.families]
    unknown = [name for name in first["families"] if name not in known]
    if unknown:
        raise UsageError(
            f"{first_name}: key families names {', '.join(map(repr, unknown))}, not a family of "
            f"this project's [tool.ssot-harness.families] ({', '.join(known) or 'none'})"
        )
    root = Path(config.root).resolve()
    chosen, spans = spans_of(config, first["families"])
    import coverage
    from coverage.exceptions import CoverageException

    with tempfile.TemporaryDirectory(prefix="ssot-inventory-merge-") as folder:
        for i, (name, d) in enumerate(named):
            part = coverage.CoverageData(basename=os.path.join(folder, f".coverage.shard{i}"))
            try:
                part.loads(d["coverage"])
            except CoverageException as exc:
                raise UsageError(
                    f"{name}: key coverage is not coverage.py's data ({exc})"
                ) from None
        roots = [str(root), *sorted({d["root"] for _, d in named} - {str(root)})]
        try:
            executed, _ = executed_lines(folder, roots)
        except CoverageException as exc:
            files = ", ".join(name for name, _ in named)
            raise UsageError(
                f"{files}: keys root and coverage: coverage.py cannot combine the shards ({exc})"
            ) from None
    rc = max(d["pytest_exit"] for _, d in named)
    return inventory_of(root, chosen, spans, executed, tuple(first["selection"]), rc)


def _said(exc: Exception) -> str:
    return str(exc) if isinstance(exc, TypeError) else f"key coverage is not base64 ({exc})"
