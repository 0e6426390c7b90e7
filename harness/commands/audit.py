"""The `ssot-harness audit` command: scan, judge against stage and baseline, render, exit 0/1/2."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.commands import front
from harness.report import FORMATS

HELP = """\
Report every definition, alias, re-export and import site of each configured family, each marked
canonical or not, with file:line and the canonical to use instead.

exit status:
  0  every family within its baseline (and pinned families hold only their canonical)
  1  a count rose above the baseline, a prove family is missing from it, a pinned family has more
     than its canonical (and live shims) or a candidate file it cannot parse (not declared in its
     `unparseable`), or a shim or unparseable declaration is expired or stale
  2  usage or config error (unknown key, bad pattern, canonical that does not exist in the tree,
     no baseline file while a family is at stage prove: a missing baseline is an error, not a
     silent first run; record one with `ssot-harness baseline --update` and commit it)
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "audit",
        help="static SSOT audit of every family against its stage and baseline",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    front.add_common(parser)
    parser.add_argument(
        "--format", choices=sorted(FORMATS), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config, roots = front.load(args)
    front.head_start(config, args)
    from harness.pin.audit import run_audit  # (imported while git lists the files)
    from harness.report import renderer
    from harness.scan.atomic import write_text_atomic

    report = run_audit(config, roots=roots, use_cache=not args.no_cache, git=not args.no_git)
    text = renderer(args.format)(report)
    if args.output:
        out = Path(args.output)
        write_text_atomic(out, text)
        for fa in report.families:
            print(fa.verdict, file=sys.stderr)
        print(f"wrote {args.format} report to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if report.failed else 0
