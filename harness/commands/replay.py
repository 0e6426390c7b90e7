"""The `ssot-harness replay FAMILY --steps DIR` command: replay a recorded migration on a temporary
copy, verifying every step, and print the per-step table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.commands import front
from harness.finish.replay import Outcome, Replay, replay

HELP = """\
Replay a migration recorded as ordered steps on a temporary git copy of the project. A step is one
or more files NN-purpose.patch (applied with git apply) or NN-purpose.cmds (ssot-harness command
lines), files with the same NN forming one step; the first line `# ...` states its purpose. After
each step the copy is committed and checked as `ssot-harness step FAMILY --before HEAD~1` does;
at the end: the family pinned, one member, the baseline lowered, no declared divergence left, the
golden snapshots unchanged, and the --final-test tests green.

exit status: 0 every step safe and the end state reached, 1 otherwise, 2 usage or config error
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "replay",
        help="replay recorded remediation steps on a temporary copy, verifying each",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("family", metavar="FAMILY")
    parser.add_argument(
        "--steps",
        required=True,
        metavar="DIR",
        help="folder of NN-purpose.patch / NN-purpose.cmds files",
    )
    parser.add_argument(
        "--config", metavar="PYPROJECT", help="pyproject.toml holding [tool.ssot-harness]"
    )
    parser.add_argument(
        "--tests",
        choices=("each", "last", "none"),
        default="each",
        help="run the golden path, contracts and differential after each step (default), the last only, or never",
    )
    parser.add_argument(
        "--final-test",
        action="append",
        default=[],
        metavar="NODEID",
        help="a test (pytest node id or path) that must pass on the final copy (repeatable)",
    )
    parser.add_argument("-n", "--workers", default="2", help="pytest-xdist workers (0: serial)")
    parser.add_argument(
        "--keep", metavar="DIR", help="replay into DIR (empty or absent) and keep it"
    )
    parser.set_defaults(run=run)  # fmt: skip


def run(args: argparse.Namespace) -> int:
    config = front.load_project(args)
    config.family(args.family)
    print(HEADER, flush=True)
    result = replay(
        Path(config.root), args.family, Path(args.steps), tests=args.tests, workers=args.workers,
        final_tests=tuple(args.final_test), keep=Path(args.keep) if args.keep else None,
        progress=lambda o: print(row(o), flush=True),
    )  # fmt: skip
    sys.stdout.write(footer(result))
    return 0 if result.ok else 1


HEADER = "| step | purpose | members | non-canonical places | snapshots | tests | verdict |\n| --- | --- | --- | --- | --- | --- | --- |"


def row(o: Outcome) -> str:
    r = o.report
    snap = next(c for c in r.checks if c.name.startswith("golden snapshots"))
    tests = next((c for c in r.checks if c.name.startswith("golden path")), None)
    return (
        f"| {o.step.number} | {o.step.purpose} | {r.members_before} -> {r.members_after} | "
        f"{r.places_before} -> {r.places_after} | {'unchanged' if snap.ok else 'CHANGED'} | "
        f"{'not run' if tests is None else ('green' if tests.ok else 'RED')} | {'SAFE' if r.safe else 'NOT SAFE'} |"
    )


def footer(result: Replay) -> str:
    out = [""]
    for o in result.outcomes:
        if not o.report.safe:
            out.append(f"step {o.step.number} is not safe:")
            out += [f"  FAIL {c.name}: {c.detail}" for c in o.report.checks if not c.ok]
    if result.final:
        out.append("end state:")
        out += [
            f"  {'ok  ' if ok else 'FAIL'} {name}: {detail}" for name, ok, detail in result.final
        ]
    out.append(
        f"replay {result.family}: {'OK' if result.ok else 'FAILED'} ({len(result.outcomes)} step{'s' * (len(result.outcomes) != 1)})"
    )
    return "\n".join(out) + "\n"
