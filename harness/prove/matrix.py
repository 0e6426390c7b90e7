"""The equivalence matrix: members × contracts, pass / fail / xfail-with-reason, as markdown and JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from harness.scan.atomic import write_text_atomic
from harness.scan.checked import read_shaped


@dataclass(frozen=True)
class Cell:
    family: str
    member: str
    contract: str
    case: str  # "" when the contract has no other parameter
    outcome: str  # pass | fail | xfail | skip | fixed
    reason: str = ""
    detail: str = ""


CELL = {
    "family": str, "member": str, "contract": str, "case": str, "outcome": str, "reason": str,
    "detail": str,
}  # fmt: skip


def outcome_of(
    report: Any, *, fixed: bool = False, detail: str = ""
) -> tuple[str, str, str] | None:
    """(outcome, reason, detail) of one pytest TestReport phase, or None for phases that say nothing.

    `fixed`: the test carried a declared divergence and passed (its strict xfail failed the run);
    `detail`: the structured detail the test's report carried (minimal scenario and diff)."""
    if report.when == "call" or (report.when == "setup" and not report.passed):
        if fixed:
            return "fixed", "fixed: remove this declaration", ""
        if hasattr(report, "wasxfail"):
            return "xfail", report.wasxfail, detail
        if report.failed:
            return "fail", "", detail or _crash(report)
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            return "skip", str(reason).removeprefix("Skipped: "), ""
        return "pass", "", ""
    if report.when == "teardown" and report.failed:
        return "fail", "teardown failed", _crash(report)
    return None


def _crash(report: Any) -> str:
    """The failure's own message (pytest's structured crash entry, or the text a plugin left), not
    the rendered traceback: its first line, without memory addresses."""
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    text = (
        str(crash.message) if crash is not None else longrepr if isinstance(longrepr, str) else ""
    )
    return re.sub(r" at 0x[0-9a-f]+", "", text.splitlines()[0]) if text else ""


def aggregate(cells: list[Cell]) -> dict[tuple[str, str, str], dict]:
    """(family, member, contract) -> {outcome, reason, cases, detail}, over the contract's cases."""
    grouped: dict[tuple[str, str, str], list[Cell]] = {}
    for cell in cells:
        grouped.setdefault((cell.family, cell.member, cell.contract), []).append(cell)
    out = {}
    for key in sorted(grouped):
        group = sorted(grouped[key], key=lambda c: c.case)
        outcomes = [c.outcome for c in group]
        if "fixed" in outcomes:
            outcome = "fixed"
        elif "fail" in outcomes:
            outcome = "fail"
        elif "xfail" in outcomes:
            outcome = "xfail"
        elif set(outcomes) == {"skip"}:
            outcome = "skip"
        else:
            outcome = "pass"
        picked = [c for c in group if c.outcome == outcome]
        out[key] = {
            "outcome": outcome,
            "reason": picked[0].reason if picked else "",
            "cases": f"{len(picked)}/{len(group)}",
            "failing_cases": [
                c.case for c in group if c.outcome in ("fail", "xfail", "fixed") and c.case
            ],
            "detail": next((c.detail for c in picked if c.detail), ""),
        }
    return out


def to_json(cells: list[Cell]) -> str:
    rows = [
        {"family": f, "member": m, "contract": c, **v} for (f, m, c), v in aggregate(cells).items()
    ]
    return json.dumps({"version": 1, "cells": rows}, indent=2, sort_keys=True) + "\n"


def to_markdown(cells: list[Cell], observed: Mapping[tuple[str, str], str] | None = None) -> str:
    return render_markdown(aggregate(cells), observed)


def table_from_json(text: str) -> dict[tuple[str, str, str], dict]:
    """The aggregated table back from `to_json`'s text (what `verify` re-renders)."""
    return {(r["family"], r["member"], r["contract"]): r for r in json.loads(text)["cells"]}


def render_markdown(
    table: dict[tuple[str, str, str], dict], observed: Mapping[tuple[str, str], str] | None = None
) -> str:
    """The matrix; with `observed` ((family, member) -> text), an "observed" column beside the
    contracts (what staging experiments saw of each member)."""
    lines = ["# Equivalence matrix", ""]
    observed = observed or {}
    for family in sorted({f for f, _, _ in table} | {f for f, _ in observed}):
        members = sorted(
            {m for f, m, _ in table if f == family} | {m for f, m in observed if f == family}
        )
        contracts = sorted({c for f, _, c in table if f == family})
        extra = ["observed"] if observed else []
        lines += [f"## {family}", "", "| member | " + " | ".join([*contracts, *extra]) + " |"]
        lines.append("| --- |" + " --- |" * (len(contracts) + len(extra)))
        for member in members:
            row = [member]
            for contract in contracts:
                cell = table.get((family, member, contract))
                row.append(_mark(cell))
            if observed:
                row.append(observed.get((family, member), "—"))
            lines.append("| " + " | ".join(row) + " |")
        notes = [
            (m, c, v)
            for (f, m, c), v in table.items()
            if f == family and v["outcome"] in ("xfail", "fail", "fixed")
        ]
        if notes:
            lines += ["", "Divergences and failures:", ""]
            for member, contract, v in sorted(notes):
                cases = f" (cases: {', '.join(v['failing_cases'])})" if v["failing_cases"] else ""
                lines.append(
                    f"- **{member}** × `{contract}`: {v['outcome']}{cases}"
                    + (f" — {v['reason']}" if v["reason"] else "")
                )
                if v["detail"]:
                    lines += [
                        "",
                        "  ```",
                        *["  " + line for line in v["detail"].splitlines()],
                        "  ```",
                        "",
                    ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _mark(cell: dict | None) -> str:
    if cell is None:
        return "—"
    mark = {
        "pass": "pass",
        "fail": "**FAIL**",
        "skip": "skip",
        "xfail": "xfail",
        "fixed": "**FIXED: remove the declaration**",
    }[cell["outcome"]]
    if cell["outcome"] == "xfail" and cell["cases"].split("/")[1] != "1":
        mark += f" ({cell['cases']})"
    return mark


FILES = ("equivalence-matrix.md", "equivalence-matrix.json")
CELLS_FILE = "equivalence-cells.json"


def cells_json(cells: list[Cell], stale: list[str]) -> str:
    """Every cell of the run (one per test) and the stale declarations: what shards merge by union."""
    rows = sorted((asdict(c) for c in cells), key=lambda r: tuple(str(v) for v in r.values()))
    return (
        json.dumps({"version": 1, "cells": rows, "stale": stale}, indent=2, sort_keys=True) + "\n"
    )


def write_cells(cells: list[Cell], stale: list[str], folder: Path) -> Path:
    path = folder / CELLS_FILE
    write_text_atomic(path, cells_json(cells, stale))
    return path


def load_cells(path: Path) -> tuple[list[Cell], list[str]]:
    data = read_shaped(path, {"cells": [CELL], "stale": [str]}, "the cells of a pytest run")
    return cells_from(data["cells"]), list(data["stale"])


def cells_from(rows: list[dict[str, Any]]) -> list[Cell]:
    """Cells from rows of `CELL`'s shape (keys beyond a cell's fields are left out)."""
    return [Cell(**{key: row[key] for key in CELL}) for row in rows]


def write(cells: list[Cell], folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / FILES[0], folder / FILES[1])
    for path, text in zip(paths, (to_markdown(cells), to_json(cells)), strict=True):
        write_text_atomic(path, text)
    return paths
