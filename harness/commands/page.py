"""The HTML page's data from verify's results, the tree's remediation plans and (optionally) the
replayed history; rendering is harness.report.html's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from harness import __version__
from harness.commands import results
from harness.commands.plan import to_json as plan_json
from harness.finish.plan import build_plan
from harness.history import load
from harness.history.chart import chart_svg
from harness.history.render import History
from harness.model import Config
from harness.pin.audit import AuditReport, run_audit
from harness.prove.matrix import aggregate
from harness.report import html


def load_history(path: Path) -> History:
    return load.read(path)


def plans(config: Config, report: AuditReport | None) -> dict[str, list[dict[str, Any]]]:
    """Each family's remediation steps, from the tree as it is (the audit is run when not given)."""
    report = report or run_audit(config, require_baseline=False)
    return {
        fa.family.name: json.loads(plan_json(build_plan(config, fa, None)))["steps"]
        for fa in report.families
    }


def data(
    found: dict[str, Any],
    steps: dict[str, list[dict[str, Any]]],
    history: History | None,
    with_adapters: list[str],
) -> dict[str, Any]:
    today = dt.date.fromisoformat(found["date"])
    table = aggregate(results.cells_of(found))
    families = []
    for fam in found["audit"]["families"]:
        name = fam["name"]
        cells = {(m, c): v for (f, m, c), v in table.items() if f == name}
        shims = [
            {**s, "days": (dt.date.fromisoformat(s["expires"]) - today).days} for s in fam["shims"]
        ]
        families.append(
            {
                **fam,
                "shims": shims,
                "matrix": {
                    "members": sorted({m for m, _ in cells}),
                    "contracts": sorted({c for _, c in cells}),
                    "cells": cells,
                },
                "plan": steps.get(name, []),
            }
        )
    golden = [t for t in found["tests"] if "golden_path" in t["markers"]]
    return {
        "version": __version__,
        "date": found["date"],
        "merged": found.get("merged"),
        "families": families,
        "golden": golden,
        "stale": found["stale"],
        "problems": results.problems(found, with_adapters),
        "burndown": chart_svg(history) if history is not None and history.points else None,
        "history": history.summary() if history is not None else None,
    }


def render(
    found: dict[str, Any], config: Config, report: AuditReport | None, history: History | None
) -> str:
    with_adapters = [f.name for f in config.families if f.adapters]
    return html.render(data(found, plans(config, report), history, with_adapters))
