"""The `ssot-harness baseline` command: show the ratchet, or move it down with --update."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from harness.commands import front

if TYPE_CHECKING:
    from harness.pin.baseline import Baseline

HELP = """\
The baseline file ([tool.ssot-harness] baseline, default .ssot-baseline.json) records, per family,
each non-canonical place by identity (`definition pkg.mod:Name`, `import pkg.mod:Name in
pkg.user`...; no line numbers) and the counts per kind. `audit` fails when a place appears that is
not recorded (even when another one went away: a swap) or when a count rises.

  baseline            compare today's places with the baseline (exit 0)
  baseline --update   remove the entries that are gone and lower the counts; a missing file is
                      created (first run); a count-only (version 1) file is migrated to identities.
                      A new place is NOT added: it is listed and the exit status is 1, unless
                      --allow-increase, which records it with a loud warning.
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
    front.head_start(config, args)
    from harness.pin.audit import run_audit  # (imported while git lists the files)
    from harness.pin.baseline import counts_only, judge, load_baseline, ratchet, write_baseline

    path = Path(config.root) / config.baseline
    report = run_audit(
        config, use_cache=not args.no_cache, require_baseline=False, git=not args.no_git
    )
    current = report.current()
    old = load_baseline(path)
    if not args.update:
        return _show(config.baseline, old, current)
    new, rises, added = ratchet(old, current, allow_increase=args.allow_increase)
    write_baseline(path, new)
    if old is None:
        print(
            f"{config.baseline}: recorded today's non-canonical places for {len(new)} families "
            "(first baseline)"
        )
        return 0
    migrated = [f for f in counts_only(old) if f in new and new[f].entries is not None]
    if migrated:
        print(
            f"{config.baseline}: migrated {', '.join(migrated)} from counts only (version 1) to "
            "member identities: from now on a member swapped for another fails the audit"
        )
    for family in sorted(new):
        if family in old:
            j = judge(family, old[family], new[family])
            for change in j.drops:
                print(f"lowered {change}")
            for entry in j.removed:
                print(f"removed {family}: {entry}")
    if (rises or added) and args.allow_increase:
        print("!" * 72, file=sys.stderr)
        print(
            "WARNING: --allow-increase RAISED the baseline; more non-canonical code is now accepted:",
            file=sys.stderr,
        )
        for change in rises:
            print(f"  raised {change}", file=sys.stderr)
        for entry in added:
            print(f"  added {entry}", file=sys.stderr)
        print("!" * 72, file=sys.stderr)
        return 0
    if rises or added:
        print(
            "refusing to raise the baseline (it only ever loses entries; the rest is kept):",
            file=sys.stderr,
        )
        for change in rises:
            print(
                f"  rose {change}; use the canonical instead, or --allow-increase", file=sys.stderr
            )
        for entry in added:
            print(
                f"  new {entry}: not in the baseline; use the canonical instead, or --allow-increase",
                file=sys.stderr,
            )
        return 1
    print(f"{config.baseline}: updated")
    return 0


def _show(name: str, old: Baseline | None, current: Baseline) -> int:
    from harness.pin.baseline import Judgement, counts_only, judge

    if old is None:
        print(f"{name}: no baseline yet; `ssot-harness baseline --update` records today's places")
        return 0
    same = True
    for family in sorted(current):
        if family not in old:
            print(f"absent  {family}: not in the baseline yet")
            same = False
            continue
        j = judge(family, old[family], current[family])
        for change in j.rises:
            print(f"rose    {change}")
        for change in j.drops:
            print(f"lowered {change}")
        for entry in j.added:
            print(f"added   {family}: {entry}")
        for entry in j.removed:
            print(f"removed {family}: {entry}")
        same = same and j == Judgement()
    for family in counts_only(old):
        print(
            f"note    {family}: recorded by count only (version 1 baseline); "
            "`ssot-harness baseline --update` records member identities"
        )
    if same:
        print(f"{name}: today's non-canonical places equal the baseline")
    return 0
