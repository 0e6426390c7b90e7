"""The equivalence matrix: members × contracts, pass / fail / xfail-with-reason, as markdown and JSON."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.scan.atomic import write_text_atomic


@dataclass(frozen=True)
class Cell:
    family: str
    member: str
    contract: str
    case: str  # "" when the contract has no other parameter
    outcome: str  # pass | fail | xfail | skip | fixed
    reason: str = ""
    detail: str = ""


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
    """The failure's own message (pytest's structured crash entry), not the rendered traceback."""
    crash = getattr(report.longrepr, "reprcrash", None)
    return (
        re.sub(r" at 0x[0-9a-f]+", "", str(crash.message).splitlines()[0])
        if crash is not None and crash.message
        else ""
    )


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


def to_markdown(cells: list[Cell]) -> str:
    table = aggregate(cells)
    lines = ["# Equivalence matrix", ""]
    for family in sorted({f for f, _, _ in table}):
        members = sorted({m for f, m, _ in table if f == family})
        contracts = sorted({c for f, _, c in table if f == family})
        lines += [f"## {family}", "", "| member | " + " | ".join(contracts) + " |"]
        lines.append("| --- |" + " --- |" * len(contracts))
        for member in members:
            row = [member]
            for contract in contracts:
                cell = table.get((family, member, contract))
                row.append(_mark(cell))
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


def write(cells: list[Cell], folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "equivalence-matrix.md", folder / "equivalence-matrix.json")
    for path, text in zip(paths, (to_markdown(cells), to_json(cells)), strict=True):
        write_text_atomic(path, text)
    return paths
