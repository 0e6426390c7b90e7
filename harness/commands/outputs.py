"""What `verify` and `merge` do once the results are in: GitHub Actions annotations, the HTML page,
JUnit's path, the verdict and exit status."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from harness.commands import page, results
from harness.errors import UsageError
from harness.model import Config
from harness.pin.audit import AuditReport
from harness.prove.shards import Shard
from harness.report import github
from harness.scan.atomic import write_text_atomic


def add_arguments(parser: argparse.ArgumentParser, *, shard: bool = True) -> None:
    if shard:
        parser.add_argument(
            "--shard",
            metavar="K/N",
            help="run only shard K of N (a deterministic 1/N of the tests, by test id) and write "
            "verify-shard-K-of-N.json into the reports folder for `ssot-harness merge`",
        )
    parser.add_argument(
        "--html",
        metavar="FILE",
        help="also write the report as one self-contained HTML page to FILE",
    )
    parser.add_argument(
        "--history",
        metavar="JSON",
        help="the page's burndown: the output of `ssot-harness history --format json`",
    )


def check(args: argparse.Namespace) -> None:
    """Fail before the run, not after it, on an output that cannot be written."""
    if getattr(args, "history", None) and not args.html:
        raise UsageError("--history draws the burndown of the HTML page: give --html FILE too")
    if args.history:
        page.load_history(Path(args.history))
    if args.html and Path(args.html).is_dir():
        raise UsageError(f"--html {args.html}: a folder; name the page's file")


def junit(pytest_args: list[str], reports: Path, shard: Shard | None) -> list[str]:
    """pytest's own JUnit XML into the reports folder, unless the caller chose a path."""
    if any(a.startswith("--junitxml") or a.startswith("--junit-xml") for a in pytest_args):
        return []
    name = f"junit-{shard.slug}.xml" if shard else "junit.xml"
    return [f"--junitxml={reports / name}"]


def today() -> str:
    return dt.date.today().isoformat()


def finish(
    args: argparse.Namespace,
    config: Config,
    found: dict[str, Any],
    report: AuditReport | None,
    extra_problems: list[str] | None = None,
) -> int:
    if os.environ.get("GITHUB_ACTIONS") == "true":
        sys.stdout.write(github.render(found))
    if args.html:
        history = page.load_history(Path(args.history)) if args.history else None
        text = page.render(found, config, report, history)
        out = Path(args.html)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(out, text)
        print(f"page: {out}")
    problems = results.problems(found, [f.name for f in config.families if f.adapters])
    problems += extra_problems or []
    what = f"{args.command} of shard {found['shard']}" if found["shard"] else args.command
    if problems:
        print(f"{what}: FAILED ({'; '.join(problems)})")
        return 1
    if found["shard"]:
        print(f"{what}: OK (this shard passed; `ssot-harness merge` checks the whole)")
        return 0
    print(f"{what}: OK (everything passed; every divergence is an accepted, declared one)")
    return 0
