"""The `ssot-harness inventory` command: arguments, the text/JSON/markdown renderings, exit status."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from harness.commands import front
from harness.finish.inventory import FamilyInventory, Inventory, run_inventory
from harness.scan.atomic import write_text_atomic

HELP = """\
Which tests exercise each member of a family, measured with coverage.py (one dynamic context per
test) over the members' function bodies -- not by grepping names. Runs a pytest selection
(-m EXPR, paths, -n WORKERS under pytest-xdist) and reports, per member, the tests that execute it;
the tests that execute only non-canonical members (they must move with the migration); and the
members no test exercises. An alias is its origin's code: coverage cannot tell them apart.

exit status: 0 report written (1 when the measured run had failing tests), 2 usage or config error
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "inventory",
        help="which tests exercise each family member (coverage.py, a context per test)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", metavar="PYPROJECT", help="pyproject.toml holding [tool.ssot-harness]"
    )
    parser.add_argument(
        "--family",
        action="append",
        default=[],
        metavar="NAME",
        help="a family to measure (repeatable; default: all)",
    )
    parser.add_argument(
        "-m", dest="markers", metavar="EXPR", help="pytest marker expression of the selection"
    )
    parser.add_argument(
        "-n", dest="workers", metavar="N", help="pytest-xdist workers (data files are combined)"
    )
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.add_argument(
        "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    parser.add_argument(
        "pytest_args",
        nargs="*",
        metavar="PATH_OR_PYTEST_ARG",
        help="test paths and other pytest arguments (after --)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = front.load_project(args)
    selection = [
        *(["-m", args.markers] if args.markers else []),
        *(["-n", args.workers] if args.workers else []),
        *args.pytest_args,
    ]
    inventory = run_inventory(config, args.family, selection, quiet=args.output is None)
    text = RENDER[args.format](inventory)
    if args.output:
        out = Path(args.output)
        write_text_atomic(out, text)
        print(f"wrote {args.format} inventory to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    if inventory.pytest_exit:
        print(
            "inventory: the measured run had failing tests; their coverage is counted all the same",
            file=sys.stderr,
        )
    return 1 if inventory.pytest_exit else 0


def to_json(inv: Inventory) -> str:
    body = {
        "selection": list(inv.selection),
        "families": [
            {
                "family": f.family,
                "canonical": f.canonical,
                "members": [
                    {
                        "member": m.member, "kind": m.kind, "location": m.location, "canonical": m.canonical,
                        "measured": m.measured, "alias_of": m.alias_of or None, "tests": list(m.tests),
                    }
                    for m in f.members
                ],
                "only_non_canonical": [{"test": t, "members": list(ms)} for t, ms in f.only_non_canonical],
                "unexercised": list(f.unexercised),
            }
            for f in inv.families
        ],
    }  # fmt: skip
    return json.dumps(body, indent=2) + "\n"


def _member_line(f: FamilyInventory, m) -> str:  # noqa: ANN001
    tag = " (canonical)" if m.canonical else ""
    if not m.measured:
        return (
            f"{m.member}{tag} -- alias of {m.alias_of}: exercised through it, not measurable apart"
        )
    return f"{m.member}{tag} -- {len(m.tests)} test{'s' * (len(m.tests) != 1)}"


def to_text(inv: Inventory) -> str:
    out = [f"ssot-harness inventory: pytest {' '.join(inv.selection) or '(default selection)'}", ""]
    for f in inv.families:
        out.append(f"{f.family}  canonical {f.canonical}")
        for m in f.members:
            out.append(f"  {_member_line(f, m)}  [{m.location}]")
            out += [f"      {t}" for t in m.tests]
        out.append(
            f"  tests exercising only non-canonical members ({len(f.only_non_canonical)}): must move with the migration"
        )
        out += [f"      {t}  [{', '.join(ms)}]" for t, ms in f.only_non_canonical]
        out.append(
            f"  members no test exercises ({len(f.unexercised)}): {', '.join(f.unexercised) or 'none'}"
        )
        out.append("")
    return "\n".join(out)


def to_markdown(inv: Inventory) -> str:
    out = ["# Test inventory", "", f"Selection: `pytest {' '.join(inv.selection)}`".rstrip(), ""]
    for f in inv.families:
        out += [
            f"## `{f.family}`",
            "",
            f"Canonical: `{f.canonical}`",
            "",
            "| member | kind | tests | where |",
            "| --- | --- | --- | --- |",
        ]
        for m in f.members:
            count = str(len(m.tests)) if m.measured else f"alias of `{m.alias_of}`"
            out.append(
                f"| `{m.name}`{' (canonical)' if m.canonical else ''} | {m.kind} | {count} | `{m.location}` |"
            )
        out += [
            "",
            "Tests exercising only non-canonical members (they move with the migration):",
            "",
        ]
        out += [
            f"- `{t}` ({', '.join(f'`{m}`' for m in ms)})" for t, ms in f.only_non_canonical
        ] or ["- none"]
        out += [
            "",
            f"Members no test exercises: {', '.join(f'`{m}`' for m in f.unexercised) or 'none'}",
            "",
        ]
    return "\n".join(out)


RENDER = {"text": to_text, "json": to_json, "markdown": to_markdown}
