"""The `ssot-harness step FAMILY --before REV` command: is this remediation step safe?"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from harness.commands import front
from harness.finish.step import StepReport, verify_step

HELP = """\
Say whether one remediation step (the working tree against git revision REV, usually the commit
before the step) is safe: the audit within the baseline, the family's non-canonical counts strictly
lower than at REV, no new import site of a non-canonical member, no divergence declared for a member
that is gone ("remove this declaration"), the golden snapshots byte-identical, and the golden path,
contracts and differential green for the members that remain. Prints members before -> after.

exit status: 0 safe, 1 not safe, 2 usage or config error
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "step",
        help="is a remediation step safe? (against the commit before it)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("family", metavar="FAMILY")
    parser.add_argument(
        "--before", required=True, metavar="REV", help="git revision before the step (e.g. HEAD~1)"
    )
    parser.add_argument(
        "--config", metavar="PYPROJECT", help="pyproject.toml holding [tool.ssot-harness]"
    )
    parser.add_argument(
        "--no-tests",
        action="store_true",
        help="static checks only: skip the golden path, contracts and differential run",
    )
    parser.add_argument(
        "-n", "--workers", default="2", help="pytest-xdist workers for the test run (0: serial)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)  # fmt: skip


def run(args: argparse.Namespace) -> int:
    config = front.load_project(args)
    report = verify_step(
        Path(config.source), args.family, args.before, tests=not args.no_tests, workers=args.workers
    )
    sys.stdout.write(to_json(report) if args.format == "json" else to_text(report))
    return 0 if report.safe else 1


def to_text(r: StepReport) -> str:
    out = [
        f"step {r.family} (against {r.before}): members {r.members_before} -> {r.members_after}, non-canonical places {r.places_before} -> {r.places_after}"
    ]
    for c in r.checks:
        out.append(
            f"  {'ok  ' if c.ok else 'FAIL'} {c.name}" + (f": {c.detail}" if c.detail else "")
        )
    out.append(f"verdict: {'SAFE' if r.safe else 'NOT SAFE'}")
    return "\n".join(out) + "\n"


def to_json(r: StepReport) -> str:
    body = {
        "family": r.family, "before": r.before, "members": [r.members_before, r.members_after],
        "places": [r.places_before, r.places_after], "safe": r.safe,
        "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in r.checks],
    }  # fmt: skip
    return json.dumps(body, indent=2) + "\n"
