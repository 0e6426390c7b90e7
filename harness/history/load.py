"""A replayed history read back from its JSON (`ssot-harness history --format json`), for charts
drawn elsewhere (the HTML page's burndown)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.history.git import Commit
from harness.history.points import COUNTS, CommitPoint, FamilyPoint, Movement, Place
from harness.history.render import History
from harness.scan.checked import shaped

_COUNTS = {k: int for k in COUNTS}
_PLACE = {"path": str, "line": int, "kind": str, "member": str}
SHAPE = {
    "range": str, "families": [str], "notes": [str],
    "commits": [
        {
            "commit": str, "time": int, "date": str, "subject": str, "families": {str: _COUNTS},
            "notes": [str],
            "movements": [
                {"family": str, "before": _COUNTS, "after": _COUNTS, "appeared": [_PLACE], "went": [_PLACE]}
            ],
        }
    ],
}  # fmt: skip


def _place(p: dict[str, Any]) -> Place:
    return Place(p["path"], p["line"], p["kind"], p["member"], p.get("detail", ""))


def from_json(data: dict[str, Any]) -> History:
    points = []
    for c in data["commits"]:
        commit = Commit(c["commit"], c["time"], c["date"], c["subject"])
        families = tuple(
            FamilyPoint(name, *(counts[k] for k in COUNTS))
            for name, counts in sorted(
                c["families"].items(), key=lambda kv: data["families"].index(kv[0])
            )
        )
        movements = tuple(
            Movement(
                m["family"],
                tuple(m["before"][k] for k in COUNTS),
                tuple(m["after"][k] for k in COUNTS),
                tuple(_place(p) for p in m["appeared"]),
                tuple(_place(p) for p in m["went"]),
            )
            for m in c["movements"]
        )
        points.append(CommitPoint(commit, families, movements, tuple(c["notes"])))
    return History(data["range"], tuple(points), tuple(data["families"]), tuple(data["notes"]))


def read(path: Path) -> History:
    """The history in `path`, or a usage error saying how to make one."""
    try:
        return from_json(shaped(json.loads(path.read_text(encoding="utf-8")), SHAPE))
    except FileNotFoundError:
        raise UsageError(
            f"--history {path}: no such file; write one with `ssot-harness history --format json --output {path}`"
        ) from None
    except (
        OSError,
        UnicodeDecodeError,
        json.JSONDecodeError,
        KeyError,
        TypeError,
        ValueError,
    ) as exc:
        raise UsageError(
            f"--history {path}: not the JSON of `ssot-harness history --format json` ({type(exc).__name__}: {exc})"
        ) from None
