"""The `ssot-harness baseline` command: show the ratchet, or move it down with --update."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.commands import front
from harness.pin.audit import run_audit
from harness.pin.baseline import compare, load_baseline, ratchet, write_baseline

HELP = """\
The baseline file ([tool.ssot-harness] baseline, default .ssot-baseline.json) records, per family
and kind, how many non-canonical definitions, aliases, re-exports, import sites and references
exist. `audit` fails when any count rises above it.

  baseline            compare today's counts with the baseline (exit 0)
  baseline --update   lower every count that went down; a missing file is created (first run).
                      A count that rose is NOT raised: it is listed and the exit status is 1,
                      unless --allow-increase, which raises it with a loud warning.
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "baseline",
        help="show or ratchet down the baseline of non-canonical counts",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    front.add_common(parser)
    parser.add_argument(
        "--update", action="store_true", help="write the lowered counts to the baseline file"
    )
    parser.add_argument(
        "--allow-increase",
        action="store_true",
        help="with --update, also raise counts that went up (needs a reason in review)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config, roots = front.load(args)
    if roots is not None:
        from harness.errors import UsageError

        raise UsageError(
            "the baseline covers the whole project: run it without PATH or with the project root"
        )
    path = Path(config.root) / config.baseline
    report = run_audit(config, use_cache=not args.no_cache, require_baseline=False)
    current = report.counts()
    old = load_baseline(path)
    if not args.update:
        if old is None:
            print(
                f"{config.baseline}: no baseline yet; `ssot-harness baseline --update` records today's counts"
            )
            return 0
        rises, drops = compare(old, current)
        for change in rises:
            print(f"rose    {change}")
        for change in drops:
            print(f"lowered {change}")
        if not rises and not drops:
            print(f"{config.baseline}: today's counts equal the baseline")
        return 0
    new, rises = ratchet(old, current, allow_increase=args.allow_increase)
    write_baseline(path, new)
    if old is None:
        print(
            f"{config.baseline}: recorded today's counts for {len(new)} families (first baseline)"
        )
        return 0
    for change in compare(old, new)[1]:
        print(f"lowered {change}")
    if rises and args.allow_increase:
        print("!" * 72, file=sys.stderr)
        print(
            "WARNING: --allow-increase RAISED the baseline; more non-canonical code is now accepted:",
            file=sys.stderr,
        )
        for change in rises:
            print(f"  raised {change}", file=sys.stderr)
        print("!" * 72, file=sys.stderr)
        return 0
    if rises:
        print("refusing to raise the baseline (counts kept at their old values):", file=sys.stderr)
        for change in rises:
            print(
                f"  rose {change}; use the canonical instead, or --allow-increase", file=sys.stderr
            )
        return 1
    print(f"{config.baseline}: updated")
    return 0
